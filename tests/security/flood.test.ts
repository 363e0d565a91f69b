/**
 * Abuse resistance, behaviourally: a client flooding one conversation from one address gets
 * 429s with Retry-After and a kind message, while another conversation is still served; the
 * turn backlog of a conversation is bounded; a Bot Connector that never answers cannot hold
 * a turn; the WebSocket streams are bounded (per conversation, frame size, dead peers, slow
 * readers). No timing thresholds: only that each thing happens.
 */
import * as http from 'http';
import { EventEmitter } from 'events';
import { AddressInfo } from 'net';
import WebSocket from 'ws';
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { silentLogger } from '../../bot/logger';
import { SocketHub } from '../../bot/directline/socket-hub';
import { InFlightLimit, RateLimiter } from '../../bot/rate-limit';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';

jest.setTimeout(90_000);

const fr = translator('fr');

/** Posts an activity as if from `ip` (the service trusts one proxy in these tests). */
async function postFrom(app: App, ip: string, activity: Record<string, unknown>): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const r = await fetch(`http://127.0.0.1:${app.port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify(activity),
  });
  const text = await r.text();
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: text ? JSON.parse(text) : undefined };
}

function activity(stub: { url: string }, conversationId: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: `a-${Math.random().toString(36).slice(2)}`,
    channelId: 'test',
    serviceUrl: stub.url,
    conversation: { id: conversationId },
    from: { id: 'u', name: 'Usager' },
    recipient: { id: 'bot' },
    locale: 'fr-FR',
    text,
  };
}

describe('one client flooding /api/messages', () => {
  const data = tempDir('flood-');
  let app: App;
  let stub: ConnectorStub;
  beforeAll(async () => {
    stub = await startConnectorStub();
    app = await startTestApp(data.dir, { TRUST_PROXY: '1', MESSAGE_RATE_PER_MINUTE: '20', MESSAGE_IP_RATE_PER_MINUTE: '40' });
  });
  afterAll(async () => {
    await app.close();
    await stub.close();
    data.cleanup();
  });

  it('gets 429s with Retry-After and a kind message, while another conversation is still answered', async () => {
    const flooder = `flood-${Date.now()}`;
    const statuses: number[] = [];
    const refusals: Array<{ retryAfter: string | null; body: any }> = [];
    let stop = false;
    const flood = (async () => {
      while (!stop) {
        const batch = await Promise.all(Array.from({ length: 20 }, () => postFrom(app, '203.0.113.7', activity(stub, flooder, 'carte grise'))));
        for (const r of batch) {
          statuses.push(r.status);
          if (r.status === 429) refusals.push(r);
        }
        if (statuses.length >= 400) break;
      }
    })();
    // Meanwhile, another person (another address, another conversation) asks a question.
    const other = new TestConversation(app, stub);
    const from = stub.sent.length;
    const r = await postFrom(app, '198.51.100.2', other.activity({ text: "j'ai perdu ma carte grise" }));
    expect(r.status).toBe(200);
    const replies = await stub.waitFor(other.id, 1, from, 60_000);
    expect(replies.length).toBeGreaterThan(0);
    stop = true;
    await flood;

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(refusals.length).toBeGreaterThan(0);
    for (const x of refusals) {
      expect(Number(x.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(x.body.error.code).toBe('TooManyRequests');
      expect(x.body.error.retryAfterSeconds).toBe(Number(x.retryAfter));
      expect(x.body.error.message).toBe(fr('error.tooFast', { seconds: x.body.error.retryAfterSeconds }));
    }
    // The flooder's conversation works again once it slows down (its bucket refills).
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('limits one address across many conversations (unauthenticated endpoint)', async () => {
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => postFrom(app, '203.0.113.99', activity(stub, `spread-${Date.now()}-${i}`, 'bonjour'))));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(limited[0]!.retryAfter).toMatch(/^\d+$/);
  });

  it('answers in the language of the activity', async () => {
    const conv = `en-${Date.now()}`;
    let last: { status: number; body: any } | undefined;
    for (let i = 0; i < 30 && last?.status !== 429; i++) last = await postFrom(app, `192.0.2.${i + 1}`, { ...activity(stub, conv, 'hello'), locale: 'en-GB' });
    expect(last?.status).toBe(429);
    expect(last?.body.error.message).toBe(translator('en')('error.tooFast', { seconds: last?.body.error.retryAfterSeconds }));
  });
});

describe('the public read routes', () => {
  const data = tempDir('public-');
  let app: App;
  beforeAll(async () => {
    app = await startTestApp(data.dir, { TRUST_PROXY: '1', PUBLIC_RATE_PER_MINUTE: '20', LONG_TAIL: 'false' });
  });
  afterAll(async () => {
    await app.close();
    data.cleanup();
  });

  it('limit one address hammering the indicators and pages (PUBLIC_RATE_PER_MINUTE), not the others', async () => {
    const get = (path: string, ip: string) => fetch(`http://127.0.0.1:${app.port}${path}`, { headers: { 'x-forwarded-for': ip, 'accept-language': 'fr-FR' } });
    const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => get(i % 2 ? '/api/indicators?period=day' : '/indicateurs', '203.0.113.80')));
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(rs.filter((r) => r.status >= 500)).toEqual([]);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    const body = (await limited[0]!.json()) as any;
    expect(body.error.message).toBe(fr('error.tooFast', { seconds: body.error.retryAfterSeconds }));
    expect((await get('/api/indicators?period=day', '198.51.100.80')).status).toBe(200);
    // The service's own routes are not counted (health, Direct Line have their own limits).
    expect((await get('/api/health', '203.0.113.80')).status).toBe(200);
  });
});

