/**
 * Operating the service: liveness and readiness, Prometheus metrics, request ids in JSON
 * log lines without personal data, and a graceful shutdown that finishes the turn in flight.
 */
import { createLogger } from '../../bot/logger';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { closingQuestion, postRaw, startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';

let stub: ConnectorStub;
beforeAll(async () => {
  stub = await startConnectorStub();
});
afterAll(async () => {
  await stub.close();
});

it('health, readiness, metrics and request ids; logs carry the request id, never the conversation id or the message', async () => {
  const data = tempDir('ops-');
  const lines: string[] = [];
  const app = await startTestApp(data.dir, { METRICS_TOKEN: 'scrape-me', LONG_TAIL: 'false' }, createLogger('debug', (l) => lines.push(l)));
  try {
    const base = `http://127.0.0.1:${app.port}`;
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const ready = await fetch(`${base}/api/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{20,}$/);

    const c = new TestConversation(app, stub);
    await c.say('jai perdu ma cg', 1);
    await c.say('écrivez-moi à marie.dupont@example.org', 1);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-me' } })).text();
    expect(metrics).toMatch(/bot_turns_total\{channel="test"\} [1-9]/);
    expect(metrics).toMatch(/bot_decisions_total\{decision="answer"\} [1-9]/);
    expect(metrics).toMatch(/http_request_duration_seconds_count\{method="POST",route="\/api\/messages",status="200"\} [1-9]/);
    expect(metrics).toContain('handoff_queue_length 0');
    expect(metrics).toMatch(/knowledge_revision 1/);

    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.some((r) => r.msg === 'request' && typeof r.requestId === 'string' && r.route === '/api/messages')).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(c.id);
    expect(all).not.toContain('marie.dupont');
    expect(all).not.toContain('jai perdu ma cg');
    expect(all).not.toContain('écrivez-moi');

    // Storage gone: not ready (the load balancer stops sending), still alive.
    await app.storage.close();
    expect((await fetch(`${base}/api/ready`)).status).toBe(503);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  } finally {
    await app.close();
    data.cleanup();
  }
});

it('a graceful stop finishes the turn in flight, then refuses new requests', async () => {
  const data = tempDir('ops-');
  const app = await startTestApp(data.dir, { LONG_TAIL: 'false' });
  const c = new TestConversation(app, stub);
  const from = stub.sent.length;
  const posted = postRaw(app, JSON.stringify(c.activity({ text: 'jai perdu ma cg' })));
  const end = Date.now() + 5000;
  while (app.turnsInFlight() === 0 && Date.now() < end) await new Promise((r) => setImmediate(r));
  expect(app.turnsInFlight()).toBe(1);
  const closing = app.close();
  expect((await posted).status).toBe(200);
  // The whole answer went out before the stop: the card, closing on "did this help?".
  const replies = await stub.waitFor(c.id, 1, from);
  expect(replies).toHaveLength(1);
  expect(closingQuestion(replies[0]!)).toBeDefined();
  await closing;
  expect(app.turnsInFlight()).toBe(0);
  await expect(fetch(`http://127.0.0.1:${app.port}/api/health`)).rejects.toThrow();
  data.cleanup();
});

it('ranks messages on the search thread once it has built the base and other turns are in progress, with the same answers; SEARCH_THREAD=false ranks on the main thread', async () => {
  const rankings = async (base: string, where: string): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer scrape-me' } })).text();
    return Number(new RegExp(`bot_rankings_total\\{where="${where}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };
  for (const threaded of [true, false]) {
    const data = tempDir('ops-thread-');
    const app = await startTestApp(data.dir, { METRICS_TOKEN: 'scrape-me', LONG_TAIL: 'false', SEARCH_THREAD: String(threaded) });
    try {
      const base = `http://127.0.0.1:${app.port}`;
      // The thread builds its base after the start; until then, and for a turn handled alone,
      // messages are ranked in place. Eight conversations at once, until some went to the thread.
      const deadline = Date.now() + 20_000;
      do {
        const replies = await Promise.all(Array.from({ length: 8 }, () => new TestConversation(app, stub).say('jai perdu ma cg', 1)));
        // Wherever it is ranked, the answer is the lost registration certificate's card.
        for (const [reply] of replies) expect(JSON.stringify(reply)).toContain('vosdroits/F1726');
        if (!threaded && (await rankings(base, 'main')) >= 3) break;
        await new Promise((r) => setTimeout(r, 50));
      } while ((await rankings(base, 'thread')) < 3 && Date.now() < deadline);
      if (threaded) expect(await rankings(base, 'thread')).toBeGreaterThanOrEqual(3);
      else {
        expect(await rankings(base, 'thread')).toBe(0);
        expect(await rankings(base, 'main')).toBeGreaterThanOrEqual(3);
      }
    } finally {
      await app.close();
      data.cleanup();
    }
  }
}, 60_000);
