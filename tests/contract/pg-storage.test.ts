/**
 * The state store contract on PostgreSQL, plus what only a shared database has: two
 * instances racing on the same key, and migrations started from two places at once.
 * Needs PostgreSQL (`PG_TEST_URL`): without it the suite fails, it never passes silently.
 */
import { Pool } from 'pg';
import { migrate, openPool } from '../../storage/pg';
import { PG_STATE_MIGRATIONS, PG_STATE_STORE, PgStateStore } from '../../storage/pg-state-store';
import { StorageError } from '../../storage/port';
import { freshSchema, reachableSchema } from '../helpers/pg';
import { storageContract } from './storage-contract';

type Schema = Awaited<ReturnType<typeof freshSchema>>;

// One schema for the file, created on first use (beforeAll, or the first factory call).
let schemaPromise: Promise<Schema> | undefined;
const schema = (): Promise<Schema> => (schemaPromise ??= reachableSchema('state'));

beforeAll(async () => {
  await schema();
});
afterAll(async () => {
  const s = await schemaPromise?.catch(() => undefined);
  await s?.drop();
});

storageContract(
  'PostgreSQL',
  async () => {
    const pool = openPool((await schema()).url);
    const store = await PgStateStore.open(pool, { ownsPool: true });
    // The contract was written for a fresh file per test: start each test from an empty table.
    await pool.query('DELETE FROM bot_state');
    return store;
  },
  async (previous) => {
    await previous.close();
    return PgStateStore.open(openPool((await schema()).url), { ownsPool: true });
  },
);

describe('PgStateStore on a shared database', () => {
  const pools: Pool[] = [];
  const stores: PgStateStore[] = [];
  /** A store on a pool of its own, as a second instance of the service would have. */
  const instance = async (url?: string): Promise<PgStateStore> => {
    const pool = openPool(url ?? (await schema()).url, { max: 4 });
    pools.push(pool);
    const store = await PgStateStore.open(pool);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });

  it('lets exactly one of two instances holding the same eTag win', async () => {
    const [one, two] = [await instance(), await instance()];
    for (let round = 0; round < 20; round++) {
      const key = `race-${round}`;
      await one.write({ [key]: { v: 0 } });
      const eTag = (await two.read([key]))[key].eTag as string;
      const results = await Promise.allSettled([one.write({ [key]: { v: 'one', eTag } }), two.write({ [key]: { v: 'two', eTag } })]);
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i === 0 ? 'one' : 'two'] : []));
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toBeInstanceOf(StorageError);
      expect(lost[0]).toMatchObject({ code: 'STORAGE_CONFLICT', key });
      const stored = (await one.read([key]))[key];
      expect(stored.v).toBe(won[0]);
      expect(stored.eTag).not.toBe(eTag);
    }
  });

  it('writes all the changes of one call or none', async () => {
    const store = await instance();
    await store.write({ held: { v: 1 } });
    const stale = (await store.read(['held'])).held.eTag as string;
    await store.write({ held: { v: 2, eTag: stale } });
    // "extra" sorts before "held": it is written, then undone by the conflict on "held".
    await expect(store.write({ extra: { v: 1 }, held: { v: 3, eTag: stale } })).rejects.toMatchObject({ code: 'STORAGE_CONFLICT', key: 'held' });
    expect(await store.read(['extra'])).toEqual({});
    expect((await store.read(['held'])).held.v).toBe(2);
  });

  it('refuses what JSONB cannot hold as STORAGE_INVALID, writing nothing', async () => {
    const store = await instance();
    await expect(store.write({ 'nul-a': { v: 1 }, 'nul-b': { text: 'a\u0000b' } })).rejects.toMatchObject({ code: 'STORAGE_INVALID', key: 'nul-b' });
    expect(await store.read(['nul-a', 'nul-b'])).toEqual({});
  });

  it('applies its migrations once when two instances start together, and again is a no-op', async () => {
    const own = await reachableSchema('statemig');
    try {
      const [a, b] = [openPool(own.url), openPool(own.url)];
      pools.push(a, b);
      const applied = await Promise.all([migrate(a, PG_STATE_STORE, PG_STATE_MIGRATIONS), migrate(b, PG_STATE_STORE, PG_STATE_MIGRATIONS)]);
      expect(applied.flat().sort((x, y) => x - y)).toEqual(PG_STATE_MIGRATIONS.map((m) => m.version));
      // Opening runs them again: nothing left to apply, and both instances work.
      const [one, two] = await Promise.all([PgStateStore.open(a), PgStateStore.open(b)]);
      stores.push(one, two);
      expect(await migrate(a, PG_STATE_STORE, PG_STATE_MIGRATIONS)).toEqual([]);
      const { rows } = await a.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM schema_migrations WHERE store = $1 GROUP BY version ORDER BY version', [PG_STATE_STORE]);
      expect(rows).toEqual(PG_STATE_MIGRATIONS.map((m) => ({ version: m.version, n: 1 })));
      await one.write({ k: { v: 1 } });
      expect((await two.read(['k'])).k).toMatchObject({ v: 1 });
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await Promise.all(pools.splice(0).map((p) => p.end()));
      await own.drop();
    }
  });
});
