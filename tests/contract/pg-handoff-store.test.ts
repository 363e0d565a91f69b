/**
 * The handoff store contract on PostgreSQL, plus what only a shared database can show: two
 * instances (two pools on one schema) racing for the same request or transcript, and two
 * instances starting at once. Needs PostgreSQL at PG_TEST_URL: without it every test fails
 * with a message naming PG_TEST_URL (never skipped, so a missing database cannot pass).
 */
import { HandoffRequest } from '../../storage/handoff-store';
import { migrate, openPool } from '../../storage/pg';
import { PG_HANDOFF_MIGRATIONS, PgHandoffStore } from '../../storage/pg-handoff-store';
import { testDatabase } from '../helpers/pg';
import { handoffStoreContract } from './handoff-store-contract';

const TABLES = ['handoff_transcripts', 'handoff_requests'];

const { database, admin } = testDatabase('handoff');

/** A store on a pool of its own, on the file's schema. */
async function openStore(now?: () => Date): Promise<PgHandoffStore> {
  return PgHandoffStore.open(openPool((await database()).url), { ownsPool: true, now });
}

/** A store on an empty schema (each contract test starts from nothing, as with a new SQLite file). */
async function emptyStore(now?: () => Date): Promise<PgHandoffStore> {
  const store = await openStore(now);
  await (await admin()).query(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  return store;
}

handoffStoreContract('PostgreSQL', () => emptyStore(), async (previous) => {
  await previous.close();
  return openStore();
});

const base = (conversationId: string): Omit<HandoffRequest, 'id' | 'createdAt'> => ({
  conversationId,
  channelId: 'directline',
  reference: { conversation: { id: conversationId } },
  lang: 'fr',
  summary: 'renouvellement titre de séjour',
  state: 'waiting',
});

describe('PostgreSQL handoff store: several instances', () => {
  let a: PgHandoffStore;
  let b: PgHandoffStore;
  beforeEach(async () => {
    a = await emptyStore();
    b = await openStore();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('gives a request to exactly one of two agents taking it at once through different instances', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await a.create(base(`race-${i}`));
      const [byA, byB] = await Promise.all([a.take(r.id, { id: 'a1', name: 'Alice' }), b.take(r.id, { id: 'a2', name: 'Bob' })]);
      expect([byA, byB].filter(Boolean)).toHaveLength(1);
      expect((await b.get(r.id))?.owner?.name).toBe(byA ? 'Alice' : 'Bob');
    }
    expect(await a.recentWaits(100)).toHaveLength(20);
  });

  it('numbers transcript lines appended at once from two instances without losing any', async () => {
    const r = await a.create(base('t'));
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).appendTranscript(r.id, { from: i % 2 ? 'agent' : 'person', text: `line ${i}` })));
    const lines = await b.transcript(r.id);
    expect(lines.map((l) => l.text).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i}`).sort());
    const seqs = await (await admin()).query<{ seq: number }>('SELECT seq FROM handoff_transcripts WHERE request_id = $1 ORDER BY seq', [r.id]);
    expect(seqs.rows.map((x) => x.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('retention run by two instances at once clears each ended request once', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await a.create(base(`ended-${i}`));
      await a.appendTranscript(r.id, { from: 'person', text: 'bonjour' });
      await a.setState(r.id, 'closed');
    }
    const cutoff = new Date(Date.now() + 1000).toISOString();
    const [x, y] = await Promise.all([a.purgeEndedBefore(cutoff), b.purgeEndedBefore(cutoff)]);
    expect(x.requests + y.requests).toBe(20);
    expect(x.lines + y.lines).toBe(20);
  });

  it('refuses a transcript line for an unknown request, as the SQLite foreign key does', async () => {
    await expect(a.appendTranscript('nope', { from: 'person', text: 'x' })).rejects.toMatchObject({ code: 'STORAGE_INVALID' });
  });

  it('dates with the injected clock and queues requests of the same instant in arrival order', async () => {
    const frozen = new Date('2026-11-23T09:00:00.000Z');
    const clocked = await openStore(() => frozen);
    try {
      const first = await clocked.create(base('x'));
      const second = await clocked.create(base('y'));
      expect(first.createdAt).toBe(frozen.toISOString());
      expect((await b.get(second.id))?.createdAt).toBe(frozen.toISOString());
      expect(await b.position(first.id)).toBe(1);
      expect(await b.position(second.id)).toBe(2);
      expect((await b.waiting()).map((r) => r.id)).toEqual([first.id, second.id]);
      await clocked.take(first.id, { id: 'a1', name: 'Alice' });
      expect(await a.recentWaits(1)).toEqual([0]);
      await clocked.setState(first.id, 'closed');
      expect((await a.get(first.id))?.closedAt).toBe(frozen.toISOString());
    } finally {
      await clocked.close();
    }
  });

  it('applies the migrations once when two instances start at once', async () => {
    const { url } = await database();
    const db = await admin();
    // Back to a first deployment: no handoff tables, no handoff migration recorded.
    const reset = async (): Promise<void> => {
      await db.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')} CASCADE`);
      await db.query("DELETE FROM schema_migrations WHERE store = 'handoff'");
    };
    const [p, q] = [openPool(url), openPool(url)];
    try {
      await reset();
      const applied = await Promise.all([migrate(p, 'handoff', PG_HANDOFF_MIGRATIONS), migrate(q, 'handoff', PG_HANDOFF_MIGRATIONS)]);
      expect(applied.map((x) => x.join(',')).sort()).toEqual(['', PG_HANDOFF_MIGRATIONS.map((m) => m.version).join(',')]);

      await reset();
      const [x, y] = await Promise.all([PgHandoffStore.open(p, { ownsPool: false }), PgHandoffStore.open(q, { ownsPool: false })]);
      const r = await x.create(base('m'));
      expect((await y.get(r.id))?.id).toBe(r.id);
      const recorded = await db.query<{ version: number }>("SELECT version FROM schema_migrations WHERE store = 'handoff' ORDER BY version");
      expect(recorded.rows.map((m) => m.version)).toEqual(PG_HANDOFF_MIGRATIONS.map((m) => m.version));
      await x.close();
      await y.close();
    } finally {
      await p.end();
      await q.end();
    }
  });
});
