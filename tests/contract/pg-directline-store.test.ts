/**
 * The Direct Line store contract on PostgreSQL, plus what only a shared database has: two
 * instances appending to and starting the same conversation, and migrations started from two
 * places at once. Needs PostgreSQL (`PG_TEST_URL`): without it the suite fails, it never
 * passes silently.
 */
import { Pool } from 'pg';
import { migrate, openPool } from '../../storage/pg';
import { PG_DIRECTLINE_MIGRATIONS, PG_DIRECTLINE_STORE, PgDirectLineStore } from '../../storage/pg-directline-store';
import { StorageError } from '../../storage/port';
import { freshSchema, reachableSchema } from '../helpers/pg';
import { directLineStoreContract } from './directline-store-contract';

type Schema = Awaited<ReturnType<typeof freshSchema>>;

// One schema for the file, created on first use (beforeAll, or the first factory call).
let schemaPromise: Promise<Schema> | undefined;
const schema = (): Promise<Schema> => (schemaPromise ??= reachableSchema('dl'));

beforeAll(async () => {
  await schema();
});
afterAll(async () => {
  const s = await schemaPromise?.catch(() => undefined);
  await s?.drop();
});

directLineStoreContract(
  'PostgreSQL',
  async () => {
    const pool = openPool((await schema()).url);
    const store = await PgDirectLineStore.open(pool, { ownsPool: true });
    // The contract was written for a fresh file per test: start each test from empty tables.
    await pool.query('TRUNCATE dl_activities, dl_conversations');
    return store;
  },
  async (previous) => {
    await previous.close();
    return PgDirectLineStore.open(openPool((await schema()).url), { ownsPool: true });
  },
);

describe('PgDirectLineStore on a shared database', () => {
  const pools: Pool[] = [];
  const stores: PgDirectLineStore[] = [];
  /** A store on a pool of its own, as a second instance of the service would have. */
  const instance = async (): Promise<PgDirectLineStore> => {
    const pool = openPool((await schema()).url, { max: 5 });
    pools.push(pool);
    const store = await PgDirectLineStore.open(pool);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(pools.splice(0).map((p) => p.end()));
  });

  it('numbers 50 concurrent appends from two instances 1..50, without duplicates or gaps', async () => {
    const [one, two] = [await instance(), await instance()];
    await one.createConversation('shared', 'u');
    const all = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? one : two).append('shared', { type: 'message', text: String(i) })));
    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(all.map((s) => s.seq).sort((a, b) => a - b)).toEqual(expected);
    expect(new Set(all.map((s) => s.activity.id)).size).toBe(50);
    // What either instance reads back is the same gapless sequence, each activity where its append said.
    const read = await two.after('shared', 0, 100);
    expect(read.map((s) => s.seq)).toEqual(expected);
    const bySeq = new Map(all.map((s) => [s.seq, s.activity.text]));
    expect(read.every((s) => s.activity.text === bySeq.get(s.seq))).toBe(true);
  });

  it('retention run by two instances at once deletes each idle conversation once, and keeps a conversation being written to', async () => {
    const [one, two] = [await instance(), await instance()];
    const pool = pools[0]!;
    await pool.query('TRUNCATE dl_activities, dl_conversations');
    for (let i = 0; i < 30; i++) {
      await one.createConversation(`idle-${i}`, 'u');
      await one.append(`idle-${i}`, { type: 'message', text: 'x' });
    }
    await new Promise((r) => setTimeout(r, 25));
    const cutoff = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 25));
    await one.createConversation('live', 'u');
    const [a, b] = await Promise.all([one.purgeIdleBefore(cutoff), two.purgeIdleBefore(cutoff), one.append('live', { type: 'message', text: 'still here' })]);
    expect(a.conversations + b.conversations).toBe(30);
    expect(a.activities + b.activities).toBe(30);
    expect((await two.after('live', 0)).map((x) => x.activity.text)).toEqual(['still here']);
    expect(await one.purgeIdleBefore(cutoff)).toEqual({ conversations: 0, activities: 0 });
  });

  it('starts a conversation once when two instances try at the same time', async () => {
    const [one, two] = [await instance(), await instance()];
    for (let round = 0; round < 10; round++) {
      const id = `start-${round}`;
      await one.createConversation(id, 'u');
      const results = await Promise.all([one.markStarted(id), two.markStarted(id), one.markStarted(id), two.markStarted(id)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it('gives back the position of a failed append', async () => {
    const store = await instance();
    await store.createConversation('gap', 'u');
    await store.append('gap', { type: 'message', id: 'same' });
    // The second use of an id fails (unique per conversation), as in SQLite; its number is not lost.
    await expect(store.append('gap', { type: 'message', id: 'same' })).rejects.toThrow();
    expect((await store.append('gap', { type: 'message' })).seq).toBe(2);
    await expect(store.append('nowhere', { type: 'message' })).rejects.toBeInstanceOf(StorageError);
    await expect(store.append('nowhere', { type: 'message' })).rejects.toMatchObject({ code: 'STORAGE_INVALID' });
  });

  it('stores activity text that JSONB would refuse', async () => {
    const store = await instance();
    await store.createConversation('nul', 'u');
    await store.append('nul', { type: 'message', text: 'a\u0000b' });
    expect((await store.after('nul', 0))[0]?.activity.text).toBe('a\u0000b');
  });

  it('applies its migrations once when two instances start together, and again is a no-op', async () => {
    const own = await reachableSchema('dlmig');
    try {
      const [a, b] = [openPool(own.url), openPool(own.url)];
      pools.push(a, b);
      const applied = await Promise.all([migrate(a, PG_DIRECTLINE_STORE, PG_DIRECTLINE_MIGRATIONS), migrate(b, PG_DIRECTLINE_STORE, PG_DIRECTLINE_MIGRATIONS)]);
      expect(applied.flat().sort((x, y) => x - y)).toEqual(PG_DIRECTLINE_MIGRATIONS.map((m) => m.version));
      // Opening runs them again: nothing left to apply, and both instances work.
      const [one, two] = await Promise.all([PgDirectLineStore.open(a), PgDirectLineStore.open(b)]);
      stores.push(one, two);
      expect(await migrate(a, PG_DIRECTLINE_STORE, PG_DIRECTLINE_MIGRATIONS)).toEqual([]);
      const { rows } = await a.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM schema_migrations WHERE store = $1 GROUP BY version ORDER BY version', [PG_DIRECTLINE_STORE]);
      expect(rows).toEqual(PG_DIRECTLINE_MIGRATIONS.map((m) => ({ version: m.version, n: 1 })));
      await one.createConversation('m', 'u');
      await two.append('m', { type: 'message', text: 'hi' });
      expect((await one.after('m', 0))[0]?.activity.text).toBe('hi');
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await Promise.all(pools.splice(0).map((p) => p.end()));
      await own.drop();
    }
  });
});
