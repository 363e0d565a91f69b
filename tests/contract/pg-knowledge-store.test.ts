/**
 * The knowledge store contract on PostgreSQL, plus what only a shared database can show: two
 * instances (two pools on one schema) publishing on the same parent or saving the same draft
 * file at once, the notification of each publication, and two instances starting at once.
 * Needs PostgreSQL at PG_TEST_URL: without it every test fails with a message naming
 * PG_TEST_URL (never skipped, so a missing database cannot pass).
 */
import { Client, Pool } from 'pg';
import { NewRevision } from '../../storage/knowledge-store';
import { migrate, openPool } from '../../storage/pg';
import { KNOWLEDGE_PUBLISHED_CHANNEL, PG_KNOWLEDGE_MIGRATIONS, PgKnowledgeStore } from '../../storage/pg-knowledge-store';
import { testDatabase } from '../helpers/pg';
import { knowledgeStoreContract } from './knowledge-store-contract';

/** The tables the contract empties between tests (the publication lock keeps its row). */
const DATA = ['knowledge_revisions', 'knowledge_draft'];
const TABLES = [...DATA, 'knowledge_publish_lock'];

const { database, admin } = testDatabase('knowledge');

/** A store on a pool of its own, on the file's schema. */
async function openStore(now?: () => Date): Promise<PgKnowledgeStore> {
  return PgKnowledgeStore.open(openPool((await database()).url), { ownsPool: true, now });
}

/** A store on an empty schema (each contract test starts from nothing, as with a new SQLite file). */
async function emptyStore(now?: () => Date): Promise<PgKnowledgeStore> {
  const store = await openStore(now);
  await (await admin()).query(`TRUNCATE ${DATA.join(', ')} RESTART IDENTITY`);
  return store;
}

knowledgeStoreContract('PostgreSQL', () => emptyStore(), async (previous) => {
  await previous.close();
  return openStore();
});

const claire = { id: 'local:claire', name: 'Claire' };
const yann = { id: 'local:yann', name: 'Yann' };
const revision = (parent: number | null, files: Record<string, unknown>, extra: Partial<NewRevision> = {}): NewRevision => ({
  parent,
  author: claire,
  message: 'm',
  files: new Map(Object.entries(files)),
  changes: 1,
  contentHash: `h${parent ?? 0}`,
  clearDraft: [],
  ...extra,
});
const at = '2026-11-23T10:00:00.000Z';

