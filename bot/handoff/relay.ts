/**
 * The relay between a person and the agent who took their request: taking (atomic, every
 * copy of the card updated), what each writes reaching the other, handing back and closing,
 * with the person told in their language and the agent's first name only.
 */
import type { TFunction } from 'i18next';
import type { HandoffRequest, HandoffStore } from '../../storage/handoff-store';
import type { KnowledgeBase } from '../../knowledge/load';
import { normalise } from '../../knowledge/normalise';
import type { Logger } from '../logger';
import { pseudonym } from '../redact';
import type { AgentDesk } from './handoff-service';
import type { Proactive } from './proactive';
import type { AgentsChannelStore } from '../teams/agents-channel';
import { requestCard } from '../teams/request-card';

/** An agent, as Teams names them. */
export interface Agent {
  id: string;
  name: string;
}

/** What an agent's action led to. */
export type ActionResult =
  | { ok: true; request: HandoffRequest; card: Record<string, unknown> }
  | { ok: false; reason: 'unknown' | 'taken' | 'notOwner' | 'notActive'; request?: HandoffRequest; card?: Record<string, unknown> };

const HAND_BACK = new Set(['rendre', 'rendre au bot', '/rendre', 'hand back', 'handback', '/handback']);
const CLOSE = new Set(['clore', '/clore', 'close', '/close', 'fermer']);

/** First name only: what the person is told of the agent. */
export function firstName(name: string): string {
  return (name.trim().split(/[\s,]+/)[0] ?? '').slice(0, 40) || '—';
}

