/**
 * Several instances on one PostgreSQL, as separate processes behind no sticky load
 * balancer: a Web Chat client on a WebSocket to instance A receives the reply to a message
 * posted through instance B; a revision published on A is served by B within seconds (by
 * NOTIFY: B's polling is set to a minute); a handoff taken through A is relayed through B.
 * Then an instance is killed (SIGKILL) in the middle of conversations and of a handoff,
 * restarted, and nothing is lost or duplicated.
 */
import WebSocket from 'ws';
import { hashPassword } from '../../bot/console/accounts';
import { frenchHolidays } from '../../knowledge/opening-hours';
import { freshSchema } from '../helpers/pg';
import { ServiceProcess, startService } from '../helpers/service-process';
import { tempDir } from '../helpers/bot-harness';

jest.setTimeout(180_000);

const ALL_DAY = JSON.stringify(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-23:59']])));
const today = new Date();
const holiday = frenchHolidays(today.getFullYear()).has(today.toISOString().slice(0, 10));

let schema: Awaited<ReturnType<typeof freshSchema>>;
let a: ServiceProcess;
let b: ServiceProcess;
const dataA = tempDir('inst-a-');
const dataB = tempDir('inst-b-');
let env: Record<string, string>;

beforeAll(async () => {
  schema = await freshSchema('inst');
  env = {
    DATABASE_URL: schema.url,
    DIRECT_LINE_SECRET: 'a-shared-direct-line-secret-for-tests',
    EDITOR_ACCOUNTS: JSON.stringify([{ username: 'claire', name: 'Claire Martin', passwordHash: hashPassword('editor pass') }]),
    AGENT_ACCOUNTS: JSON.stringify([{ username: 'agent', name: 'Awa Diallo', passwordHash: hashPassword('agent pass') }]),
    AGENT_HOURS: ALL_DAY,
    KB_SYNC_SECONDS: '60',
    LONG_TAIL: 'false',
    ACTIVITY_RATE_PER_MINUTE: '100000',
  };
  // Started one after the other: the second finds the migrations applied.
  a = await startService({ ...env, DATA_DIR: dataA.dir });
  b = await startService({ ...env, DATA_DIR: dataB.dir });
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await schema?.drop();
  dataA.cleanup();
  dataB.cleanup();
});

interface Person {
  id: string;
  token: string;
  post(on: ServiceProcess, text: string): Promise<number>;
  activities(on: ServiceProcess): Promise<Array<{ id: string; text?: string; from: { id: string }; attachments?: Array<{ content: unknown }> }>>;
}

async function person(on: ServiceProcess): Promise<Person & { streamUrl: string }> {
  const grant = (await (await fetch(`${on.base}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
  const started = (await (await fetch(`${on.base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${grant.token}` } })).json()) as { streamUrl: string };
  const auth = { authorization: `Bearer ${grant.token}` };
  return {
    id: grant.conversationId,
    token: grant.token,
    streamUrl: started.streamUrl,
    post: async (where, text) =>
      (
        await fetch(`${where.base}/v3/directline/conversations/${grant.conversationId}/activities`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text, locale: 'fr-FR', from: { id: 'ignored' } }),
        })
      ).status,
    activities: async (where) =>
      ((await (await fetch(`${where.base}/v3/directline/conversations/${grant.conversationId}/activities`, { headers: auth })).json()) as { activities: Array<{ id: string; text?: string; from: { id: string } }> }).activities,
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const fromBot = <T extends { from: { id: string } }>(acts: T[]): T[] => acts.filter((x) => !x.from.id.startsWith('dl_'));
const textOf = (x: { text?: string; attachments?: Array<{ content: unknown }> }) => `${x.text ?? ''} ${JSON.stringify(x.attachments ?? [])}`;

it('a client on a WebSocket to A receives the reply to a message posted through B', async () => {
  const p = await person(a);
  expect(p.streamUrl).toContain(`:${a.port}/`);
  const frames: Array<{ activities?: Array<{ from: { id: string }; attachments?: unknown[] }> }> = [];
  const ws = new WebSocket(p.streamUrl);
  ws.on('message', (d) => {
    const s = d.toString();
    if (s) frames.push(JSON.parse(s));
  });
  await new Promise((r) => ws.once('open', r));
  expect(await p.post(b, 'jai perdu ma cg')).toBe(200);
  await until('the card on the socket held by A', async () =>
    frames.some((f) => (f.activities ?? []).some((x) => !x.from.id.startsWith('dl_') && Array.isArray(x.attachments) && x.attachments.length > 0)) || undefined,
  );
  ws.close();
});

it('a revision published on A is what B answers with, within seconds and without a restart', async () => {
  const login = (await (await fetch(`${a.base}/api/editor/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'claire', password: 'editor pass' }) })).json()) as { token: string };
  const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
  const got = (await (await fetch(`${a.base}/api/editor/entries/cni-passeport`, { headers: auth })).json()) as { entry: any; version: string };
  got.entry.text.fr.delays = 'Délai relevé par les agents : environ 5 semaines (vérifiez auprès de votre mairie).';
  expect((await fetch(`${a.base}/api/editor/entries/cni-passeport`, { method: 'PUT', headers: auth, body: JSON.stringify({ entry: got.entry, version: got.version }) })).status).toBe(200);
  const published = Date.now();
  expect((await fetch(`${a.base}/api/editor/publish`, { method: 'POST', headers: auth, body: JSON.stringify({ message: 'Délai relevé' }) })).status).toBe(200);
  await until('B serving the new revision', async () => ((await (await fetch(`${b.base}/api/ready`)).json()) as { knowledge: { revision: number } }).knowledge.revision === 2 || undefined, 10_000);
  expect(Date.now() - published).toBeLessThan(10_000);
  const p = await person(b);
  await p.post(b, 'je veux faire un passeport');
  await until('the new delay in the card from B', async () => fromBot(await p.activities(b)).some((x) => textOf(x).includes('environ 5 semaines')) || undefined);
});

