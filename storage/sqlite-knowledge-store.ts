/**
 * Knowledge revisions and the draft in SQLite (the embedded default). Publishing is one
 * transaction that checks the parent is still the latest, so two publications never fork.
 */
import { SqliteStore } from './sqlite';
import { Author, DraftFile, KnowledgeStore, NewRevision, StoredRevision } from './knowledge-store';

interface RevisionRow {
  id: number;
  created_at: string;
  author: string;
  message: string;
  changes: number;
  restored_from: number | null;
  content_hash: string;
}

const toRevision = (r: RevisionRow): StoredRevision => ({
  id: r.id,
  createdAt: r.created_at,
  author: JSON.parse(r.author) as Author,
  message: r.message,
  changes: r.changes,
  ...(r.restored_from !== null ? { restoredFrom: r.restored_from } : {}),
  contentHash: r.content_hash,
});

/** {@link KnowledgeStore} on an SQLite file. */
export class SqliteKnowledgeStore extends SqliteStore implements KnowledgeStore {
  constructor(file: string, private readonly now: () => Date = () => new Date()) {
    super(file, `
      CREATE TABLE IF NOT EXISTS knowledge_revisions (
        id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, author TEXT NOT NULL, message TEXT NOT NULL,
        changes INTEGER NOT NULL, restored_from INTEGER, content_hash TEXT NOT NULL, files TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS knowledge_draft (
        path TEXT PRIMARY KEY, content TEXT NOT NULL, version TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
    `);
  }

  async latest(): Promise<StoredRevision | undefined> {
    const row = this.open().prepare<[], RevisionRow>('SELECT id, created_at, author, message, changes, restored_from, content_hash FROM knowledge_revisions ORDER BY id DESC LIMIT 1').get();
    return row ? toRevision(row) : undefined;
  }

  async revisions(limit: number): Promise<StoredRevision[]> {
    return this.open()
      .prepare<[number], RevisionRow>('SELECT id, created_at, author, message, changes, restored_from, content_hash FROM knowledge_revisions ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map(toRevision);
  }

  async revision(id: number): Promise<{ meta: StoredRevision; files: Map<string, unknown> } | undefined> {
    const row = this.open().prepare<[number], RevisionRow & { files: string }>('SELECT * FROM knowledge_revisions WHERE id = ?').get(id);
    if (!row) return undefined;
    return { meta: toRevision(row), files: new Map(Object.entries(JSON.parse(row.files) as Record<string, unknown>)) };
  }

  async publish(r: NewRevision): Promise<StoredRevision | undefined> {
    const db = this.open();
    const at = this.now().toISOString();
    const run = db.transaction((): number | undefined => {
      const latest = db.prepare<[], { id: number }>('SELECT id FROM knowledge_revisions ORDER BY id DESC LIMIT 1').get();
      if ((latest?.id ?? null) !== r.parent) return undefined;
      const info = db
        .prepare('INSERT INTO knowledge_revisions (created_at, author, message, changes, restored_from, content_hash, files) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(at, JSON.stringify(r.author), r.message, r.changes, r.restoredFrom ?? null, r.contentHash, JSON.stringify(Object.fromEntries(r.files)));
      const clear = db.prepare('DELETE FROM knowledge_draft WHERE path = ? AND version = ?');
      for (const d of r.clearDraft) clear.run(d.path, d.version);
      return Number(info.lastInsertRowid);
    });
    const id = run.immediate();
    return id === undefined ? undefined : { id, createdAt: at, author: r.author, message: r.message, changes: r.changes, ...(r.restoredFrom !== undefined ? { restoredFrom: r.restoredFrom } : {}), contentHash: r.contentHash };
  }

  async draft(): Promise<DraftFile[]> {
    return this.open()
      .prepare<[], { path: string; content: string; version: string; updated_by: string; updated_at: string }>('SELECT * FROM knowledge_draft ORDER BY path')
      .all()
      .map((r) => ({ path: r.path, content: JSON.parse(r.content) as unknown, version: r.version, updatedBy: JSON.parse(r.updated_by) as Author, updatedAt: r.updated_at }));
  }

  async saveDraft(file: DraftFile, expected: string | null): Promise<boolean> {
    const db = this.open();
    const content = JSON.stringify(file.content ?? null);
    const by = JSON.stringify(file.updatedBy);
    if (expected === null) {
      // No change to this file yet: only the first of two editors creates it.
      const info = db.prepare('INSERT INTO knowledge_draft (path, content, version, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(path) DO NOTHING').run(file.path, content, file.version, by, file.updatedAt);
      return info.changes === 1;
    }
    const info = db.prepare('UPDATE knowledge_draft SET content = ?, version = ?, updated_by = ?, updated_at = ? WHERE path = ? AND version = ?').run(content, file.version, by, file.updatedAt, file.path, expected);
    return info.changes === 1;
  }

  async discardDraft(paths?: string[]): Promise<void> {
    const db = this.open();
    if (!paths) {
      db.prepare('DELETE FROM knowledge_draft').run();
      return;
    }
    const del = db.prepare('DELETE FROM knowledge_draft WHERE path = ?');
    db.transaction(() => paths.forEach((p) => del.run(p)))();
  }
}