describe('PostgreSQL knowledge store: several instances', () => {
  let a: PgKnowledgeStore;
  let b: PgKnowledgeStore;
  beforeEach(async () => {
    a = await emptyStore();
    b = await openStore();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('publishes exactly one of two first publications made at once through different instances', async () => {
    const [x, y] = await Promise.all([a.publish(revision(null, { 'a.yaml': { x: 1 } })), b.publish(revision(null, { 'a.yaml': { x: 2 } }))]);
    expect([x, y].filter(Boolean)).toHaveLength(1);
    expect(await a.revisions(10)).toHaveLength(1);
  });

  it('publishes exactly one of two revisions with the same parent made at once through different instances', async () => {
    const first = await a.publish(revision(null, { 'a.yaml': { x: 0 } }));
    let parent = first!.id;
    for (let i = 1; i <= 10; i++) {
      const made = (await Promise.all([a.publish(revision(parent, { 'a.yaml': { x: i, by: 'a' } })), b.publish(revision(parent, { 'a.yaml': { x: i, by: 'b' } }))])).filter(Boolean);
      expect(made).toHaveLength(1);
      parent = made[0]!.id;
    }
    // A straight history: eleven revisions, each the child of the one before.
    const history = await b.revisions(100);
    expect(history).toHaveLength(11);
    expect(history[0]!.id).toBe(parent);
    expect((await a.revision(parent))?.files.get('a.yaml')).toMatchObject({ x: 10 });
  });

  it('lets only the first of two editors saving a new draft file at once through different instances win', async () => {
    const saved = await Promise.all([
      a.saveDraft({ path: 'a.yaml', content: { x: 1 }, version: 'v1', updatedBy: claire, updatedAt: at }, null),
      b.saveDraft({ path: 'a.yaml', content: { x: 2 }, version: 'v2', updatedBy: yann, updatedAt: at }, null),
    ]);
    expect(saved.filter(Boolean)).toHaveLength(1);
    const [file] = await b.draft();
    expect(file?.version).toBe(saved[0] ? 'v1' : 'v2');
    const next = await Promise.all([
      a.saveDraft({ path: 'a.yaml', content: { x: 3 }, version: 'v3', updatedBy: claire, updatedAt: at }, file!.version),
      b.saveDraft({ path: 'a.yaml', content: { x: 4 }, version: 'v4', updatedBy: yann, updatedAt: at }, file!.version),
    ]);
    expect(next.filter(Boolean)).toHaveLength(1);
  });

  it('keeps files as JSON values (numbers, nesting, retired files) and paths in byte order', async () => {
    const files = { 'b.yaml': { n: 1.5, list: [1, 'deux', { trois: true }], none: null, text: 'l\'été « ici »' }, 'a.yaml': [] };
    const made = await a.publish(revision(null, files));
    expect(Object.fromEntries((await b.revision(made!.id))!.files)).toEqual(files);
    for (const path of ['b.yaml', 'B.yaml', 'a.yaml', 'é.yaml']) await a.saveDraft({ path, content: path === 'B.yaml' ? null : 'texte', version: 'v', updatedBy: claire, updatedAt: at }, null);
    const draft = await b.draft();
    expect(draft.map((d) => d.path)).toEqual(['B.yaml', 'a.yaml', 'b.yaml', 'é.yaml']);
    expect(draft[0]!.content).toBeNull();
    expect(draft[1]!.content).toBe('texte');
  });

  it('dates revisions with the injected clock', async () => {
    const frozen = new Date('2026-11-23T09:00:00.000Z');
    const clocked = await openStore(() => frozen);
    try {
      const made = await clocked.publish(revision(null, {}));
      expect(made?.createdAt).toBe(frozen.toISOString());
      expect((await b.latest())?.createdAt).toBe(frozen.toISOString());
    } finally {
      await clocked.close();
    }
  });

  it(`notifies ${KNOWLEDGE_PUBLISHED_CHANNEL} with the revision id on each publication, and only then`, async () => {
    const listener = new Client({ connectionString: (await database()).url });
    const heard: string[] = [];
    await listener.connect();
    try {
      listener.on('notification', (n) => {
        if (n.channel === KNOWLEDGE_PUBLISHED_CHANNEL) heard.push(n.payload ?? '');
      });
      await listener.query(`LISTEN ${KNOWLEDGE_PUBLISHED_CHANNEL}`);
      const first = await a.publish(revision(null, { 'a.yaml': { x: 1 } }));
      expect(await b.publish(revision(null, { 'a.yaml': { x: 2 } }))).toBeUndefined();
      const second = await b.publish(revision(first!.id, { 'a.yaml': { x: 3 } }));
      for (let i = 0; i < 100 && heard.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      // A round trip on the listener's connection: anything else sent before it has arrived.
      await listener.query('SELECT 1');
      expect(heard).toEqual([String(first!.id), String(second!.id)]);
    } finally {
      await listener.end();
    }
  });

  it('applies the migrations once when two instances start at once', async () => {
    const { url } = await database();
    const db = await admin();
    // Back to a first deployment: no knowledge tables, no knowledge migration recorded.
    const reset = async (): Promise<void> => {
      await db.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')} CASCADE`);
      await db.query("DELETE FROM schema_migrations WHERE store = 'knowledge'");
    };
    const [p, q] = [openPool(url), openPool(url)];
    try {
      await reset();
      const applied = await Promise.all([migrate(p, 'knowledge', PG_KNOWLEDGE_MIGRATIONS), migrate(q, 'knowledge', PG_KNOWLEDGE_MIGRATIONS)]);
      expect(applied.map((x) => x.join(',')).sort()).toEqual(['', PG_KNOWLEDGE_MIGRATIONS.map((m) => m.version).join(',')]);

      await reset();
      const [x, y] = await Promise.all([PgKnowledgeStore.open(p, { ownsPool: false }), PgKnowledgeStore.open(q, { ownsPool: false })]);
      const made = await x.publish(revision(null, { 'a.yaml': { x: 1 } }));
      expect((await y.latest())?.id).toBe(made!.id);
      expect((await db.query('SELECT * FROM knowledge_publish_lock')).rowCount).toBe(1);
      const recorded = await db.query<{ version: number }>("SELECT version FROM schema_migrations WHERE store = 'knowledge' ORDER BY version");
      expect(recorded.rows.map((m) => m.version)).toEqual(PG_KNOWLEDGE_MIGRATIONS.map((m) => m.version));
      await x.close();
      await y.close();
    } finally {
      await p.end();
      await q.end();
    }
  });
});
