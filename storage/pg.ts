/**
 * What every PostgreSQL store shares: a connection pool, versioned migrations applied under
 * an advisory lock (two instances starting at once apply them once), transactions, and the
 * translation of connection failures into {@link StorageError}.
 */
import { Pool, PoolClient, QueryResultRow } from 'pg';
import { StorageError } from './port';

/** One step of a store's schema. Versions only grow; a step never changes once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Opens a pool on a `DATABASE_URL`; idle connection errors are reported, not thrown. */
export function openPool(url: string, options: { max?: number; onError?: (err: Error) => void } = {}): Pool {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StorageError('STORAGE_INVALID', 'DATABASE_URL is not a URL (postgres://user@host:5432/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StorageError('STORAGE_INVALID', `DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  const pool = new Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000, statement_timeout: 15000 });
  // A connection dropped while idle (database restart) must not crash the process.
  pool.on('error', (err) => options.onError?.(err));
  return pool;
}

/** The advisory lock key of migrations: one constant, so that every instance waits on it. */
const MIGRATION_LOCK = 7_428_351_901;

/**
 * Applies a store's pending migrations, each in its own transaction, under a session
 * advisory lock. Safe when several instances start together and when run twice.
 */
export async function migrate(pool: Pool, store: string, migrations: readonly Migration[]): Promise<number[]> {
  const client = await connect(pool);
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      store TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (store, version))`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations WHERE store = $1', [store])).rows.map((r) => r.version));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (store, version, name) VALUES ($1, $2, $3)', [store, m.version, m.name]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new StorageError('STORAGE_INVALID', `migration ${store} ${m.version} (${m.name}) failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  return applied;
}

/** A pooled connection, or `STORAGE_UNAVAILABLE` with the reason. */
async function connect(pool: Pool): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw new StorageError('STORAGE_UNAVAILABLE', `PostgreSQL unreachable: ${(err as Error).message}`);
  }
}

/** What every PostgreSQL store shares: its pool, queries, transactions, health, closing. */
export abstract class PgStore {
  private closed = false;

  protected constructor(protected readonly pool: Pool, private readonly ownsPool: boolean) {}

  private check(): void {
    if (this.closed) throw new StorageError('STORAGE_UNAVAILABLE', `${this.constructor.name} is closed`);
  }

  /** Runs a query; connection failures become `STORAGE_UNAVAILABLE`. */
  protected async query<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    this.check();
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (err) {
      throw asStorageError(err);
    }
  }

  /** Runs `work` in a transaction; rolled back on any error, which is rethrown. */
  protected async transaction<T>(work: (q: <R extends QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T> {
    this.check();
    const client = await connect(this.pool);
    try {
      await client.query('BEGIN');
      const result = await work(async <R extends QueryResultRow>(sql: string, params: unknown[] = []) => (await client.query<R>(sql, params)).rows);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw asStorageError(err);
    } finally {
      client.release();
    }
  }

  /** True when the database answers. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }
}

/** Connection-level failures are `STORAGE_UNAVAILABLE`; others keep their error. */
export function asStorageError(err: unknown): unknown {
  if (err instanceof StorageError) return err;
  const code = (err as { code?: string }).code ?? '';
  // Class 08 (connection), 57P (shutdown), 53 (resources), and node's socket errors.
  if (/^(08|57P|53)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(code) || /Connection terminated|timeout exceeded when trying to connect/i.test(String((err as Error).message))) {
    return new StorageError('STORAGE_UNAVAILABLE', `PostgreSQL unavailable: ${(err as Error).message}`);
  }
  return err;
}
