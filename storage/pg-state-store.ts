/**
 * Conversation and user state in PostgreSQL, for several instances sharing one database.
 * Same semantics as the SQLite store (`sqlite-storage.ts`), botbuilder's optimistic
 * concurrency: a change carrying an eTag other than `*` is refused when the stored item has
 * moved on; without an eTag, or with `*`, the last writer wins; every write gives the item a
 * new eTag. All the changes of one `write` are one transaction.
 */
import { randomUUID } from 'crypto';
import { Pool } from 'pg';
import { StoreItems } from 'botbuilder';
import { Migration, PgStore, migrate } from './pg';
import { StateStore, StorageError } from './port';

/** The name under which this store's migrations are recorded in `schema_migrations`. */
export const PG_STATE_STORE = 'state';

/** The schema of {@link PgStateStore}, in order. Released steps never change. */
export const PG_STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bot_state',
    sql: `CREATE TABLE bot_state (
      key TEXT PRIMARY KEY,
      etag TEXT NOT NULL,
      data JSONB NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL
    )`,
  },
];

/** Options of {@link PgStateStore.open}. */
export interface PgStateStoreOptions {
  /** Whether closing the store ends the pool (true when the pool was opened for it alone). Default false. */
  ownsPool?: boolean;
}

interface Row {
  key: string;
  etag: string;
  data: Record<string, unknown>;
}

/** botbuilder `Storage` on PostgreSQL; correct when several instances write the same keys. */
export class PgStateStore extends PgStore implements StateStore {
  private constructor(pool: Pool, ownsPool: boolean) {
    super(pool, ownsPool);
  }

  /**
   * Applies the store's pending migrations (once, even when instances start together) and
   * returns the store. When this fails and the store would own the pool, the pool is ended.
   */
  static async open(pool: Pool, options: PgStateStoreOptions = {}): Promise<PgStateStore> {
    const ownsPool = options.ownsPool ?? false;
    try {
      await migrate(pool, PG_STATE_STORE, PG_STATE_MIGRATIONS);
    } catch (err) {
      // Nobody else holds the pool: left open, it would keep the process alive.
      if (ownsPool) await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgStateStore(pool, ownsPool);
  }

  async read(keys: string[]): Promise<StoreItems> {
    // No shortcut for an empty list: a closed store must still fail, as the SQLite one does.
    const rows = await this.query<Row>('SELECT key, etag, data FROM bot_state WHERE key = ANY($1::text[])', [keys]);
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...row.data, eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    // Keys in one order for every writer: two instances writing overlapping keys lock rows in
    // the same order, so they wait for each other instead of deadlocking.
    const entries = (Object.entries(changes) as Array<[string, Record<string, unknown> | null | undefined]>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await this.transaction(async (q) => {
      for (const [key, item] of entries) {
        const { eTag, ...data } = (item ?? {}) as { eTag?: unknown } & Record<string, unknown>;
        // Empty, absent or `*`: last writer wins (as in SQLite, where '' is falsy).
        const expected = eTag && eTag !== '*' ? String(eTag) : null;
        let json: string;
        try {
          json = JSON.stringify(data);
        } catch (err) {
          throw new StorageError('STORAGE_INVALID', `item "${key}" cannot be serialised: ${(err as Error).message}`, key);
        }
        let written: unknown[];
        try {
          // One statement decides and writes: on a conflicting key the existing row is locked
          // and the eTag compared with its latest committed version, so of two instances
          // holding the same eTag exactly one succeeds. A missing row is inserted whatever the
          // eTag (an item deleted meanwhile is written, as in SQLite).
          written = await q(
            `INSERT INTO bot_state AS s (key, etag, data, updated_at) VALUES ($1, $2, $3::jsonb, now())
             ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at
             WHERE $4::text IS NULL OR s.etag = $4::text
             RETURNING s.key`,
            [key, randomUUID(), json, expected],
          );
        } catch (err) {
          // JSONB refuses what JSON text allows (\u0000, lone surrogates): the item, not the database, is at fault.
          const code = (err as { code?: string }).code;
          if (code === '22P05' || code === '22P02') {
            throw new StorageError('STORAGE_INVALID', `item "${key}" cannot be stored as JSONB: ${(err as Error).message}`, key);
          }
          throw err;
        }
        if (written.length === 0) {
          throw new StorageError('STORAGE_CONFLICT', `eTag conflict writing "${key}": the item was changed by someone else`, key);
        }
      }
    });
  }

  async delete(keys: string[]): Promise<void> {
    // Row by row in the order `write` uses, in one transaction: all or nothing, and no
    // deadlock with a concurrent write of the same keys.
    const sorted = [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await this.transaction(async (q) => {
      for (const key of sorted) await q('DELETE FROM bot_state WHERE key = $1', [key]);
    });
  }

  async deleteIdleBefore(beforeIso: string): Promise<number> {
    return (await this.query("DELETE FROM bot_state WHERE updated_at < $1 AND (key LIKE '%/conversations/%' OR key LIKE '%/users/%') RETURNING key", [beforeIso])).length;
  }
}
