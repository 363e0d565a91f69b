/**
 * The bot's {@link InsightsPort}: identifiers are redacted from texts and conversation ids
 * replaced by a keyed pseudonym before anything is stored; a failing store is logged and
 * never stops the conversation.
 */
import { createHmac } from 'crypto';
import type { TurnContext } from 'botbuilder';
import type { InsightsPort, QuestionOutcome, UnansweredReason } from '../../dialogs/insights-port';
import type { InsightEvent, InsightsStore } from '../../storage/insights-store';
import { normalise } from '../../knowledge/normalise';
import { withoutPlaceholders } from '../../knowledge/unanswered-groups';
import type { Logger } from '../logger';
import { redact } from '../redact';
import { parisDay } from './calendar';

/** Longest text kept for an unanswered question. */
const MAX_TEXT = 300;

/** Records insights through a store. */
export class InsightsService implements InsightsPort {
  constructor(
    private readonly store: InsightsStore,
    private readonly key: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A keyed, non-reversible pseudonym of a conversation id: counts distinct ones, names none. */
  private pseudonym(context: TurnContext): string {
    return createHmac('sha256', this.key).update(context.activity.conversation?.id ?? '').digest('hex').slice(0, 20);
  }

  private async write(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      this.logger.error('insight not recorded', { what, err });
    }
  }

  private event(context: TurnContext, kind: InsightEvent['kind'], detail: string, entry?: string, value?: number): InsightEvent {
    const at = this.now();
    return { day: parisDay(at), at: at.toISOString(), conversation: this.pseudonym(context), kind, detail, entry, value };
  }

  question(context: TurnContext, outcome: QuestionOutcome, entryId?: string): Promise<void> {
    return this.write('question', () => this.store.record(this.event(context, 'question', outcome, entryId)));
  }

  feedback(context: TurnContext, entryId: string, helpful: boolean): Promise<void> {
    return this.write('feedback', () => this.store.record(this.event(context, 'feedback', helpful ? 'yes' : 'no', entryId)));
  }

  unanswered(context: TurnContext, text: string, reason: UnansweredReason, lang: string, entryId?: string): Promise<void> {
    const clean = redact(text).replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT);
    if (!clean) return Promise.resolve();
    const at = this.now();
    return this.write('unanswered question', () =>
      this.store.addUnanswered({ day: parisDay(at), at: at.toISOString(), conversation: this.pseudonym(context), lang: lang.slice(0, 5), reason, entry: entryId, text: clean, key: normalise(withoutPlaceholders(clean)) }),
    );
  }

  rating(context: TurnContext, value: number): Promise<void> {
    if (!Number.isInteger(value) || value < 1 || value > 5) return Promise.resolve();
    return this.write('rating', () => this.store.record(this.event(context, 'rating', 'bot', undefined, value)));
  }
}
