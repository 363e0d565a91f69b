/**
 * The built-in Direct Line 3.0 channel, driven by Microsoft's own client
 * (`botframework-directlinejs`) over real HTTP and WebSocket, and by raw requests for the
 * refusals.
 */
import { ConnectionStatus, DirectLine } from 'botframework-directlinejs';
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { TokenService } from '../../bot/directline/tokens';
import { closingQuestion, startTestApp, suggestions, tempDir } from '../helpers/bot-harness';

/* eslint-disable @typescript-eslint/no-var-requires */
(global as any).XMLHttpRequest = require('xhr2');
(global as any).WebSocket = require('ws');

const fr = translator('fr');
const data = tempDir('dl-');
let app: App;
let base: string;

beforeAll(async () => {
  app = await startTestApp(data.dir, { TOKEN_RATE_PER_MINUTE: '1000' });
  base = `http://127.0.0.1:${app.port}`;
});
afterAll(async () => {
  await app.close();
  data.cleanup();
});

async function newToken(): Promise<{ token: string; conversationId: string; expires_in: number }> {
  const r = await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(r.status).toBe(200);
  return (await r.json()) as { token: string; conversationId: string; expires_in: number };
}

type Act = { id?: string; type: string; text?: string; from: { id: string }; attachments?: any[]; suggestedActions?: any };

