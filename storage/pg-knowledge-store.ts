/**
 * Knowledge revisions and the draft in PostgreSQL, for several instances behind one
 * database. Publishing is one transaction that holds the publication lock while it checks the
 * parent is still the latest, so two publications (from one instance or two) never fork; it
 * then notifies {@link KNOWLEDGE_PUBLISHED_CHANNEL} so other instances can load it at once.
 */
import { Pool } from 'pg';
import { Author, DraftFile, KnowledgeStore, NewRevision, StoredRevision } from './knowledge-store';
import { migrate, Migration, PgStore } from './pg';

/** The channel notified, with the new revision's id as payload, when a publication commits. */
export const KNOWLEDGE_PUBLISHED_CHANNEL = 'knowledge_published';

/**
 * The knowledge store's schema steps (store name `knowledge`).
 *
 * `knowledge_publish_lock` holds one row that publications lock (`FOR UPDATE`) before reading
 * the latest revision: locking the revisions themselves would not serialise the very first
 * publication, when there is no row to lock. The row lives in the store's schema, so stores in
 * other schemas of the same database do not wait on it (an advisory lock key would be shared).
 * Files and draft contents are JSONB; draft paths sort in byte order ("C"), as in SQLite.
 */
export const PG_KNOWLEDGE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE knowledge_revisions (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, author JSONB NOT NULL,
        message TEXT NOT NULL, changes INTEGER NOT NULL, restored_from BIGINT, content_hash TEXT NOT NULL, files JSONB NOT NULL);
      CREATE TABLE knowledge_draft (
        path TEXT COLLATE "C" PRIMARY KEY, content JSONB NOT NULL, version TEXT NOT NULL, updated_by JSONB NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE knowledge_publish_lock (singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton));
      INSERT INTO knowledge_publish_lock DEFAULT VALUES;
    `,
  },
];

interface RevisionRow {
  id: string;
  created_at: Date;
  author: Author;
  message: string;
  changes: number;
  restored_from: string | null;
  content_hash: string;
}

const META = 'id, created_at, author, message, changes, restored_from, content_hash';

// BIGINT ids come back as strings; revision ids stay far below 2^53.
const toRevision = (r: RevisionRow): StoredRevision => ({
  id: Number(r.id),
  createdAt: r.created_at.toISOString(),
  author: r.author,
  message: r.message,
  changes: r.changes,
  ...(r.restored_from !== null ? { restoredFrom: Number(r.restored_from) } : {}),
  contentHash: r.content_hash,
});

/** {@link KnowledgeStore} on PostgreSQL. */
export class PgKnowledgeStore extends PgStore implements KnowledgeStore {
  private constructor(pool: Pool, ownsPool: boolean, private readonly now: () => Date) {
    super(pool, ownsPool);
  }

  /**
   * Applies the pending migrations, then returns the store. `ownsPool`: the store ends the
   * pool when closed (and when opening fails). `now` dates the revisions (injected by tests
   * that move the clock).
   */
  static async open(pool: Pool, options: { ownsPool: boolean; now?: () => Date }): Promise<PgKnowledgeStore> {
    try {
      await migrate(pool, 'knowledge', PG_KNOWLEDGE_MIGRATIONS);
    } catch (err) {
      // A store that owns its pool must not leave it open behind a failed start.
      if (options.ownsPool) await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgKnowledgeStore(pool, options.ownsPool, options.now ?? (() => new Date()));
  }

  async latest(): Promise<StoredRevision | undefined> {
    const [row] = await this.query<RevisionRow>(`SELECT ${META} FROM knowledge_revisions ORDER BY id DESC LIMIT 1`);
    return row ? toRevision(row) : undefined;
  }

  async revisions(limit: number): Promise<StoredRevision[]> {
    return (await this.query<RevisionRow>(`SELECT ${META} FROM knowledge_revisions ORDER BY id DESC LIMIT $1`, [limit])).map(toRevision);
  }

  async revision(id: number): Promise<{ meta: StoredRevision; files: Map<string, unknown> } | undefined> {
    // Not an id (NaN, 1.5): nothing, as SQLite answers, rather than a BIGINT cast error.
    if (!Number.isSafeInteger(id)) return undefined;
    const [row] = await this.query<RevisionRow & { files: Record<string, unknown> }>(`SELECT ${META}, files FROM knowledge_revisions WHERE id = $1`, [id]);
    if (!row) return undefined;
    return { meta: toRevision(row), files: new Map(Object.entries(row.files)) };
  }

  async publish(r: NewRevision): Promise<StoredRevision | undefined> {
    const at = this.now().toISOString();
    const id = await this.transaction(async (q): Promise<number | undefined> => {
      // Waits for a concurrent publication to commit; under READ COMMITTED the next statement
      // then sees its revision, so the parent check below is against the true latest.
      await q('SELECT singleton FROM knowledge_publish_lock FOR UPDATE');
      const [latest] = await q<{ id: string }>('SELECT id FROM knowledge_revisions ORDER BY id DESC LIMIT 1');
      if ((latest ? Number(latest.id) : null) !== r.parent) return undefined;
      const [made] = await q<{ id: string }>(
        `INSERT INTO knowledge_revisions (created_at, author, message, changes, restored_from, content_hash, files)
         VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7::jsonb) RETURNING id`,
        [at, JSON.stringify(r.author), r.message, r.changes, r.restoredFrom ?? null, r.contentHash, JSON.stringify(Object.fromEntries(r.files))],
      );
      const madeId = Number(made!.id);
      // Only at the version read: a draft saved again while publishing stays.
      if (r.clearDraft.length > 0) {
        await q(
          'DELETE FROM knowledge_draft d USING unnest($1::text[], $2::text[]) AS c(path, version) WHERE d.path = c.path AND d.version = c.version',
          [r.clearDraft.map((d) => d.path), r.clearDraft.map((d) => d.version)],
        );
      }
      // Delivered on commit only, so listeners never hear of a revision that was rolled back.
      await q('SELECT pg_notify($1, $2)', [KNOWLEDGE_PUBLISHED_CHANNEL, String(madeId)]);
      return madeId;
    });
    return id === undefined
      ? undefined
      : { id, createdAt: at, author: r.author, message: r.message, changes: r.changes, ...(r.restoredFrom !== undefined ? { restoredFrom: r.restoredFrom } : {}), contentHash: r.contentHash };
  }

  async draft(): Promise<DraftFile[]> {
    const rows = await this.query<{ path: string; content: unknown; version: string; updated_by: Author; updated_at: Date }>(
      'SELECT path, content, version, updated_by, updated_at FROM knowledge_draft ORDER BY path',
    );
    return rows.map((r) => ({ path: r.path, content: r.content, version: r.version, updatedBy: r.updated_by, updatedAt: r.updated_at.toISOString() }));
  }

  async saveDraft(file: DraftFile, expected: string | null): Promise<boolean> {
    // A retired file is JSON null (not SQL NULL), as SQLite stores the text "null".
    const content = JSON.stringify(file.content ?? null);
    const by = JSON.stringify(file.updatedBy);
    if (expected === null) {
      // No change to this file yet: only the first of two editors creates it.
      const rows = await this.query(
        'INSERT INTO knowledge_draft (path, content, version, updated_by, updated_at) VALUES ($1, $2::jsonb, $3, $4::jsonb, $5) ON CONFLICT (path) DO NOTHING RETURNING path',
        [file.path, content, file.version, by, file.updatedAt],
      );
      return rows.length === 1;
    }
    const rows = await this.query(
      'UPDATE knowledge_draft SET content = $1::jsonb, version = $2, updated_by = $3::jsonb, updated_at = $4 WHERE path = $5 AND version = $6 RETURNING path',
      [content, file.version, by, file.updatedAt, file.path, expected],
    );
    return rows.length === 1;
  }

  async discardDraft(paths?: string[]): Promise<void> {
    if (!paths) {
      await this.query('DELETE FROM knowledge_draft');
      return;
    }
    await this.query('DELETE FROM knowledge_draft WHERE path = ANY($1::text[])', [paths]);
  }
}
