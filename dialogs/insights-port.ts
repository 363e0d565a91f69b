/**
 * What the dialogs tell about a conversation, for the published indicators (engagement 6)
 * and the editors' list of unanswered questions (engagement 7). The bot's implementation
 * redacts identifiers and pseudonymises ids before anything is stored.
 */
import type { TurnContext } from 'botbuilder';

/** How a question was handled. */
/** How a message was handled: `handoff` when it asked for a person. */
export type QuestionOutcome = 'answered' | 'clarified' | 'notAnswered' | 'handoff';

/** Why a question is kept for editors. */
export type UnansweredReason = 'fallback' | 'notHelpful';

/** The insights port. Implementations never throw: a failing store is logged, not shown. */
export interface InsightsPort {
  /** A question searched in the knowledge base, and the entry answered if any. */
  question(context: TurnContext, outcome: QuestionOutcome, entryId?: string): Promise<void>;
  /** The "did this answer your question?" reply, with the entry and the question. */
  feedback(context: TurnContext, entryId: string, helpful: boolean, question: string | undefined): Promise<void>;
  /** A question the bot could not answer, or whose answer the person said did not help. */
  unanswered(context: TurnContext, text: string, reason: UnansweredReason, lang: string, entryId?: string): Promise<void>;
  /** The optional satisfaction rating at the end of a conversation, 1 to 5. */
  rating(context: TurnContext, value: number): Promise<void>;
}
