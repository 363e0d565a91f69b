/**
 * Opens an SQLite file the way every embedded store wants it: folder created, write-ahead
 * log (readers never block the writer), and a busy timeout so that two connections to the
 * same file wait for each other instead of failing.
 */
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import * as fs from 'fs';
import * as path from 'path';
import { StorageError } from './port';

/** An open database with the project's settings and the given schema applied. */
export function openSqlite(file: string, schema: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  cachePreparedStatements(db);
  return db;
}

/** Statements kept per connection; beyond it the cache starts again (SQL built per call). */
const MAX_CACHED_STATEMENTS = 500;

/**
 * Makes `db.prepare` return the statement prepared before for the same SQL. The stores
 * prepare their statements where they use them, and a turn runs several: compiling the SQL
 * each time was a measurable part of a turn's CPU (issue 8), while a statement can be run
 * again any number of times. A cached statement has its result mode (`pluck`, `raw`,
 * `expand`) reset, so that one caller's mode never leaks to the next; statements are never
 * `bind`-ed nor left iterating in this code base, the two states that would make sharing
 * unsafe.
 */
function cachePreparedStatements(db: Db): void {
  const prepare = db.prepare.bind(db) as (sql: string) => Statement;
  const cache = new Map<string, Statement>();
  (db as { prepare: (sql: string) => Statement }).prepare = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (statement) {
      if (statement.reader) statement.pluck(false).expand(false).raw(false);
      return statement;
    }
    statement = prepare(sql);
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
    cache.set(sql, statement);
    return statement;
  };
}

/** What every SQLite store shares: its connection, a health check, and closing. */
export abstract class SqliteStore {
  private db: Db | undefined;

  protected constructor(readonly file: string, schema: string) {
    this.db = openSqlite(file, schema);
  }

  /** The open connection; throws `STORAGE_UNAVAILABLE` once closed. */
  protected open(): Db {
    if (!this.db) throw new StorageError('STORAGE_UNAVAILABLE', `${this.constructor.name} on ${this.file} is closed`);
    return this.db;
  }

  /** True when the database answers. */
  async ping(): Promise<boolean> {
    try {
      this.open().prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }
}
