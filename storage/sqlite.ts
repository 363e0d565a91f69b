/**
 * Opens an SQLite file the way every embedded store wants it: folder created, write-ahead
 * log (readers never block the writer), and a busy timeout so that two connections to the
 * same file wait for each other instead of failing.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
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
  return db;
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
