/**
 * PostgreSQL for tests: each test file gets a schema of its own on the machine's database
 * (`PG_TEST_URL`, default postgres://postgres@127.0.0.1:5432/test), dropped at the end, so
 * that suites run in parallel without seeing each other's rows.
 */
import { randomBytes } from 'crypto';
import { Client } from 'pg';

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
