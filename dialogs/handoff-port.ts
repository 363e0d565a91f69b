/**
 * What the dialogs need from the handoff core (implemented in `bot/handoff/`): asking for an
 * agent, the queue, cancelling, messages left while the desk is closed.
 */
import type { TurnContext } from 'botbuilder';
import type { HandoffRequest } from '../storage/handoff-store';

/** The answer to a request for an agent. */
export type HandoffOutcome =
  | { kind: 'closed'; reopensAt?: Date }
  | { kind: 'queued'; request: HandoffRequest; position: number; etaMinutes: number };

/** A request for an agent, as the dialog knows it. */
export type HandoffAsk = Pick<HandoffRequest, 'conversationId' | 'channelId' | 'reference' | 'lang' | 'topic' | 'summary'>;

/** The handoff core, seen from the dialogs. */
export interface HandoffPort {
  request(ask: HandoffAsk): Promise<HandoffOutcome>;
  /** Position and estimated wait of the conversation's waiting request, if any. */
  status(conversationId: string): Promise<{ request: HandoffRequest; position: number; etaMinutes: number } | undefined>;
  cancel(conversationId: string): Promise<boolean>;
  /** A message the person wrote while waiting: it joins the transcript. */
  notePerson(conversationId: string, text: string): Promise<void>;
  leaveMessage(ask: HandoffAsk & { contact: string; message: string }): Promise<void>;
  /** The conversation's most recent request, whatever its state. */
  latest(conversationId: string): Promise<HandoffRequest | undefined>;
  /** The person's rating (1 to 5) of a closed exchange, and an optional comment. */
  rate(requestId: string, rating: number, comment?: string): Promise<void>;
}

/**
 * Remembers in the conversation's state that it asked for an agent: the person's messages
 * are looked up in the handoff store (to reach an agent holding the conversation) only for
 * such conversations, not on every message of every conversation.
 */
export interface HandoffMark {
  asked(context: TurnContext): Promise<void>;
}
