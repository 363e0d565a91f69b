/**
 * PostgreSQL for tests: each test file gets a schema of its own on the machine's database
 * (`PG_TEST_URL`, default postgres://postgres@127.0.0.1:5432/test), dropped at the end, so
 * that suites run in parallel without seeing each other's rows.
 */
import { randomBytes } from 'crypto';
import { Client, Pool } from 'pg';

/** The database the tests use. */
export const PG_TEST_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema and a `DATABASE_URL` whose connections use it. */
export async function freshSchema(prefix = 't'): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_TEST_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const c = new Client({ connectionString: PG_TEST_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** PG_TEST_URL without its password, for messages. */
function shownUrl(): string {
  try {
    const u = new URL(PG_TEST_URL);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/**
 * A fresh schema, or a failure naming PG_TEST_URL and what to do (a short connection
 * timeout: an unreachable host fails with this message, not a jest timeout). These tests
 * never skip: a missing database cannot pass.
 */
export async function reachableSchema(prefix: string): Promise<Awaited<ReturnType<typeof freshSchema>>> {
  const probe = new Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 5000 });
  try {
    await probe.connect();
    await probe.query('SELECT 1');
  } catch (err) {
    throw new Error(`PostgreSQL is unreachable at PG_TEST_URL=${shownUrl()} (${(err as Error).message}). These tests need it: start PostgreSQL or set PG_TEST_URL; they do not skip.`);
  } finally {
    await probe.end().catch(() => undefined);
  }
  return freshSchema(prefix);
}

/**
 * The schema of a test file, created on first use (a failure is kept, so every test reports
 * it), with an admin pool of the test's own (to empty tables and look behind a store), both
 * dropped after the file.
 */
export function testDatabase(prefix: string): { database: () => Promise<Awaited<ReturnType<typeof freshSchema>>>; admin: () => Promise<Pool> } {
  let schema: Promise<Awaited<ReturnType<typeof freshSchema>>> | undefined;
  let adminPool: Pool | undefined;
  const database = () => (schema ??= reachableSchema(prefix));
  afterAll(async () => {
    await adminPool?.end();
    const s = await schema?.catch(() => undefined);
    await s?.drop();
  });
  return {
    database,
    admin: async () => (adminPool ??= new Pool({ connectionString: (await database()).url, max: 2 })),
  };
}
