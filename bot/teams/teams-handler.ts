/**
 * What the bot does in Microsoft Teams, for agents: learn the agents' channel when
 * installed in the team, answer the request cards' buttons, and relay what agents write in
 * a request's thread. Anything from outside the configured tenant or team is refused.
 */
import { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from 'botbuilder';
import type { TFunction } from 'i18next';
import type { Logger } from '../logger';
import { pseudonym } from '../redact';
import type { Relay } from '../handoff/relay';
import type { AgentsChannelStore } from './agents-channel';

/** Who may act as an agent. */
export interface TeamsSettings {
  /** Entra ID tenant; empty accepts any (development only). */
  tenantId: string;
  /** The agents' team id; empty accepts the team the bot is installed in. */
  teamId: string;
  /** The channel where requests are posted; empty means the team's General channel. */
  channelId: string;
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string };
  channel?: { id?: string };
  eventType?: string;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

/** The Teams side of the bot. */
export class TeamsHandler {
  constructor(
    private readonly relay: Relay,
    private readonly channel: AgentsChannelStore,
    private readonly settings: TeamsSettings,
    private readonly t: TFunction,
    private readonly logger: Logger,
  ) {}

  /** Whether an activity comes from the configured tenant and team. */
  private allowed(context: TurnContext): boolean {
    const data = (context.activity.channelData ?? {}) as TeamsChannelData;
    const tenant = data.tenant?.id ?? context.activity.conversation?.tenantId;
    if (this.settings.tenantId && tenant !== this.settings.tenantId) return false;
    if (this.settings.teamId && data.team?.id && data.team.id !== this.settings.teamId) return false;
    return true;
  }

  /** The bot installed in a team: remember where to post requests. */
  async onMembersAdded(context: TurnContext): Promise<void> {
    const a = context.activity;
    const data = (a.channelData ?? {}) as TeamsChannelData;
    const botAdded = (a.membersAdded ?? []).some((m) => m.id === a.recipient.id);
    if (!botAdded || !data.team?.id) return;
    if (!this.allowed(context)) {
      this.logger.warn('installation refused: team or tenant not configured', { team: pseudonym(data.team.id) });
      return;
    }
    await this.channel.set({
      serviceUrl: a.serviceUrl,
      tenantId: data.tenant?.id ?? a.conversation.tenantId ?? '',
      teamId: data.team.id,
      channelId: this.settings.channelId || data.channel?.id || data.team.id,
      botId: a.recipient.id,
    });
    this.logger.info('agents\' channel recorded', { team: pseudonym(data.team.id) });
  }

  /** Members leaving the team: the conversations they had go back to the queue. */
  async onMembersRemoved(context: TurnContext): Promise<void> {
    if (!this.allowed(context)) return;
    for (const m of context.activity.membersRemoved ?? []) {
      const n = await this.relay.agentLeft((m as { aadObjectId?: string }).aadObjectId ?? m.id);
      if (n) this.logger.info('an agent left the team: requests back in the queue', { count: n });
    }
  }

  /** A message in the agents' team: relayed when it is in a request's thread. */
  async onMessage(context: TurnContext): Promise<void> {
    const a = context.activity;
    if (!this.allowed(context)) {
      this.logger.warn('Teams message refused: tenant or team not configured', { conversation: pseudonym(a.conversation?.id) });
      return;
    }
    const text = (TurnContext.removeRecipientMention(a) ?? a.text ?? '').trim();
    if (!text || a.conversation.conversationType !== 'channel') return;
    const reply = await this.relay.fromAgent(a.conversation.id, { id: a.from.aadObjectId ?? a.from.id, name: a.from.name ?? '' }, text);
    if (reply) await context.sendActivity(reply);
  }

  /** A request card's button. */
  async onCardAction(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const refuse = (statusCode: number, message: string): AdaptiveCardInvokeResponse => ({ statusCode, type: 'application/vnd.microsoft.error', value: { code: String(statusCode), message } as never });
    if (!this.allowed(context)) return refuse(403, 'this team is not allowed to act on requests');
    const verb = value.action?.verb;
    const requestId = (value.action?.data as { requestId?: unknown } | undefined)?.requestId;
    if ((verb !== 'take' && verb !== 'handback' && verb !== 'close') || typeof requestId !== 'string') return refuse(400, 'unknown action');
    const from = context.activity.from;
    const result = await this.relay.act(requestId, verb, { id: from.aadObjectId ?? from.id, name: from.name ?? '' });
    if (!result.ok && result.reason === 'unknown') return refuse(404, this.t('teams.unknownRequest'));
    return { statusCode: 200, type: CARD, value: (result.card ?? {}) as never };
  }
}
