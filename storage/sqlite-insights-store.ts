/** Insights in SQLite (the embedded default). */
import { SqliteStore } from './sqlite';
import { DayCount, InsightEvent, InsightsStore, UnansweredQuestion } from './insights-store';

/** {@link InsightsStore} on an SQLite file. */
export class SqliteInsightsStore extends SqliteStore implements InsightsStore {
  constructor(file: string) {
    super(file, `
      CREATE TABLE IF NOT EXISTS insight_events (
        id INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL, conversation TEXT NOT NULL,
        kind TEXT NOT NULL, detail TEXT NOT NULL, entry TEXT, value REAL);
      CREATE INDEX IF NOT EXISTS insight_events_day ON insight_events (day);
      CREATE TABLE IF NOT EXISTS unanswered_questions (
        id INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL, conversation TEXT NOT NULL, lang TEXT NOT NULL,
        reason TEXT NOT NULL, entry TEXT, text TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open');
      CREATE INDEX IF NOT EXISTS unanswered_day ON unanswered_questions (day);
    `);
  }

  async openUnanswered(limit: number): Promise<Array<UnansweredQuestion & { id: number }>> {
    return this.open()
      .prepare<[number], UnansweredQuestion & { id: number; entry: string | null }>("SELECT id, day, at, conversation, lang, reason, entry, text, key FROM unanswered_questions WHERE status = 'open' ORDER BY id DESC LIMIT ?")
      .all(limit)
      .map((r) => ({ ...r, entry: r.entry ?? undefined }));
  }

  async markUnanswered(ids: number[], status: 'handled' | 'dismissed'): Promise<number> {
    const db = this.open();
    const mark = db.prepare("UPDATE unanswered_questions SET status = ? WHERE id = ? AND status = 'open'");
    return db.transaction(() => ids.reduce((n, id) => n + mark.run(status, id).changes, 0))();
  }

  record(e: InsightEvent): Promise<void> {
    return this.recordMany([e]);
  }

  async recordMany(events: readonly InsightEvent[]): Promise<void> {
    if (events.length === 0) return;
    const db = this.open();
    const insert = db.prepare('INSERT INTO insight_events (day, at, conversation, kind, detail, entry, value) VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const e of events) insert.run(e.day, e.at, e.conversation, e.kind, e.detail, e.entry ?? null, e.value ?? null);
    })();
  }

  async addUnanswered(q: UnansweredQuestion): Promise<void> {
    this.open()
      .prepare('INSERT INTO unanswered_questions (day, at, conversation, lang, reason, entry, text, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(q.day, q.at, q.conversation, q.lang, q.reason, q.entry ?? null, q.text, q.key);
  }

  async dailyCounts(fromDay: string, toDay: string): Promise<DayCount[]> {
    return this.open()
      .prepare<[string, string], DayCount>(
        `SELECT day, kind, detail, entry, COUNT(*) AS count, COALESCE(SUM(value), 0) AS sum FROM insight_events
         WHERE day BETWEEN ? AND ? GROUP BY day, kind, detail, entry ORDER BY day`,
      )
      .all(fromDay, toDay);
  }

  async conversationsPerDay(fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>> {
    return this.open()
      .prepare<[string, string], { day: string; count: number }>('SELECT day, COUNT(DISTINCT conversation) AS count FROM insight_events WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day')
      .all(fromDay, toDay);
  }

  async conversationsBetween(fromDay: string, toDay: string): Promise<number> {
    const row = this.open().prepare<[string, string], { n: number }>('SELECT COUNT(DISTINCT conversation) AS n FROM insight_events WHERE day BETWEEN ? AND ?').get(fromDay, toDay);
    return row?.n ?? 0;
  }

  async frequentUnanswered(fromDay: string, toDay: string, limit: number): Promise<Array<{ key: string; text: string; count: number }>> {
    return this.open()
      .prepare<[string, string, number], { key: string; text: string; count: number }>(
        `SELECT key, MIN(text) AS text, COUNT(*) AS count FROM unanswered_questions WHERE day BETWEEN ? AND ?
         GROUP BY key ORDER BY count DESC, key LIMIT ?`,
      )
      .all(fromDay, toDay, limit);
  }

  async unanswered(limit: number): Promise<UnansweredQuestion[]> {
    return this.open()
      .prepare<[number], UnansweredQuestion & { entry: string | null }>('SELECT day, at, conversation, lang, reason, entry, text, key FROM unanswered_questions ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({ ...r, entry: r.entry ?? undefined }));
  }

  async purgeUnansweredBefore(beforeDay: string): Promise<number> {
    return this.open().prepare('DELETE FROM unanswered_questions WHERE day < ?').run(beforeDay).changes;
  }

  async eraseConversation(conversation: string, replacement: string): Promise<{ events: number; questions: number }> {
    const db = this.open();
    return db.transaction(() => ({
      questions: db.prepare('DELETE FROM unanswered_questions WHERE conversation = ?').run(conversation).changes,
      events: db.prepare('UPDATE insight_events SET conversation = ? WHERE conversation = ?').run(replacement, conversation).changes,
    }))();
  }
}
