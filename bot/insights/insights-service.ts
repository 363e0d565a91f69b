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
/** Pseudonyms kept in memory (of recent conversations); beyond it the cache starts again. */
const MAX_PSEUDONYMS = 10_000;

/**
 * The pseudonym the insights give a conversation: HMAC-SHA-256 of its id under the service's
 * key, 20 hex digits (erasure finds a conversation's events by it).
 */
export function insightsPseudonym(key: string, conversationId: string): string {
  return createHmac('sha256', key).update(conversationId).digest('hex').slice(0, 20);
}

/** Records insights through a store. */
export class InsightsService implements InsightsPort {
  // Per turn, the same conversation's HMAC and the same Paris day were computed again: both
  // are kept (issue 8, a turn's CPU). The day is computed once per minute of the clock:
  // Europe/Paris changes day on a whole hour.
  private readonly pseudonyms = new Map<string, string>();
  private dayMinute = NaN;
  private dayOfMinute = '';

  constructor(
    private readonly store: InsightsStore,
    private readonly key: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A keyed, non-reversible pseudonym of a conversation id: counts distinct ones, names none. */
  private pseudonym(context: TurnContext): string {
    const id = context.activity.conversation?.id ?? '';
    let p = this.pseudonyms.get(id);
    if (p === undefined) {
      p = insightsPseudonym(this.key, id);
      if (this.pseudonyms.size >= MAX_PSEUDONYMS) this.pseudonyms.clear();
      this.pseudonyms.set(id, p);
    }
    return p;
  }

  /** {@link parisDay}, once per minute of the clock. */
  private day(at: Date): string {
    const minute = Math.floor(at.getTime() / 60_000);
    if (minute !== this.dayMinute) {
      this.dayMinute = minute;
      this.dayOfMinute = parisDay(at);
    }
    return this.dayOfMinute;
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
    return { day: this.day(at), at: at.toISOString(), conversation: this.pseudonym(context), kind, detail, entry, value };
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
      this.store.addUnanswered({ day: this.day(at), at: at.toISOString(), conversation: this.pseudonym(context), lang: lang.slice(0, 5), reason, entry: entryId, text: clean, key: normalise(withoutPlaceholders(clean)) }),
    );
  }

  rating(context: TurnContext, value: number): Promise<void> {
    if (!Number.isInteger(value) || value < 1 || value > 5) return Promise.resolve();
    return this.write('rating', () => this.store.record(this.event(context, 'rating', 'bot', undefined, value)));
  }
}
