/**
 * Opens an SQLite file the way every embedded store wants it: folder created, write-ahead
 * log (readers never block the writer), and a busy timeout so that two connections to the
 * same file wait for each other instead of failing.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import * as fs from 'fs';
import * as path from 'path';

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
