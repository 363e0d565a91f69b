/**
 * The insights store contract on PostgreSQL, plus what only a shared database can show: two
 * instances (two pools on one schema) seeing each other's writes and marking the same question
 * at once, and two instances starting at once. Needs PostgreSQL at PG_TEST_URL: without it
 * every test fails with a message naming PG_TEST_URL (never skipped, so a missing database
 * cannot pass).
 */
import { migrate, openPool } from '../../storage/pg';
import { PG_INSIGHTS_MIGRATIONS, PgInsightsStore } from '../../storage/pg-insights-store';
import { testDatabase } from '../helpers/pg';
import { insightsStoreContract } from './insights-store-contract';

const TABLES = ['insight_events', 'unanswered_questions'];

const { database, admin } = testDatabase('insights');

/** A store on a pool of its own, on the file's schema. */
async function openStore(): Promise<PgInsightsStore> {
  return PgInsightsStore.open(openPool((await database()).url), { ownsPool: true });
}

/** A store on an empty schema (each contract test starts from nothing, as with a new SQLite file). */
async function emptyStore(): Promise<PgInsightsStore> {
  const store = await openStore();
  await (await admin()).query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  return store;
}

insightsStoreContract('PostgreSQL', () => emptyStore(), async (previous) => {
  await previous.close();
  return openStore();
});

describe('PostgreSQL insights store: several instances', () => {
  let a: PgInsightsStore;
  let b: PgInsightsStore;
  beforeEach(async () => {
    a = await emptyStore();
    b = await openStore();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('counts what every instance recorded', async () => {
    await Promise.all([
      a.record({ day: '2026-11-23', at: '2026-11-23T10:00:00.000Z', conversation: 'x', kind: 'question', detail: 'answered' }),
      b.record({ day: '2026-11-23', at: '2026-11-23T11:00:00.000Z', conversation: 'y', kind: 'question', detail: 'answered' }),
      b.record({ day: '2026-11-24', at: '2026-11-24T00:30:00.000Z', conversation: 'x', kind: 'rating', detail: 'bot', value: 5 }),
    ]);
    expect(await a.conversationsBetween('2026-11-23', '2026-11-24')).toBe(2);
    expect(await b.dailyCounts('2026-11-23', '2026-11-24')).toEqual([
      { day: '2026-11-23', kind: 'question', detail: 'answered', entry: null, count: 2, sum: 0 },
      { day: '2026-11-24', kind: 'rating', detail: 'bot', entry: null, count: 1, sum: 5 },
    ]);
  });

  it('gives back days and instants as written', async () => {
    await a.addUnanswered({ day: '2026-03-29', at: '2026-03-29T01:30:00.000Z', conversation: 'c', lang: 'fr', reason: 'notHelpful', entry: 'cni-passeport', text: 't', key: 't' });
    expect(await b.unanswered(1)).toEqual([{ day: '2026-03-29', at: '2026-03-29T01:30:00.000Z', conversation: 'c', lang: 'fr', reason: 'notHelpful', entry: 'cni-passeport', text: 't', key: 't' }]);
  });

  it('groups and sorts questions in byte order, as SQLite does, whatever the database locale', async () => {
    for (const [text, key] of [['é', 'é'], ['b', 'b'], ['a', 'a'], ['B', 'B'], ['horaires', 'h'], ['Horaires', 'h']]) {
      await a.addUnanswered({ day: '2026-11-23', at: '2026-11-23T10:00:00.000Z', conversation: 'c', lang: 'fr', reason: 'fallback', text: text!, key: key! });
    }
    expect(await b.frequentUnanswered('2026-11-23', '2026-11-23', 10)).toEqual([
      { key: 'h', text: 'Horaires', count: 2 },
      { key: 'B', text: 'B', count: 1 },
      { key: 'a', text: 'a', count: 1 },
      { key: 'b', text: 'b', count: 1 },
      { key: 'é', text: 'é', count: 1 },
    ]);
  });

  it('counts a question marked at once from two instances once', async () => {
    for (let i = 0; i < 10; i++) await a.addUnanswered({ day: '2026-11-23', at: '2026-11-23T10:00:00.000Z', conversation: 'c', lang: 'fr', reason: 'fallback', text: `q${i}`, key: `q${i}` });
    const ids = (await a.openUnanswered(10)).map((q) => q.id);
    const counts = await Promise.all(ids.flatMap((id) => [a.markUnanswered([id], 'handled'), b.markUnanswered([id], 'dismissed')]));
    expect(counts.reduce((s, n) => s + n, 0)).toBe(10);
    expect(await b.openUnanswered(10)).toEqual([]);
  });

  it('applies the migrations once when two instances start at once', async () => {
    const { url } = await database();
    const db = await admin();
    // Back to a first deployment: no insights tables, no insights migration recorded.
    const reset = async (): Promise<void> => {
      await db.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')} CASCADE`);
      await db.query("DELETE FROM schema_migrations WHERE store = 'insights'");
    };
    const [p, q] = [openPool(url), openPool(url)];
    try {
      await reset();
      const applied = await Promise.all([migrate(p, 'insights', PG_INSIGHTS_MIGRATIONS), migrate(q, 'insights', PG_INSIGHTS_MIGRATIONS)]);
      expect(applied.map((x) => x.join(',')).sort()).toEqual(['', PG_INSIGHTS_MIGRATIONS.map((m) => m.version).join(',')]);

      await reset();
      const [x, y] = await Promise.all([PgInsightsStore.open(p, { ownsPool: false }), PgInsightsStore.open(q, { ownsPool: false })]);
      await x.record({ day: '2026-11-23', at: '2026-11-23T10:00:00.000Z', conversation: 'x', kind: 'question', detail: 'answered' });
      expect(await y.conversationsBetween('2026-11-23', '2026-11-23')).toBe(1);
      const recorded = await db.query<{ version: number }>("SELECT version FROM schema_migrations WHERE store = 'insights' ORDER BY version");
      expect(recorded.rows.map((m) => m.version)).toEqual(PG_INSIGHTS_MIGRATIONS.map((m) => m.version));
      await x.close();
      await y.close();
    } finally {
      await p.end();
      await q.end();
    }
  });
});
