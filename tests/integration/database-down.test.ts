/**
 * A database that is down at start, and one that goes away mid-conversation, seen through a
 * TCP relay to the machine's PostgreSQL that the test opens and cuts: the service answers
 * not-ready and retries with backoff (no crash loop), becomes ready when the database comes
 * back, refuses messages while it is gone (nothing half-written), and carries on afterwards.
 */
import * as net from 'net';
import { hashPassword } from '../../bot/console/accounts';
import { freshSchema, PG_TEST_URL } from '../helpers/pg';
import { freePort } from '../helpers/service-process';
import { tempDir } from '../helpers/bot-harness';
import { spawn } from 'child_process';
import * as path from 'path';
import { projectRoot } from '../../knowledge/paths';

jest.setTimeout(120_000);

/** A TCP relay that can be opened and cut. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly port: number, private readonly target: { host: string; port: number }) {}
  open(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
  }
  /** Stops listening and drops every connection: the database is gone. */
  cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

it('down at start: not ready and retrying, then ready; gone mid-conversation: the message refused, nothing half-written, then it carries on', async () => {
  const schema = await freshSchema('down');
  const target = new URL(PG_TEST_URL);
  const relay = new Relay(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
  const url = new URL(schema.url);
  url.hostname = '127.0.0.1';
  url.port = String(relay.port);
  const data = tempDir('down-');
  const port = await freePort();
  const root = projectRoot(__dirname);
  const env = { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: data.dir, DATABASE_URL: url.toString(), KB_WATCH: 'false', LONG_TAIL: 'false', DIRECT_LINE_SECRET: 'a-shared-direct-line-secret-for-tests', AGENT_ACCOUNTS: JSON.stringify([{ username: 'agent', name: 'A', passwordHash: hashPassword('x') }]) };
  const proc = spawn(process.execPath, [path.join(root, 'dist', 'bot', 'index.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const get = async (p: string) => {
    try {
      const r = await fetch(`${base}${p}`);
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    } catch {
      return { status: 0, json: {} };
    }
  };
  try {
    // Down at start: alive, not ready, saying why; the process keeps retrying.
    let ready = await get('/api/ready');
    for (let i = 0; i < 50 && ready.status === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await get('/api/ready');
    }
    expect(ready.status).toBe(503);
    expect(String(ready.json.reason)).toContain('database unreachable');
    expect((await get('/api/health')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    expect(proc.exitCode).toBeNull();
    const attempts = out.split('\n').filter((l) => l.includes('database unreachable at start; retrying'));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(attempts[1]!)).toMatchObject({ level: 'error', attempt: 2, retryInMs: 2000 });

    // The database comes back: the service starts and becomes ready.
    await relay.open();
    const end = Date.now() + 60_000;
    while ((await get('/api/ready')).status !== 200 && Date.now() < end) await new Promise((r) => setTimeout(r, 300));
    expect((await get('/api/ready')).status).toBe(200);

    // A person on the website; then the database goes away mid-conversation.
    const grant = (await (await fetch(`${base}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${grant.token}` };
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth });
    const say = (text: string) =>
      fetch(`${base}/v3/directline/conversations/${grant.conversationId}/activities`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text, locale: 'fr-FR' }) });
    expect((await say('jai perdu ma cg')).status).toBe(200);
    await relay.cut();
    const during = await say('renouveler mon titre de séjour');
    expect(during.status).toBeGreaterThanOrEqual(500); // refused, not half-written
    expect((await get('/api/ready')).status).toBe(503);
    expect((await get('/api/health')).status).toBe(200);
    expect(proc.exitCode).toBeNull();

    // Back: the conversation carries on, with its history intact and nothing doubled.
    await relay.open();
    const back = Date.now() + 30_000;
    while ((await get('/api/ready')).status !== 200 && Date.now() < back) await new Promise((r) => setTimeout(r, 300));
    expect((await say('jai perdu ma cg')).status).toBe(200);
    const acts = ((await (await fetch(`${base}/v3/directline/conversations/${grant.conversationId}/activities`, { headers: auth })).json()) as { activities: Array<{ id: string; text?: string; from: { id: string } }> }).activities;
    const ids = acts.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(acts.filter((a) => a.from.id.startsWith('dl_') && a.text === 'jai perdu ma cg')).toHaveLength(2);
    expect(acts.filter((a) => !a.from.id.startsWith('dl_') && Array.isArray((a as { attachments?: unknown[] }).attachments)).length).toBeGreaterThanOrEqual(2);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    await relay.cut();
    await schema.drop();
    data.cleanup();
  }
});
