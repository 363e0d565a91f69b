/**
 * The Direct Line channel's conversations and activities in SQLite (the embedded default).
 */
import { SqliteStore } from './sqlite';
import { ChannelConversation, DirectLineStore, StoredActivity } from './directline-store';
import { StorageError } from './port';

interface ConversationRow {
  id: string;
  user_id: string;
  created_at: string;
  started: number;
}

/** {@link DirectLineStore} on an SQLite file. */
export class SqliteDirectLineStore extends SqliteStore implements DirectLineStore {

  constructor(file: string) {
    super(file, `
      CREATE TABLE IF NOT EXISTS dl_conversations (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS dl_activities (
        conversation_id TEXT NOT NULL REFERENCES dl_conversations(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        activity_id TEXT NOT NULL,
        json TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE UNIQUE INDEX IF NOT EXISTS dl_activities_id ON dl_activities (conversation_id, activity_id);
    `);
  }


  private static toConversation(r: ConversationRow): ChannelConversation {
    return { id: r.id, userId: r.user_id, createdAt: r.created_at, started: r.started === 1 };
  }

  async createConversation(id: string, userId: string): Promise<ChannelConversation> {
    const createdAt = new Date().toISOString();
    this.open().prepare('INSERT INTO dl_conversations (id, user_id, created_at) VALUES (?, ?, ?)').run(id, userId, createdAt);
    return { id, userId, createdAt, started: false };
  }

  async getConversation(id: string): Promise<ChannelConversation | undefined> {
    const row = this.open().prepare<[string], ConversationRow>('SELECT * FROM dl_conversations WHERE id = ?').get(id);
    return row ? SqliteDirectLineStore.toConversation(row) : undefined;
  }

  async markStarted(id: string): Promise<boolean> {
    return this.open().prepare('UPDATE dl_conversations SET started = 1 WHERE id = ? AND started = 0').run(id).changes === 1;
  }

  async append(conversationId: string, activity: Record<string, unknown>): Promise<StoredActivity> {
    const db = this.open();
    const tx = db.transaction((): StoredActivity => {
      if (!db.prepare('SELECT 1 FROM dl_conversations WHERE id = ?').get(conversationId)) {
        throw new StorageError('STORAGE_INVALID', `unknown conversation ${conversationId}`, conversationId);
      }
      const { next } = db.prepare<[string], { next: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM dl_activities WHERE conversation_id = ?').get(conversationId)!;
      const id = typeof activity.id === 'string' && activity.id !== '' ? activity.id : `${conversationId}|${String(next).padStart(7, '0')}`;
      const stored = { ...activity, id };
      db.prepare('INSERT INTO dl_activities (conversation_id, seq, activity_id, json, created_at) VALUES (?, ?, ?, ?, ?)').run(conversationId, next, id, JSON.stringify(stored), new Date().toISOString());
      return { seq: next, activity: stored };
    });
    return tx();
  }

  async update(conversationId: string, activityId: string, activity: Record<string, unknown>): Promise<boolean> {
    const json = JSON.stringify({ ...activity, id: activityId });
    return this.open().prepare('UPDATE dl_activities SET json = ? WHERE conversation_id = ? AND activity_id = ?').run(json, conversationId, activityId).changes === 1;
  }

  async after(conversationId: string, watermark: number, limit = 500): Promise<StoredActivity[]> {
    const rows = this.open()
      .prepare<[string, number, number], { seq: number; json: string }>('SELECT seq, json FROM dl_activities WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(conversationId, watermark, limit);
    return rows.map((r) => ({ seq: r.seq, activity: JSON.parse(r.json) as StoredActivity['activity'] }));
  }

  async purgeIdleBefore(beforeIso: string): Promise<{ conversations: number; activities: number }> {
    const db = this.open();
    // Foreign keys are not enforced on these connections: activities are deleted explicitly.
    return db.transaction(() => {
      db.exec(`CREATE TEMP TABLE IF NOT EXISTS dl_expired (id TEXT PRIMARY KEY); DELETE FROM dl_expired;`);
      db.prepare(
        `INSERT INTO dl_expired (id) SELECT c.id FROM dl_conversations c
         WHERE COALESCE((SELECT MAX(a.created_at) FROM dl_activities a WHERE a.conversation_id = c.id), c.created_at) < ?`,
      ).run(beforeIso);
      const activities = db.prepare('DELETE FROM dl_activities WHERE conversation_id IN (SELECT id FROM dl_expired)').run().changes;
      const conversations = db.prepare('DELETE FROM dl_conversations WHERE id IN (SELECT id FROM dl_expired)').run().changes;
      db.exec('DELETE FROM dl_expired');
      return { conversations, activities };
    })();
  }

  async eraseActivities(conversationId: string): Promise<number> {
    const db = this.open();
    return db.transaction(() => {
      const last = db.prepare<[string], { seq: number; activity_id: string; json: string }>('SELECT seq, activity_id, json FROM dl_activities WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1').get(conversationId);
      if (!last) return 0;
      if ((JSON.parse(last.json) as { name?: unknown; type?: unknown }).name === 'erased' && db.prepare('SELECT COUNT(*) AS n FROM dl_activities WHERE conversation_id = ?').pluck().get(conversationId) === 1) return 0;
      // The next position is MAX(seq) + 1 here: the last row stays, emptied, so that clients
      // holding a watermark still see what comes next. It reads as an event from the bot, which
      // Web Chat does not show.
      const erased = db.prepare('DELETE FROM dl_activities WHERE conversation_id = ? AND seq < ?').run(conversationId, last.seq).changes;
      db.prepare('UPDATE dl_activities SET json = ? WHERE conversation_id = ? AND seq = ?').run(JSON.stringify({ id: last.activity_id, type: 'event', name: 'erased', channelId: 'directline', conversation: { id: conversationId }, from: { id: 'bot', role: 'bot' }, timestamp: new Date().toISOString() }), conversationId, last.seq);
      return erased + 1;
    })();
  }
}
