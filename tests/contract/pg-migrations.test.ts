/**
 * Migrations on PostgreSQL: from an empty database every store's schema is created; from
 * the previous schema version (a database left by the previous release, with data in it)
 * the new steps are applied and nothing is lost; running them again changes nothing.
 */
import { Pool } from 'pg';
import { migrate } from '../../storage/pg';
import { PG_HANDOFF_MIGRATIONS, PgHandoffStore } from '../../storage/pg-handoff-store';
import { openStores } from '../../bot/stores';
import { testConfig, tempDir } from '../helpers/bot-harness';
import { silentLogger } from '../../bot/logger';
import { freshSchema } from '../helpers/pg';

it('from an empty database: every store migrated, once, even when two instances open at once', async () => {
  const s = await freshSchema('mig');
  const data = tempDir('mig-');
  try {
    const config = testConfig(data.dir, { DATABASE_URL: s.url });
    const [one, two] = await Promise.all([openStores(config, silentLogger), openStores(config, silentLogger)]);
    const pool = new Pool({ connectionString: s.url });
    const rows = (await pool.query<{ store: string; version: number }>('SELECT store, version FROM schema_migrations ORDER BY store, version')).rows;
    expect(rows.map((r) => `${r.store}:${r.version}`)).toEqual(['directline:1', 'handoff:1', 'handoff:2', 'insights:1', 'knowledge:1', 'state:1']);
    await pool.end();
    await one.close();
    await two.close();
  } finally {
    data.cleanup();
    await s.drop();
  }
});

it('from the previous schema version, with data: the new step is applied and the data kept', async () => {
  const s = await freshSchema('mig');
  const pool = new Pool({ connectionString: s.url });
  try {
    // The database as the previous release left it.
    expect(await migrate(pool, 'handoff', PG_HANDOFF_MIGRATIONS.filter((m) => m.version === 1))).toEqual([1]);
    await pool.query(
      `INSERT INTO handoff_requests (id, conversation_id, channel_id, reference, lang, summary, state, created_at) VALUES ('r1', 'c1', 'directline', '{}', 'fr', 'titre de séjour', 'waiting', now())`,
    );
    const store = await PgHandoffStore.open(pool, { ownsPool: false });
    expect((await store.get('r1'))?.summary).toBe('titre de séjour');
    expect(await store.position('r1')).toBe(1);
    const versions = (await pool.query<{ version: number }>("SELECT version FROM schema_migrations WHERE store = 'handoff' ORDER BY version")).rows.map((r) => r.version);
    expect(versions).toEqual([1, 2]);
    const index = await pool.query("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'handoff_by_created'");
    expect(index.rowCount).toBe(1);
    // Run again: nothing to apply, nothing broken.
    expect(await migrate(pool, 'handoff', PG_HANDOFF_MIGRATIONS)).toEqual([]);
    await store.close();
  } finally {
    await pool.end();
    await s.drop();
  }
});

it('a wrong DATABASE_URL is refused with a precise message, not a crash loop', async () => {
  const data = tempDir('mig-');
  try {
    expect(() => testConfig(data.dir, { DATABASE_URL: 'mysql://x@y/z' })).toThrow(/DATABASE_URL: must start with postgres:\/\//);
    const config = testConfig(data.dir, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
    await expect(openStores(config, silentLogger)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  } finally {
    data.cleanup();
  }
});
