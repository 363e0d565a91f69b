/**
 * The Direct Line channel's conversations and activities in PostgreSQL, for several instances
 * sharing one database. Same semantics as the SQLite store (`sqlite-directline-store.ts`);
 * positions are handed out by a per-conversation counter updated inside the appending
 * transaction, so that appends from any number of instances get 1, 2, 3… without gaps or
 * duplicates.
 */
import { Pool } from 'pg';
import { ChannelConversation, DirectLineStore, StoredActivity } from './directline-store';
import { Migration, PgStore, migrate } from './pg';
import { StorageError } from './port';

/** The name under which this store's migrations are recorded in `schema_migrations`. */
export const PG_DIRECTLINE_STORE = 'directline';

/** The schema of {@link PgDirectLineStore}, in order. Released steps never change. */
export const PG_DIRECTLINE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'conversations and activities',
    // `last_seq` is the last position handed out: the row lock taken by incrementing it
    // serialises appenders of one conversation, and a rolled-back append gives it back.
    // Activities are `json`, not `jsonb`: an exact copy, like SQLite's text, which also
    // accepts what people type and JSONB refuses (\u0000).
    sql: `
      CREATE TABLE dl_conversations (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        started BOOLEAN NOT NULL DEFAULT false,
        last_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE dl_activities (
        conversation_id TEXT NOT NULL REFERENCES dl_conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        activity_id TEXT NOT NULL,
        data JSON NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE UNIQUE INDEX dl_activities_id ON dl_activities (conversation_id, activity_id);
    `,
  },
];

/** Options of {@link PgDirectLineStore.open}. */
export interface PgDirectLineStoreOptions {
  /** Whether closing the store ends the pool (true when the pool was opened for it alone). Default false. */
  ownsPool?: boolean;
}

interface ConversationRow {
  id: string;
  user_id: string;
  created_at: Date;
  started: boolean;
}

/** The largest position an `INTEGER` holds: a watermark beyond it means "nothing newer". */
const MAX_SEQ = 2_147_483_647;

/** {@link DirectLineStore} on PostgreSQL; correct when several instances serve one conversation. */
export class PgDirectLineStore extends PgStore implements DirectLineStore {
  private constructor(pool: Pool, ownsPool: boolean) {
    super(pool, ownsPool);
  }

  /**
   * Applies the store's pending migrations (once, even when instances start together) and
   * returns the store. When this fails and the store would own the pool, the pool is ended.
   */
  static async open(pool: Pool, options: PgDirectLineStoreOptions = {}): Promise<PgDirectLineStore> {
    const ownsPool = options.ownsPool ?? false;
    try {
      await migrate(pool, PG_DIRECTLINE_STORE, PG_DIRECTLINE_MIGRATIONS);
    } catch (err) {
      // Nobody else holds the pool: left open, it would keep the process alive.
      if (ownsPool) await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgDirectLineStore(pool, ownsPool);
  }

  async createConversation(id: string, userId: string): Promise<ChannelConversation> {
    const createdAt = new Date().toISOString();
    // An existing id fails (unique violation), as in SQLite: ids are generated, a clash is a bug.
    await this.query('INSERT INTO dl_conversations (id, user_id, created_at) VALUES ($1, $2, $3)', [id, userId, createdAt]);
    return { id, userId, createdAt, started: false };
  }

  async getConversation(id: string): Promise<ChannelConversation | undefined> {
    const [row] = await this.query<ConversationRow>('SELECT id, user_id, created_at, started FROM dl_conversations WHERE id = $1', [id]);
    return row ? { id: row.id, userId: row.user_id, createdAt: row.created_at.toISOString(), started: row.started } : undefined;
  }

  async markStarted(id: string): Promise<boolean> {
    // A concurrent caller waits on the row lock, then sees `started` already true: one winner.
    const rows = await this.query('UPDATE dl_conversations SET started = true WHERE id = $1 AND NOT started RETURNING id', [id]);
    return rows.length === 1;
  }

  async append(conversationId: string, activity: Record<string, unknown>): Promise<StoredActivity> {
    return this.transaction(async (q) => {
      // Takes the next position and locks the conversation until commit: the next appender,
      // on any instance, waits and then gets the following number.
      const [counter] = await q<{ last_seq: number }>('UPDATE dl_conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq', [conversationId]);
      if (!counter) throw new StorageError('STORAGE_INVALID', `unknown conversation ${conversationId}`, conversationId);
      const seq = counter.last_seq;
      // Same id form as SQLite (zero-padded), so that ids do not depend on the backend.
      const id = typeof activity.id === 'string' && activity.id !== '' ? activity.id : `${conversationId}|${String(seq).padStart(7, '0')}`;
      const stored = { ...activity, id };
      await q('INSERT INTO dl_activities (conversation_id, seq, activity_id, data, created_at) VALUES ($1, $2, $3, $4::json, now())', [conversationId, seq, id, JSON.stringify(stored)]);
      return { seq, activity: stored };
    });
  }

  async update(conversationId: string, activityId: string, activity: Record<string, unknown>): Promise<boolean> {
    const json = JSON.stringify({ ...activity, id: activityId });
    const rows = await this.query('UPDATE dl_activities SET data = $1::json WHERE conversation_id = $2 AND activity_id = $3 RETURNING seq', [json, conversationId, activityId]);
    return rows.length === 1;
  }

  async after(conversationId: string, watermark: number, limit = 500): Promise<StoredActivity[]> {
    // SQLite compares any number; an INTEGER parameter must be a whole number in range.
    // Rounding down keeps `seq > watermark` true for the same positions.
    const from = Number.isNaN(watermark) ? MAX_SEQ : Math.max(-1, Math.min(MAX_SEQ, Math.floor(watermark)));
    // A negative limit means no limit in SQLite; LIMIT NULL is PostgreSQL's way to say it.
    const max = limit < 0 ? null : Math.floor(limit);
    const rows = await this.query<{ seq: number; data: StoredActivity['activity'] }>(
      'SELECT seq, data FROM dl_activities WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [conversationId, from, max],
    );
    return rows.map((r) => ({ seq: r.seq, activity: r.data }));
  }

  async purgeIdleBefore(beforeIso: string): Promise<{ conversations: number; activities: number }> {
    return this.transaction(async (q) => {
      const expired = await q<{ id: string }>(
        `SELECT c.id FROM dl_conversations c
         WHERE COALESCE((SELECT MAX(a.created_at) FROM dl_activities a WHERE a.conversation_id = c.id), c.created_at) < $1
         FOR UPDATE SKIP LOCKED`,
        [beforeIso],
      );
      if (expired.length === 0) return { conversations: 0, activities: 0 };
      const ids = expired.map((r) => r.id);
      const activities = (await q('DELETE FROM dl_activities WHERE conversation_id = ANY($1::text[]) RETURNING seq', [ids])).length;
      const conversations = (await q('DELETE FROM dl_conversations WHERE id = ANY($1::text[]) RETURNING id', [ids])).length;
      return { conversations, activities };
    });
  }

  async eraseActivities(conversationId: string): Promise<number> {
    // Positions come from the conversation's counter, which stays: deleting every row is enough.
    return (await this.query('DELETE FROM dl_activities WHERE conversation_id = $1 RETURNING seq', [conversationId])).length;
  }
}