/** A Bot Connector stub that answers after `delayMs`, or never (`delayMs` < 0). */
async function slowConnector(delayMs: number): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    hits++;
    req.resume();
    if (delayMs < 0) {
      held.push(res);
      return;
    }
    setTimeout(() => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: `slow-${hits}` }));
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('bounded work per conversation and timeouts on the Bot Connector', () => {
  const data = tempDir('backlog-');
  let app: App;
  beforeAll(async () => {
    app = await startTestApp(data.dir, { MESSAGE_RATE_PER_MINUTE: '100000', MESSAGE_IP_RATE_PER_MINUTE: '100000', MAX_TURNS_PER_CONVERSATION: '2', CONNECTOR_TIMEOUT_SECONDS: '1' });
  });
  afterAll(async () => {
    await app.close();
    data.cleanup();
  });

  it('refuses turns beyond the backlog of one conversation with 429 "busy", and serves the others', async () => {
    const slow = await slowConnector(1500);
    try {
      const conv = `busy-${Date.now()}`;
      const results = await Promise.all(Array.from({ length: 12 }, () => postFrom(app, '127.0.0.1', activity(slow, conv, 'carte grise'))));
      const busy = results.filter((r) => r.status === 429);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0]!.body.error.message).toBe(fr('error.busy'));
      expect(busy[0]!.retryAfter).toMatch(/^\d+$/);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status >= 500)).toEqual([]);
      // Another conversation is not affected by that backlog.
      const other = await postFrom(app, '127.0.0.1', activity(slow, `calm-${Date.now()}`, 'carte grise'));
      expect(other.status).toBe(200);
    } finally {
      await slow.close();
    }
  });

  it('gives up on a Bot Connector that never answers (CONNECTOR_TIMEOUT_SECONDS), freeing the turn', async () => {
    const dead = await slowConnector(-1);
    try {
      const r = await postFrom(app, '127.0.0.1', activity(dead, `dead-${Date.now()}`, 'carte grise'));
      // The request is answered (the turn ended: its reply and the apology both timed out).
      expect(r.status).toBeLessThan(600);
      expect(dead.hits()).toBeGreaterThan(0);
      expect(app.turnsInFlight()).toBe(0);
    } finally {
      await dead.close();
    }
  });
});

