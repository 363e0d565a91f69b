/**
 * The self-hosted Direct Line channel: conversations, the person's activities going to the
 * bot, the bot's activities (received on the service's own Bot Connector endpoints) stored
 * and pushed to the connected clients. Protocol details (routes, status codes) live in
 * `routes.ts`; this file holds the behaviour.
 */
import { Activity } from 'botbuilder';
import { DirectLineStore, StoredActivity } from '../../storage/directline-store';
import { Logger } from '../logger';
import { pseudonym } from '../redact';
import { SocketHub } from './socket-hub';
import { newId, TokenService } from './tokens';
import { ClusterBus, LocalBus, MAX_BUS_PAYLOAD } from '../cluster/bus';

/** Runs one activity through the bot (the in-process bridge to the adapter). */
export type BotBridge = (activity: Partial<Activity>) => Promise<void>;

/** A channel failure with an HTTP status and a stable code. */
export class ChannelError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ChannelError';
  }
}

/** What the channel answers when a conversation starts or resumes. */
export interface ConversationGrant {
  conversationId: string;
  token: string;
  expires_in: number;
}

const USER_TYPES = new Set(['message', 'event']);

/** The Direct Line channel behaviour. */
export class DirectLineChannel {
  /** Per-conversation queue: one turn at a time, in arrival order. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: DirectLineStore,
    readonly tokens: TokenService,
    readonly hub: SocketHub,
    private readonly bridge: BotBridge,
    private readonly serviceUrl: () => string,
    private readonly logger: Logger,
    private readonly bot: { id: string; name: string } = { id: 'bot', name: 'Assistant' },
    private readonly bus: ClusterBus = new LocalBus(),
  ) {
    // Another instance stored an activity: the sockets held here get it.
    bus.on('dl_activity', (body) => {
      const c = typeof body.c === 'string' ? body.c : undefined;
      if (!c || !this.hub.has(c)) return;
      const w = typeof body.w === 'number' ? body.w : undefined;
      if (Array.isArray(body.a)) {
        this.hub.push(c, body.a, w);
        return;
      }
      if (w === undefined) return;
      // Too big for a notification: read from the shared store.
      this.store.after(c, w - 1, 1).then(
        (s) => this.hub.push(c, s.map((x) => x.activity), w),
        (err: unknown) => this.logger.warn('activity from another instance not pushed', { err, conversation: pseudonym(c) }),
      );
    });
  }

  /** Pushes to the sockets held here and tells the other instances. */
  private pushAll(conversationId: string, activities: unknown[], watermark: number | undefined): void {
    this.hub.push(conversationId, activities, watermark);
    const inline = { c: conversationId, w: watermark, a: activities };
    const body = JSON.stringify(inline).length < MAX_BUS_PAYLOAD - 200 ? inline : { c: conversationId, w: watermark };
    this.bus.publish('dl_activity', body).catch((err: unknown) => this.logger.warn('activity not announced to other instances', { err, conversation: pseudonym(conversationId) }));
  }

  /** Creates a conversation and a token bound to it (tokens/generate, the page's token route). */
  async create(userId?: string): Promise<ConversationGrant> {
    const conversationId = newId('dl-');
    const user = userId && /^[\w.:@-]{1,64}$/.test(userId) && !userId.startsWith('dl_') ? `dl_${userId}` : newId('dl_');
    await this.store.createConversation(conversationId, user);
    const { token, expires_in } = this.tokens.issue(conversationId, user);
    return { conversationId, token, expires_in };
  }

  /** A fresh token for the same conversation. */
  refresh(conversationId: string, userId: string): ConversationGrant {
    const { token, expires_in } = this.tokens.issue(conversationId, userId);
    return { conversationId, token, expires_in };
  }

  /**
   * Starts a conversation: the first time, the bot is told that the person joined (so it
   * welcomes them). Returns whether this call started it.
   */
  async start(conversationId: string, locale?: string): Promise<boolean> {
    const conv = await this.store.getConversation(conversationId);
    if (!conv) throw new ChannelError(404, 'NotFound', 'unknown conversation');
    if (!(await this.store.markStarted(conversationId))) return false;
    const update: Partial<Activity> = {
      type: 'conversationUpdate',
      id: newId('cu-'),
      channelId: 'directline',
      serviceUrl: this.serviceUrl(),
      conversation: { id: conversationId } as Activity['conversation'],
      from: { id: conv.userId, name: '' },
      recipient: { id: this.bot.id, name: this.bot.name },
      membersAdded: [{ id: this.bot.id, name: this.bot.name }, { id: conv.userId, name: '' }],
      timestamp: new Date(),
      locale,
    };
    // The welcome is pushed to the client when the bot sends it; the start answers at once.
    void this.serialised(conversationId, () => this.bridge(update)).catch((err: unknown) =>
      this.logger.error('conversation start failed in the bot', { err, conversation: pseudonym(conversationId) }),
    );
    return true;
  }