(holiday ? it.skip : it)('a handoff taken through A is relayed through B, both ways', async () => {
  const p = await person(b);
  await p.post(b, 'je veux parler à un agent');
  const login = (await (await fetch(`${a.base}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent', password: 'agent pass' }) })).json()) as { token: string };
  const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
  const request = await until('the request in A\'s queue', async () => {
    const q = (await (await fetch(`${a.base}/api/console/requests`, { headers: auth })).json()) as { waiting: Array<{ id: string; summary: string }> };
    return q.waiting.find((r) => r.summary.includes('agent'));
  });
  expect((await fetch(`${a.base}/api/console/requests/${request.id}/take`, { method: 'POST', headers: auth })).status).toBe(200);
  expect((await fetch(`${a.base}/api/console/requests/${request.id}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'Bonjour, je suis Awa, que puis-je faire pour vous ?' }) })).status).toBe(200);
  await until('the agent\'s words reaching the person through B', async () => fromBot(await p.activities(b)).some((x) => (x.text ?? '').includes('que puis-je faire pour vous')) || undefined);
  await p.post(b, 'mon titre de séjour expire la semaine prochaine');
  await until('the person\'s words in the transcript read on A', async () => {
    const r = (await (await fetch(`${a.base}/api/console/requests/${request.id}`, { headers: auth })).json()) as { transcript: Array<{ from: string; text: string }> };
    return r.transcript.some((l) => l.from === 'person' && l.text.includes('expire la semaine prochaine')) || undefined;
  });
});

it('SIGKILL in the middle of conversations and of a handoff loses nothing and duplicates nothing', async () => {
  const talkers = await Promise.all([person(a), person(a), person(a)]);
  const waiting = await person(a);
  await waiting.post(a, 'je veux parler à un agent');
  await until('the request stored', async () => (await waiting.activities(a)).length >= 2 || undefined);

  // Messages in flight when A dies: each is either stored once, or refused to the client.
  const sent = talkers.flatMap((t, i) => ['jai perdu ma cg', 'renouveler mon titre de séjour', 'merci'].map((text) => ({ t, text: `${text} (${i})` })));
  const results = sent.map(({ t, text }) => t.post(a, text).then((status) => ({ text, status }), () => ({ text, status: 0 })));
  await new Promise((r) => setTimeout(r, 150));
  await a.stop('SIGKILL');
  const outcomes = await Promise.all(results);
  a = await startService({ ...env, DATA_DIR: dataA.dir }, a.port);

  for (const t of talkers) {
    const acts = await t.activities(b);
    const ids = acts.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const mine = acts.filter((x) => x.from.id.startsWith('dl_')).map((x) => x.text);
    for (const o of outcomes.filter((x) => x.status === 200 && mine.length >= 0)) {
      // Accepted before the kill: stored exactly once in its own conversation.
      const owner = sent.find((s) => s.text === o.text)!.t;
      if (owner !== t) continue;
      expect(mine.filter((m) => m === o.text)).toHaveLength(1);
    }
    // No text stored twice, whatever happened to it.
    expect(new Set(mine).size).toBe(mine.length);
    // The conversation goes on with the restarted instance.
    const before = fromBot(acts).length;
    expect(await t.post(a, 'jai perdu ma cg')).toBe(200);
    await until('a reply after the restart', async () => fromBot(await t.activities(a)).length > before || undefined);
  }
  const login = (await (await fetch(`${b.base}/api/console/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent', password: 'agent pass' }) })).json()) as { token: string };
  const queue = (await (await fetch(`${a.base}/api/console/requests`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as { waiting: Array<{ id: string }> };
  if (!holiday) expect(queue.waiting.length).toBeGreaterThanOrEqual(1);
});