/** The relay and the Teams desk. */
export class Relay implements AgentDesk {
  constructor(
    private readonly store: HandoffStore,
    private readonly proactive: Proactive,
    private readonly channel: AgentsChannelStore,
    private readonly translate: (lang: string) => TFunction,
    private readonly knowledge: () => KnowledgeBase,
    private readonly logger: Logger,
    private readonly transcriptUrl: (requestId: string) => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private agentsT(): TFunction {
    return this.translate('fr');
  }

  /** A text for the agents (French, the agents' language). */
  agentsText(key: string, vars: Record<string, unknown> = {}): string {
    return this.agentsT()(key, vars);
  }

  /** The card of a request as it stands now. */
  card(request: HandoffRequest): Record<string, unknown> {
    const entry = request.topic ? this.knowledge().byId.get(request.topic) : undefined;
    return requestCard(request, entry?.text.fr.title, this.agentsT(), this.now());
  }

  private async post(request: HandoffRequest): Promise<void> {
    const channel = await this.channel.get();
    if (!channel) {
      this.logger.warn('no agents\' Teams channel known yet: install the bot in the agents\' team', { request: request.id });
      return;
    }
    try {
      const thread = await this.proactive.createThread(channel, this.card(request));
      await this.store.attachThread(request.id, thread);
    } catch (err) {
      this.logger.error('could not post the request to the agents\' channel', { err, request: request.id });
    }
  }

  async requestQueued(request: HandoffRequest, position: number): Promise<void> {
    this.logger.info('handoff requested', { request: request.id, conversation: pseudonym(request.conversationId), topic: request.topic, position });
    await this.post(request);
  }

  async messageLeft(request: HandoffRequest): Promise<void> {
    this.logger.info('message left for the agents', { request: request.id, conversation: pseudonym(request.conversationId) });
    await this.post(request);
  }

  /**
   * Puts an agent's request back in the queue, first in line (its place is its creation
   * time), and tells the person and the agents' thread.
   */
  async requeue(request: HandoffRequest): Promise<void> {
    const name = request.owner?.name ?? '';
    await this.store.setState(request.id, 'waiting');
    const back = (await this.store.get(request.id))!;
    await this.notifyPerson(back, 'handoff.requeued');
    await this.noticeInThread(back, this.agentsText('teams.requeued', { name }));
    this.logger.info('request back in the queue', { request: request.id });
  }

  /** An agent left the team (or signed out of it): their conversations go back to the queue. */
  async agentLeft(agentId: string): Promise<number> {
    const owned = (await this.store.withAgent()).filter((r) => r.owner?.id === agentId);
    for (const r of owned) await this.requeue(r);
    return owned.length;
  }

  /** Refreshes the card of a request in the agents' thread, and tells the thread why. */
  async noticeInThread(request: HandoffRequest, text: string): Promise<void> {
    await this.refreshCard(request);
    if (request.thread) await this.proactive.send(request.thread.reference, text).catch((err: unknown) => this.logger.warn('could not write in the agents\' thread', { err, request: request.id }));
  }

  /** Tells the person something, in their language. */
  async notifyPerson(request: HandoffRequest, key: string, vars: Record<string, unknown> = {}, suggestions: string[] = []): Promise<void> {
    const t = this.translate(request.lang);
    await this.proactive.send(request.reference, t(key, vars), suggestions.map((k) => t(k))).catch((err: unknown) =>
      this.logger.error('could not write to the person', { err, request: request.id, conversation: pseudonym(request.conversationId) }),
    );
  }

  private async refreshCard(request: HandoffRequest): Promise<Record<string, unknown>> {
    const card = this.card(request);
    if (request.thread) {
      await this.proactive.updateCard(request.thread.reference, request.thread.cardActivityId, card).catch((err: unknown) =>
        this.logger.warn('could not update the request card', { err, request: request.id }),
      );
    }
    return card;
  }

  /** An agent takes, hands back or closes a request (card button or command). */
  async act(requestId: string, verb: 'take' | 'handback' | 'close', agent: Agent): Promise<ActionResult> {
    const request = await this.store.get(requestId);
    if (!request) return { ok: false, reason: 'unknown' };
    const name = firstName(agent.name);
    if (verb === 'take') {
      if (!(await this.store.take(requestId, { id: agent.id, name }))) {
        const current = (await this.store.get(requestId))!;
        return { ok: false, reason: current.state === 'agent' ? 'taken' : 'notActive', request: current, card: this.card(current) };
      }
      const taken = (await this.store.get(requestId))!;
      await this.store.appendTranscript(requestId, { from: 'bot', text: this.agentsText('teams.takenBy', { name }) });
      await this.notifyPerson(taken, 'handoff.taken', { name });
      return { ok: true, request: taken, card: await this.refreshCard(taken) };
    }
    if (request.state === 'message' && verb === 'close') {
      // A message left while the desk was closed, now handled.
      await this.store.setState(requestId, 'closed');
      await this.store.appendTranscript(requestId, { from: 'bot', text: this.agentsText('teams.closedBy', { name }) });
      const handled = (await this.store.get(requestId))!;
      return { ok: true, request: handled, card: await this.refreshCard(handled) };
    }
    if (request.state !== 'agent') return { ok: false, reason: 'notActive', request, card: this.card(request) };
    if (request.owner?.id !== agent.id) return { ok: false, reason: 'notOwner', request, card: this.card(request) };
    await this.store.setState(requestId, 'closed');
    await this.store.appendTranscript(requestId, { from: 'bot', text: this.agentsText(verb === 'close' ? 'teams.closedBy' : 'teams.handedBackBy', { name }) });
    const ended = (await this.store.get(requestId))!;
    await this.notifyPerson(ended, verb === 'handback' ? 'handoff.handedBack' : 'handoff.closedByAgent', { name });
    if (verb === 'close') {
      // The person may rate the exchange (1 to 5) and keep the transcript.
      const t = this.translate(ended.lang);
      await this.proactive
        .send(ended.reference, `${t('handoff.rate')}\n\n${t('handoff.transcript', { url: this.transcriptUrl(ended.id) })}`, ['1', '2', '3', '4', '5'])
        .catch((err: unknown) => this.logger.error('could not ask for a rating', { err, request: ended.id }));
    }
    return { ok: true, request: ended, card: await this.refreshCard(ended) };
  }

  /** Messages the person writes that go to the bot even while an agent holds the conversation. */
  keepFromAgent?: (text: string) => boolean;

  /**
   * A message from the person while an agent has their request: it joins the transcript and
   * reaches the agent's thread (`relayed`). Otherwise it is for the bot: `forBot` while the
   * conversation has a request waiting or taken, `none` when it has none.
   */
  async fromPerson(conversationId: string, text: string): Promise<'relayed' | 'forBot' | 'none'> {
    const request = await this.store.active(conversationId);
    if (!request) return 'none';
    if (request.state !== 'agent') return 'forBot';
    // The person's own commands about their data (erasure and its confirmation buttons) are
    // for the bot, even while an agent holds the conversation. (Checked only then: reading a
    // command is dearer than the lookup.)
    if (this.keepFromAgent?.(text)) return 'forBot';
    await this.store.appendTranscript(request.id, { from: 'person', text });
    if (request.thread) {
      await this.proactive.send(request.thread.reference, this.agentsT()('teams.personSays', { text }), [], 'plain').catch((err: unknown) =>
        this.logger.error('could not relay to the agent', { err, request: request.id }),
      );
    }
    return 'relayed';
  }

  /**
   * A message an agent wrote in a request's thread: relayed to the person, or a command.
   * Returns what to tell the agent when it was not relayed.
   */
  async fromAgent(threadConversationId: string, agent: Agent, text: string): Promise<string | undefined> {
    const request = await this.store.byThread(threadConversationId);
    const t = this.agentsT();
    if (!request) return undefined; // A conversation in the channel that is not a request: not ours.
    const said = normalise(text);
    if (HAND_BACK.has(said) || CLOSE.has(said)) {
      const r = await this.act(request.id, HAND_BACK.has(said) ? 'handback' : 'close', agent);
      return r.ok ? undefined : t(r.reason === 'notOwner' ? 'teams.notOwner' : 'teams.notActive');
    }
    const refused = await this.agentMessage(request, agent, text);
    return refused ? t(refused === 'notOwner' ? 'teams.notOwner' : 'teams.notActive') : undefined;
  }

  /** What an agent writes from the console: relayed to the person, copied in the Teams thread. */
  async fromConsole(requestId: string, agent: Agent, text: string): Promise<'unknown' | 'notOwner' | 'notActive' | undefined> {
    const request = await this.store.get(requestId);
    if (!request) return 'unknown';
    const refused = await this.agentMessage(request, agent, text);
    if (!refused && request.thread) {
      await this.proactive.send(request.thread.reference, `${request.owner?.name ?? agent.name} : ${text}`, [], 'plain').catch((err: unknown) => this.logger.warn('could not copy to the agents\' thread', { err, request: request.id }));
    }
    return refused;
  }

  private async agentMessage(request: HandoffRequest, agent: Agent, text: string): Promise<'notOwner' | 'notActive' | undefined> {
    if (request.state !== 'agent') return 'notActive';
    if (request.owner?.id !== agent.id) return 'notOwner';
    await this.store.appendTranscript(request.id, { from: 'agent', text });
    await this.notifyPerson(request, 'handoff.agentSays', { name: request.owner.name, text });
    return undefined;
  }
}
