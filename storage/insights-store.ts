/**
 * The insights storage port: what the indicators (engagement 6) and the editors' list of
 * unanswered questions (engagement 7) are computed from. Nothing personal is stored: the
 * conversation is a keyed pseudonym, texts are redacted before they get here, and each
 * event carries the day it happened on (Europe/Paris), which is all the indicators need.
 */

/** What an event records. */
export type InsightKind = 'question' | 'feedback' | 'rating';

/** One event of a conversation. */
export interface InsightEvent {
  /** Europe/Paris calendar day, YYYY-MM-DD. */
  day: string;
  at: string;
  /** Keyed pseudonym of the conversation. */
  conversation: string;
  kind: InsightKind;
  /** question: answered | clarified | notAnswered; feedback: yes | no; rating: bot. */
  detail: string;
  entry?: string;
  /** rating: 1 to 5. */
  value?: number;
}

/** A question the bot could not answer, or whose answer did not help. */
export interface UnansweredQuestion {
  day: string;
  at: string;
  conversation: string;
  lang: string;
  reason: 'fallback' | 'notHelpful';
  entry?: string;
  /** Redacted text, as the person wrote it. */
  text: string;
  /** Normalised redacted text: identical questions share it. */
  key: string;
}

/** Events counted per day, kind, detail and entry. */
export interface DayCount {
  day: string;
  kind: InsightKind;
  detail: string;
  entry: string | null;
  count: number;
  /** Sum of the values (ratings). */
  sum: number;
}

/** Storage of insights. */
export interface InsightsStore {
  record(event: InsightEvent): Promise<void>;
  /** Records several events at once, all or none (one transaction). */
  recordMany(events: readonly InsightEvent[]): Promise<void>;
  addUnanswered(question: UnansweredQuestion): Promise<void>;
  /** Counts of events between two days, inclusive. */
  dailyCounts(fromDay: string, toDay: string): Promise<DayCount[]>;
  /** Distinct conversations per day between two days, inclusive. */
  conversationsPerDay(fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>>;
  /** Distinct conversations over the whole range (one conversation over two days counts once). */
  conversationsBetween(fromDay: string, toDay: string): Promise<number>;
  /** Unanswered questions grouped by key between two days, most frequent first. */
  frequentUnanswered(fromDay: string, toDay: string, limit: number): Promise<Array<{ key: string; text: string; count: number }>>;
  /** The unanswered questions themselves, newest first (for editors). */
  unanswered(limit: number): Promise<UnansweredQuestion[]>;
  /** Questions editors have not handled nor dismissed yet, newest first, with their ids. */
  openUnanswered(limit: number): Promise<Array<UnansweredQuestion & { id: number }>>;
  /** Marks questions handled (words added to an entry) or dismissed ("not for us"); returns how many. */
  markUnanswered(ids: number[], status: 'handled' | 'dismissed'): Promise<number>;
  /**
   * Retention: deletes the unanswered questions (redacted free text) of days before
   * `beforeDay` (YYYY-MM-DD); events, which the indicators count, stay. Idempotent.
   */
  purgeUnansweredBefore(beforeDay: string): Promise<number>;
  /**
   * Erasure at the person's request: deletes the conversation's unanswered questions and
   * replaces its pseudonym in events by `replacement`, so that the events stay counted and
   * nothing links them to the conversation any more.
   */
  eraseConversation(conversation: string, replacement: string): Promise<{ events: number; questions: number }>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