/** Collects a client's activities; `until` resolves once a predicate holds. */
function collect(dl: DirectLine) {
  const seen: Act[] = [];
  const waiters: Array<{ pred: (a: Act[]) => boolean; resolve: () => void }> = [];
  const sub = dl.activity$.subscribe((a: any) => {
    seen.push(a as Act);
    for (const w of [...waiters]) if (w.pred(seen)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    seen,
    until(pred: (a: Act[]) => boolean, ms = 10000): Promise<void> {
      if (pred(seen)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout; seen: ${JSON.stringify(seen.map((s) => s.text ?? s.type))}`)), ms);
        waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
    stop: () => sub.unsubscribe(),
  };
}

function post(dl: DirectLine, text: string, locale = 'fr-FR'): Promise<string> {
  return new Promise((resolve, reject) => {
    dl.postActivity({ type: 'message', text, from: { id: 'ignored-by-channel' }, locale } as any).subscribe({ next: resolve, error: reject });
  });
}

const hasCard = (acts: Act[]) => acts.some((a) => a.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive');
/** The question closing an answer card, as the harness reads it from a connector's activity. */
const closing = (a: Act) => closingQuestion({ conversationId: '', activity: a });
/** An answer: the card closing on "did this help?", with the replies offered under it. */
const isAnswer = (a: Act) => closing(a) === fr('feedback.question');

describe.each([
  ['WebSocket', true],
  ['polling', false],
])('a conversation over %s', (_name, webSocket) => {
  it('starts, welcomes, answers with the card, and echoes the person\'s message with its id', async () => {
    const { token, conversationId } = await newToken();
    const dl = new DirectLine({ token, domain: `${base}/v3/directline`, webSocket, pollingInterval: 200 } as any);
    const c = collect(dl);
    try {
      await c.until((acts) => acts.some((a) => a.text?.startsWith(fr('welcome.text').slice(0, 20))));
      const id = await post(dl, "j'ai perdu ma carte grise");
      expect(id).toContain(conversationId);
      await c.until((acts) => hasCard(acts) && acts.some(isAnswer));
      const answer = c.seen.find(isAnswer)!;
      expect(answer.text).toBeUndefined();
      expect(suggestions({ conversationId: '', activity: answer })).toEqual([fr('feedback.yes'), fr('feedback.no')]);
      const echo = c.seen.find((a) => a.id === id);
      expect(echo?.text).toBe("j'ai perdu ma carte grise");
      expect(echo?.from.id).toMatch(/^dl_/);
      expect((dl as any).conversationId).toBe(conversationId);
    } finally {
      c.stop();
      dl.end();
    }
  });
});

it('resumes a conversation from its watermark, and keeps everything across a restart', async () => {
  const { token, conversationId } = await newToken();
  const first = new DirectLine({ token, domain: `${base}/v3/directline`, webSocket: true } as any);
  const c1 = collect(first);
  await c1.until((acts) => acts.length >= 1);
  await post(first, 'jai perdu ma cg');
  await c1.until((acts) => acts.some(isAnswer));
  c1.stop();
  first.end();

  const all = await (await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } })).json() as { activities: Act[]; watermark: string };
  // The welcome, the person's message and the answer (one activity, closing on "did this help?").
  expect(all.activities.length).toBeGreaterThanOrEqual(3);
  expect(isAnswer(all.activities[all.activities.length - 1]!)).toBe(true);
  const watermark = String(Number(all.watermark) - 2);

  await app.close();
  app = await startTestApp(data.dir, { TOKEN_RATE_PER_MINUTE: '1000' });
  base = `http://127.0.0.1:${app.port}`;

  const resumed = new DirectLine({ token, conversationId, watermark, domain: `${base}/v3/directline`, webSocket: true } as any);
  const c2 = collect(resumed);
  try {
    await c2.until((acts) => acts.length >= 2);
    expect(c2.seen.map((a) => a.id)).toEqual(all.activities.slice(-2).map((a) => a.id));
    await post(resumed, 'merci');
    await c2.until((acts) => acts.some((a) => a.text === fr('feedback.thanks') || (a.text ?? '').startsWith(fr('smalltalk.thanks'))));
  } finally {
    c2.stop();
    resumed.end();
  }
});

describe('tokens', () => {
  it('refreshes a token for the same conversation', async () => {
    const { token, conversationId } = await newToken();
    const r = await fetch(`${base}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { token: string; conversationId: string; expires_in: number };
    expect(body.conversationId).toBe(conversationId);
    expect(body.token).not.toBe(token);
    expect(body.expires_in).toBeGreaterThan(0);
    const start = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${body.token}` } });
    expect(start.status).toBe(201);
  });

  it('generates tokens with the secret only', async () => {
    const ok = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${app.directLineSecret}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ conversationId: expect.any(String), token: expect.any(String), expires_in: expect.any(Number) });
    expect((await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: 'Bearer wrong-secret' } })).status).toBe(403);
  });

  it('refuses missing (401), forged, expired and other-conversation tokens (403), everywhere', async () => {
    const a = await newToken();
    const b = await newToken();
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${b.token}` } });
    const [payload, sig] = a.token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, conv: b.conversationId })).toString('base64url')}.${sig}`;
    const expired = new TokenService(app.directLineSecret, 60, () => Date.now() - 3600_000).issue(a.conversationId, claims.user).token;
    const url = (id: string) => `${base}/v3/directline/conversations/${id}/activities`;
    const cases: Array<[string, RequestInit, number]> = [
      [url(a.conversationId), {}, 401],
      [url(b.conversationId), { headers: { authorization: `Bearer ${a.token}` } }, 403],
      [url(b.conversationId), { headers: { authorization: `Bearer ${forged}` } }, 403],
      [url(a.conversationId), { headers: { authorization: `Bearer ${expired}` } }, 403],
      [url(a.conversationId), { headers: { authorization: 'Bearer garbage' } }, 403],
      [url(b.conversationId), { method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'x' }) }, 403],
      [`${base}/v3/directline/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${expired}` } }, 403],
    ];
    for (const [u, init, status] of cases) {
      const r = await fetch(u, init);
      expect({ u, status: r.status }).toEqual({ u, status });
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.message.length).toBeGreaterThan(5);
    }
    const bActivities = (await (await fetch(url(b.conversationId), { headers: { authorization: `Bearer ${b.token}` } })).json()) as { activities: Act[] };
    expect(bActivities.activities.some((x) => x.text === 'x')).toBe(false);
  });

  it('refuses a stream for another conversation', async () => {
    const a = await newToken();
    const b = await newToken();
    const WS = require('ws');
    const status = await new Promise<number>((resolve) => {
      const ws = new WS(`ws://127.0.0.1:${app.port}/v3/directline/conversations/${b.conversationId}/stream?t=${a.token}`);
      ws.on('unexpected-response', (_req: unknown, res: { statusCode: number }) => resolve(res.statusCode));
      ws.on('open', () => resolve(101));
    });
    expect(status).toBe(403);
  });
});

