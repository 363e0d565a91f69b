/**
 * Erases one conversation at the person's request: its Direct Line transcript, its bot
 * state, its handoff requests' texts and transcripts (a waiting or ongoing request is
 * cancelled first and the agents' thread told), its unanswered questions, and the link
 * between its insights events and the conversation (the events stay counted under a random
 * pseudonym). Logs counts and a pseudonym, never contents.
 */
import { randomUUID } from 'crypto';
import type { TurnContext } from 'botbuilder';
import type { ErasurePort, ErasureReport } from '../dialogs/erasure-dialog';
import type { Translate } from '../dialogs/orientation-dialog';
import type { DirectLineStore } from '../storage/directline-store';
import type { HandoffStore } from '../storage/handoff-store';
import type { InsightsStore } from '../storage/insights-store';
import type { BotState } from './state';
import type { Logger } from './logger';
import { pseudonym } from './redact';
import { insightsPseudonym } from './insights/insights-service';

/** Where the agents are told about a cancelled request (`Relay.noticeInThread`). */
export interface AgentNotice {
  noticeInThread(request: import('../storage/handoff-store').HandoffRequest, text: string): Promise<void>;
}

/** Dependencies of {@link ErasureService}. */
export interface ErasureDeps {
  state: BotState;
  directLine: DirectLineStore;
  handoff: HandoffStore;
  insights: InsightsStore;
  /** The key insights pseudonyms are made with (the service's secret). */
  insightsKey: string;
  agents: AgentNotice;
  /** The agents' language (the préfecture's agents read French). */
  agentsTranslate: Translate;
  logger: Logger;
}

/** The {@link ErasurePort} over the service's stores. */
export class ErasureService implements ErasurePort {
  constructor(private readonly deps: ErasureDeps) {}

  async erase(context: TurnContext): Promise<ErasureReport> {
    const { deps } = this;
    const conversationId = context.activity.conversation?.id ?? '';
    try {
      // The person's request for an agent first: cancelled, and the agents told, before its texts go.
      const active = await deps.handoff.active(conversationId);
      if (active) {
        await deps.handoff.setState(active.id, 'cancelled');
        const cancelled = (await deps.handoff.get(active.id)) ?? { ...active, state: 'cancelled' as const };
        await deps.agents.noticeInThread(cancelled, deps.agentsTranslate('fr')('teams.erased')).catch((err: unknown) => deps.logger.warn('erasure: agents not told', { err }));
      }
      const handoff = await deps.handoff.eraseConversation(conversationId);
      const insights = await deps.insights.eraseConversation(insightsPseudonym(deps.insightsKey, conversationId), `erased-${randomUUID().replace(/-/g, '').slice(0, 14)}`);
      const activities = context.activity.channelId === 'directline' ? await deps.directLine.eraseActivities(conversationId) : 0;
      // State last: deleting it also drops this turn's cached copy, so nothing writes it back.
      await deps.state.conversationState.delete(context);
      await deps.state.userState.delete(context);
      const report: ErasureReport = {
        activities,
        handoffCancelled: Boolean(active),
        handoffRequests: handoff.requests,
        handoffLines: handoff.lines,
        questions: insights.questions,
        events: insights.events,
      };
      deps.logger.info('conversation erased at the person\'s request', { conversation: pseudonym(conversationId), ...report });
      return report;
    } catch (err) {
      deps.logger.error('erasure failed', { conversation: pseudonym(conversationId), err });
      throw err;
    }
  }
}