  /** Whether a conversation exists. */
  async exists(conversationId: string): Promise<boolean> {
    return (await this.store.getConversation(conversationId)) !== undefined;
  }

  /** The user id of a conversation, or undefined when it does not exist. */
  async userOf(conversationId: string): Promise<string | undefined> {
    return (await this.store.getConversation(conversationId))?.userId;
  }

  /** Activities after a watermark, for polling and for a new socket. */
  async activitiesAfter(conversationId: string, watermark: number): Promise<{ activities: StoredActivity['activity'][]; watermark: string }> {
    const stored = await this.store.after(conversationId, watermark);
    const last = stored.length ? stored[stored.length - 1]!.seq : watermark;
    return { activities: stored.map((s) => s.activity), watermark: String(last) };
  }

  /**
   * An activity from the person: checked, stamped with the channel's facts (the user id
   * comes from the token, never from the client), stored, echoed to the client, then run
   * through the bot. Resolves with its id once the bot has handled it.
   */
  async fromUser(conversationId: string, userId: string, body: unknown): Promise<string> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ChannelError(400, 'BadArgument', 'the body must be a JSON activity');
    const b = body as Record<string, unknown>;
    if (typeof b.type !== 'string' || !USER_TYPES.has(b.type)) throw new ChannelError(400, 'BadArgument', 'activity.type must be "message" or "event"');
    if (b.text !== undefined && typeof b.text !== 'string') throw new ChannelError(400, 'BadArgument', 'activity.text must be a string');
    if (b.attachments !== undefined && !Array.isArray(b.attachments)) throw new ChannelError(400, 'BadArgument', 'activity.attachments must be an array');
    const from = (typeof b.from === 'object' && b.from !== null ? b.from : {}) as Record<string, unknown>;
    const activity: Record<string, unknown> = {
      type: b.type,
      text: b.text,
      textFormat: b.textFormat,
      locale: typeof b.locale === 'string' ? b.locale.slice(0, 20) : undefined,
      attachments: b.attachments,
      value: b.value,
      name: typeof b.name === 'string' ? b.name : undefined,
      channelData: typeof b.channelData === 'object' && b.channelData !== null ? b.channelData : undefined,
      from: { id: userId, name: typeof from.name === 'string' ? from.name.slice(0, 100) : undefined, role: 'user' },
      recipient: { id: this.bot.id, name: this.bot.name, role: 'bot' },
      conversation: { id: conversationId },
      channelId: 'directline',
      serviceUrl: this.serviceUrl(),
      timestamp: new Date().toISOString(),
    };
    const stored = await this.store.append(conversationId, activity);
    this.pushAll(conversationId, [stored.activity], stored.seq);
    await this.serialised(conversationId, () => this.bridge(stored.activity as Partial<Activity>)).catch((err: unknown) => {
      this.logger.error('the bot failed on an activity', { err, conversation: pseudonym(conversationId) });
      throw new ChannelError(502, 'BotError', 'the bot could not handle the activity');
    });
    return stored.activity.id;
  }

  /** An activity from the bot (send or reply): stored and pushed; typing is only pushed. */
  async fromBot(conversationId: string, body: Record<string, unknown>): Promise<string> {
    if (!(await this.exists(conversationId))) throw new ChannelError(404, 'NotFound', 'unknown conversation');
    const activity: Record<string, unknown> = { ...body, conversation: { id: conversationId }, channelId: 'directline', timestamp: new Date().toISOString() };
    delete activity.id;
    if (activity.type === 'typing') {
      const id = newId('typing-');
      this.pushAll(conversationId, [{ ...activity, id }], undefined);
      return id;
    }
    const stored = await this.store.append(conversationId, activity);
    this.pushAll(conversationId, [stored.activity], stored.seq);
    return stored.activity.id;
  }

  /** The bot updates one of its activities (a card, for instance). */
  async updateFromBot(conversationId: string, activityId: string, body: Record<string, unknown>): Promise<string> {
    const activity = { ...body, id: activityId, conversation: { id: conversationId }, channelId: 'directline' };
    if (!(await this.store.update(conversationId, activityId, activity))) throw new ChannelError(404, 'NotFound', 'unknown activity');
    this.pushAll(conversationId, [activity as StoredActivity['activity']], undefined);
    return activityId;
  }

  private serialised<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(conversationId, next);
    void next.finally(() => {
      if (this.queues.get(conversationId) === next) this.queues.delete(conversationId);
    }).catch(() => undefined);
    return next;
  }
}
