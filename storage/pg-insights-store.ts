/** Insights in PostgreSQL, for several instances behind one database. */
import { Pool } from 'pg';
import { DayCount, InsightEvent, InsightsStore, UnansweredQuestion } from './insights-store';
import { migrate, Migration, PgStore } from './pg';

/**
 * The insights store's schema steps (store name `insights`).
 *
 * Days are DATE, instants TIMESTAMPTZ. Text columns that are grouped, compared with MIN or
 * sorted use the "C" collation: byte order, as SQLite compares, whatever the database's
 * locale. Ids are BIGINT (read back as numbers).
 */
export const PG_INSIGHTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE insight_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, day DATE NOT NULL, at TIMESTAMPTZ NOT NULL,
        conversation TEXT COLLATE "C" NOT NULL, kind TEXT COLLATE "C" NOT NULL, detail TEXT COLLATE "C" NOT NULL,
        entry TEXT COLLATE "C", value DOUBLE PRECISION);
      CREATE INDEX insight_events_day ON insight_events (day);
      CREATE TABLE unanswered_questions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, day DATE NOT NULL, at TIMESTAMPTZ NOT NULL,
        conversation TEXT NOT NULL, lang TEXT NOT NULL, reason TEXT NOT NULL, entry TEXT,
        text TEXT COLLATE "C" NOT NULL, key TEXT COLLATE "C" NOT NULL, status TEXT NOT NULL DEFAULT 'open');
      CREATE INDEX unanswered_day ON unanswered_questions (day);
      CREATE INDEX unanswered_open ON unanswered_questions (id) WHERE status = 'open';
    `,
  },
];

/** A day as YYYY-MM-DD whatever the session's DateStyle (and not a JS Date at local midnight). */
const DAY = "to_char(day, 'YYYY-MM-DD')";

interface QuestionRow {
  id: string;
  day: string;
  at: Date;
  conversation: string;
  lang: string;
  reason: UnansweredQuestion['reason'];
  entry: string | null;
  text: string;
  key: string;
}

const toQuestion = (r: QuestionRow): UnansweredQuestion => ({
  day: r.day,
  at: r.at.toISOString(),
  conversation: r.conversation,
  lang: r.lang,
  reason: r.reason,
  entry: r.entry ?? undefined,
  text: r.text,
  key: r.key,
});

/** {@link InsightsStore} on PostgreSQL. */
export class PgInsightsStore extends PgStore implements InsightsStore {
  private constructor(pool: Pool, ownsPool: boolean) {
    super(pool, ownsPool);
  }

  /**
   * Applies the pending migrations, then returns the store. `ownsPool`: the store ends the
   * pool when closed (and when opening fails).
   */
  static async open(pool: Pool, options: { ownsPool: boolean }): Promise<PgInsightsStore> {
    try {
      await migrate(pool, 'insights', PG_INSIGHTS_MIGRATIONS);
    } catch (err) {
      // A store that owns its pool must not leave it open behind a failed start.
      if (options.ownsPool) await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgInsightsStore(pool, options.ownsPool);
  }

  record(e: InsightEvent): Promise<void> {
    return this.recordMany([e]);
  }

  async recordMany(events: readonly InsightEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One statement (one round trip, one transaction) for the batch: a row of parameters per event.
    const rows: string[] = [];
    const values: unknown[] = [];
    for (const e of events) {
      const at = values.length;
      rows.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7})`);
      values.push(e.day, e.at, e.conversation, e.kind, e.detail, e.entry ?? null, e.value ?? null);
    }
    await this.query(`INSERT INTO insight_events (day, at, conversation, kind, detail, entry, value) VALUES ${rows.join(', ')}`, values);
  }

  async addUnanswered(q: UnansweredQuestion): Promise<void> {
    await this.query('INSERT INTO unanswered_questions (day, at, conversation, lang, reason, entry, text, key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      q.day,
      q.at,
      q.conversation,
      q.lang,
      q.reason,
      q.entry ?? null,
      q.text,
      q.key,
    ]);
  }

  async dailyCounts(fromDay: string, toDay: string): Promise<DayCount[]> {
    // COUNT is BIGINT (a string in node-postgres): cast, the counts are small.
    return this.query<DayCount>(
      `SELECT ${DAY} AS day, kind, detail, entry, COUNT(*)::int AS count, COALESCE(SUM(value), 0)::float8 AS sum FROM insight_events
       WHERE day BETWEEN $1::date AND $2::date GROUP BY insight_events.day, kind, detail, entry
       ORDER BY insight_events.day, kind, detail, entry NULLS FIRST`,
      [fromDay, toDay],
    );
  }

  async conversationsPerDay(fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>> {
    return this.query<{ day: string; count: number }>(
      `SELECT ${DAY} AS day, COUNT(DISTINCT conversation)::int AS count FROM insight_events WHERE day BETWEEN $1::date AND $2::date
       GROUP BY insight_events.day ORDER BY insight_events.day`,
      [fromDay, toDay],
    );
  }

  async conversationsBetween(fromDay: string, toDay: string): Promise<number> {
    const [row] = await this.query<{ n: number }>('SELECT COUNT(DISTINCT conversation)::int AS n FROM insight_events WHERE day BETWEEN $1::date AND $2::date', [fromDay, toDay]);
    return row?.n ?? 0;
  }

  async frequentUnanswered(fromDay: string, toDay: string, limit: number): Promise<Array<{ key: string; text: string; count: number }>> {
    return this.query<{ key: string; text: string; count: number }>(
      `SELECT key, MIN(text) AS text, COUNT(*)::int AS count FROM unanswered_questions WHERE day BETWEEN $1::date AND $2::date
       GROUP BY key ORDER BY count DESC, key LIMIT $3`,
      [fromDay, toDay, limit],
    );
  }

  async unanswered(limit: number): Promise<UnansweredQuestion[]> {
    const rows = await this.query<QuestionRow>(`SELECT id, ${DAY} AS day, at, conversation, lang, reason, entry, text, key FROM unanswered_questions ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map(toQuestion);
  }

  async openUnanswered(limit: number): Promise<Array<UnansweredQuestion & { id: number }>> {
    const rows = await this.query<QuestionRow>(
      `SELECT id, ${DAY} AS day, at, conversation, lang, reason, entry, text, key FROM unanswered_questions WHERE status = 'open' ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    // BIGINT comes back as a string; ids stay far below 2^53.
    return rows.map((r) => ({ id: Number(r.id), ...toQuestion(r) }));
  }

  async markUnanswered(ids: number[], status: 'handled' | 'dismissed'): Promise<number> {
    // One statement: a question marked at once from two instances is counted by one of them.
    const rows = await this.query("UPDATE unanswered_questions SET status = $1 WHERE id = ANY($2::bigint[]) AND status = 'open' RETURNING id", [status, ids]);
    return rows.length;
  }

  async purgeUnansweredBefore(beforeDay: string): Promise<number> {
    return (await this.query('DELETE FROM unanswered_questions WHERE day < $1::date RETURNING id', [beforeDay])).length;
  }

  async eraseConversation(conversation: string, replacement: string): Promise<{ events: number; questions: number }> {
    return this.transaction(async (q) => ({
      questions: (await q('DELETE FROM unanswered_questions WHERE conversation = $1 RETURNING id', [conversation])).length,
      events: (await q('UPDATE insight_events SET conversation = $1 WHERE conversation = $2 RETURNING id', [replacement, conversation])).length,
    }));
  }
}
