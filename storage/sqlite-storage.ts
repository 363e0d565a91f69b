/**
 * Conversation and user state in an SQLite file (the embedded default): survives restarts,
 * needs no server. Writes follow botbuilder's optimistic concurrency: a change carrying an
 * eTag other than `*` is refused when the stored item has moved on.
 */
import { SqliteStore } from './sqlite';
import { randomUUID } from 'crypto';
import { StoreItems } from 'botbuilder';
import { StateStore, StorageError } from './port';

interface Row {
  key: string;
  etag: string;
  data: string;
}

/** botbuilder `Storage` on SQLite (better-sqlite3, WAL mode). */
export class SqliteStateStore extends SqliteStore implements StateStore {

  /** Opens (and creates when needed) the database file. */
  constructor(file: string) {
    super(file, `CREATE TABLE IF NOT EXISTS bot_state (
      key TEXT PRIMARY KEY,
      etag TEXT NOT NULL,
      data TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`);
  }


  async read(keys: string[]): Promise<StoreItems> {
    const db = this.open();
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const stmt = db.prepare<string[], Row>(`SELECT key, etag, data FROM bot_state WHERE key IN (${keys.map(() => '?').join(',')})`);
    for (const row of stmt.all(...keys)) {
      items[row.key] = { ...(JSON.parse(row.data) as object), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const db = this.open();
    const select = db.prepare<[string], { etag: string }>('SELECT etag FROM bot_state WHERE key = ?');
    const upsert = db.prepare(
      `INSERT INTO bot_state (key, etag, data, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at`,
    );
    const tx = db.transaction((entries: Array<[string, Record<string, unknown>]>) => {
      for (const [key, item] of entries) {
        const { eTag, ...data } = (item ?? {}) as { eTag?: string } & Record<string, unknown>;
        const current = select.get(key);
        if (eTag && eTag !== '*' && current && current.etag !== eTag) {
          throw new StorageError('STORAGE_CONFLICT', `eTag conflict writing "${key}": the item was changed by someone else`, key);
        }
        let json: string;
        try {
          json = JSON.stringify(data);
        } catch (err) {
          throw new StorageError('STORAGE_INVALID', `item "${key}" cannot be serialised: ${(err as Error).message}`, key);
        }
        upsert.run(key, randomUUID(), json, new Date().toISOString());
      }
    });
    tx(Object.entries(changes) as Array<[string, Record<string, unknown>]>);
  }

  async delete(keys: string[]): Promise<void> {
    const db = this.open();
    if (keys.length === 0) return;
    db.prepare(`DELETE FROM bot_state WHERE key IN (${keys.map(() => '?').join(',')})`).run(...keys);
  }

  async deleteIdleBefore(beforeIso: string): Promise<number> {
    return this.open().prepare("DELETE FROM bot_state WHERE updated_at < ? AND (key LIKE '%/conversations/%' OR key LIKE '%/users/%')").run(beforeIso).changes;
  }
}
