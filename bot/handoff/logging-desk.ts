/**
 * The agents' desk when no Teams channel is configured: every request and message left is
 * written to the operator's log (without personal data), and stays in the store for the
 * agents' tools to list.
 */
import type { HandoffRequest } from '../../storage/handoff-store';
import type { Logger } from '../logger';
import { pseudonym } from '../redact';
import type { AgentDesk } from './handoff-service';

/** An {@link AgentDesk} that logs. */
export class LoggingAgentDesk implements AgentDesk {
  constructor(private readonly logger: Logger) {}

  async requestQueued(request: HandoffRequest, position: number): Promise<void> {
    this.logger.info('handoff requested', { request: request.id, conversation: pseudonym(request.conversationId), topic: request.topic, lang: request.lang, position });
  }

  async messageLeft(request: HandoffRequest): Promise<void> {
    this.logger.info('message left for the agents', { request: request.id, conversation: pseudonym(request.conversationId), topic: request.topic, lang: request.lang });
  }
}