describe('bad requests', () => {
  it('answers malformed JSON, wrong content types, unknown conversations and oversized bodies clearly', async () => {
    const { token, conversationId } = await newToken();
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const url = `${base}/v3/directline/conversations/${conversationId}/activities`;
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"type":' })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'hello' })).status).toBe(415);
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'deleteEverything' }) })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'x'.repeat(400 * 1024) }) })).status).toBe(413);
    const unknown = await fetch(`${base}/v3/directline/conversations/dl-nope/activities`, { headers: { authorization: `Bearer ${app.directLineSecret}` } });
    expect(unknown.status).toBe(404);
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
  });

  it('a client that disconnects mid-stream loses nothing: its reply waits for it', async () => {
    const { token, conversationId } = await newToken();
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    const WS = require('ws');
    const ws = new WS(`ws://127.0.0.1:${app.port}/v3/directline/conversations/${conversationId}/stream?t=${token}`);
    await new Promise((r) => ws.on('open', r));
    ws.terminate();
    const r = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'jai perdu ma cg' }) });
    expect(r.status).toBe(200);
    const later = (await (await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } })).json()) as { activities: Act[] };
    expect(later.activities.some(isAnswer)).toBe(true);
  });

  it('rate-limits the page\'s token route per address', async () => {
    const limited = tempDir('dl-rl-');
    const small = await startTestApp(limited.dir, { TOKEN_RATE_PER_MINUTE: '4' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await fetch(`http://127.0.0.1:${small.port}/api/directline/token`, { method: 'POST' })).status);
      expect(statuses[0]).toBe(200);
      expect(statuses).toContain(429);
    } finally {
      await small.close();
      limited.cleanup();
    }
  });

  it('a person who floods messages gets 429 with a clear message, and the service goes on', async () => {
    const limited = tempDir('dl-flood-');
    const small = await startTestApp(limited.dir, { ACTIVITY_RATE_PER_MINUTE: '6' });
    try {
      const url = `http://127.0.0.1:${small.port}`;
      const { token, conversationId } = (await (await fetch(`${url}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
      await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const results: Array<{ status: number; body: any }> = [];
      for (let i = 0; i < 10; i++) {
        const r = await fetch(`${url}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: `message ${i}` }) });
        results.push({ status: r.status, body: await r.json() });
      }
      const refused = results.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      // A kind message in the person's language (French by default), and when to retry.
      expect(refused[0]!.body.error.message).toBe(fr('error.tooFast', { seconds: refused[0]!.body.error.retryAfterSeconds }));
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
    } finally {
      await small.close();
      limited.cleanup();
    }
  });

  it('survives thousands of polls, delivering nothing to the wrong conversation', async () => {
    const a = await newToken();
    const b = await newToken();
    for (const t of [a, b]) await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${t.token}` } });
    await fetch(`${base}/v3/directline/conversations/${a.conversationId}/activities`, { method: 'POST', headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'secret de a' }) });
    const polls = await Promise.all(Array.from({ length: 2000 }, () => fetch(`${base}/v3/directline/conversations/${b.conversationId}/activities?watermark=0`, { headers: { authorization: `Bearer ${b.token}` } }).then(async (r) => ({ status: r.status, body: await r.text() }))));
    expect(polls.every((p) => p.status === 200 || p.status === 429)).toBe(true);
    expect(polls.some((p) => p.body.includes('secret de a'))).toBe(false);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});

it('Microsoft\'s client reports itself online', async () => {
  const { token } = await newToken();
  const dl = new DirectLine({ token, domain: `${base}/v3/directline`, webSocket: true } as any);
  // The client connects when someone listens to its activities.
  const sub = dl.activity$.subscribe(() => undefined);
  const online = await new Promise<boolean>((resolve) => {
    const sub = dl.connectionStatus$.subscribe((s: ConnectionStatus) => {
      if (s === ConnectionStatus.Online) {
        sub.unsubscribe();
        resolve(true);
      }
    });
    setTimeout(() => resolve(false), 10000);
  });
  sub.unsubscribe();
  dl.end();
  expect(online).toBe(true);
});