describe('Direct Line under a flood', () => {
  const data = tempDir('dlflood-');
  let app: App;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp(data.dir, { TRUST_PROXY: '1', TOKEN_RATE_PER_MINUTE: '10', ACTIVITY_RATE_PER_MINUTE: '30', WS_MAX_PER_CONVERSATION: '2' });
    base = `http://127.0.0.1:${app.port}`;
  });
  afterAll(async () => {
    await app.close();
    data.cleanup();
  });

  const token = (ip: string) => fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{}' });

  it('limits new conversations per address with 429, Retry-After and a kind message', async () => {
    const rs = await Promise.all(Array.from({ length: 15 }, () => token('203.0.113.50')));
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const body = (await limited[0]!.json()) as any;
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(body.error.message).toBe(fr('error.tooManyConversations', { seconds: body.error.retryAfterSeconds }));
    // Another address still starts a conversation.
    expect((await token('198.51.100.50')).status).toBe(200);
  });

  it('a flooding conversation gets 429s while another conversation still gets its reply', async () => {
    const a = (await (await token('203.0.113.60')).json()) as { token: string; conversationId: string };
    const b = (await (await token('198.51.100.60')).json()) as { token: string; conversationId: string };
    const postTo = (g: { token: string; conversationId: string }, text: string) =>
      fetch(`${base}/v3/directline/conversations/${g.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${g.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text, from: { id: 'x' }, locale: 'fr-FR' }),
      });
    const flood = Promise.all(Array.from({ length: 80 }, () => postTo(a, 'carte grise')));
    const mine = await postTo(b, "j'ai perdu ma carte grise");
    expect(mine.status).toBe(200);
    const after = await fetch(`${base}/v3/directline/conversations/${b.conversationId}/activities`, { headers: { authorization: `Bearer ${b.token}` } });
    const acts = ((await after.json()) as { activities: Array<{ from: { id: string } }> }).activities;
    expect(acts.some((x) => x.from.id === 'bot')).toBe(true);
    const rs = await flood;
    expect(rs.filter((r) => r.status >= 500)).toEqual([]);
    const limited = rs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited[0]!.json()) as any).error.code).toBe('TooManyRequests');
  });

  it('bounds the streams of one conversation and the frame size', async () => {
    const g = (await (await token('198.51.100.70')).json()) as { token: string; conversationId: string };
    const url = `ws://127.0.0.1:${app.port}/v3/directline/conversations/${g.conversationId}/stream?t=${encodeURIComponent(g.token)}`;
    const open = (): Promise<WebSocket | number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
    const first = await open();
    const second = await open();
    const third = await open();
    expect(first).toBeInstanceOf(WebSocket);
    expect(second).toBeInstanceOf(WebSocket);
    expect(third).toBe(429);
    // A frame over the payload limit closes that socket (1009), not the service.
    const ws = first as WebSocket;
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(200 * 1024));
    expect(await closed).toBe(1009);
    (second as WebSocket).close();
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('refuses a malformed stream URL without failing', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${app.port}/v3/directline/conversations/%E0%A4%A/stream?t=x`);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    expect([400, 403, 404]).toContain(status);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});

/** A stand-in for a `ws` socket, to drive the hub's keep-alive and back-pressure rules. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(frame: string): void {
    this.sent.push(frame);
  }
  ping(): void {}
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  close(): void {
    this.terminate();
  }
}

describe('the socket hub', () => {
  it('disconnects a client that does not read (its send queue over WS_MAX_BUFFERED_BYTES)', () => {
    const hub = new SocketHub(silentLogger, { perConversation: 5, total: 10, keepAliveSeconds: 3600, maxBufferedBytes: 1000 });
    const slow = new FakeSocket();
    const fine = new FakeSocket();
    hub.add('c', slow as unknown as WebSocket);
    hub.add('c', fine as unknown as WebSocket);
    slow.bufferedAmount = 5000;
    hub.push('c', [{ type: 'message', text: 'hello' }], 1);
    expect(slow.terminated).toBe(true);
    expect(fine.sent).toHaveLength(1);
    expect(hub.size).toBe(1);
    hub.closeAll();
  });

  it('closes a stream that answers no keep-alive ping (WS_PING_SECONDS), keeps one that does', () => {
    jest.useFakeTimers();
    try {
      const hub = new SocketHub(silentLogger, { perConversation: 5, total: 10, keepAliveSeconds: 1, maxBufferedBytes: 1 << 20 });
      const dead = new FakeSocket();
      const live = new FakeSocket();
      live.ping = () => void live.emit('pong');
      hub.add('c', dead as unknown as WebSocket);
      hub.add('c', live as unknown as WebSocket);
      jest.advanceTimersByTime(3000);
      expect(dead.terminated).toBe(true);
      expect(live.terminated).toBe(false);
      expect(hub.size).toBe(1);
      hub.closeAll();
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses sockets beyond the total (WS_MAX_TOTAL)', () => {
    const hub = new SocketHub(silentLogger, { perConversation: 5, total: 2, keepAliveSeconds: 3600, maxBufferedBytes: 1 << 20 });
    hub.add('a', new FakeSocket() as unknown as WebSocket);
    hub.add('b', new FakeSocket() as unknown as WebSocket);
    expect(hub.canAccept('c')).toBe(false);
    hub.closeAll();
  });
});

describe('the limiters', () => {
  it('a token bucket refuses past its burst, says when to retry, and refills', () => {
    let t = 0;
    const l = new RateLimiter(2, 60, () => t);
    expect([l.take('k'), l.take('k'), l.take('k')]).toEqual([true, true, false]);
    expect(l.retryAfterSeconds('k')).toBe(1);
    expect(l.take('other')).toBe(true);
    t += 1000;
    expect(l.take('k')).toBe(true);
  });

  it('a token bucket remembers a bounded number of keys (a flood of distinct keys)', () => {
    let t = 0;
    const l = new RateLimiter(2, 60, () => t, 500);
    for (let i = 0; i < 20000; i++) {
      t += 1;
      l.take(`conv-${i}`);
    }
    expect(l.size).toBeLessThanOrEqual(500);
    // The most recent keys are still counted.
    l.take('conv-19999');
    expect(l.take('conv-19999')).toBe(false);
  });

  it('the in-flight bound counts per key', () => {
    const b = new InFlightLimit(1);
    expect(b.enter('x')).toBe(true);
    expect(b.enter('x')).toBe(false);
    expect(b.enter('y')).toBe(true);
    b.leave('x');
    expect(b.enter('x')).toBe(true);
  });
});
