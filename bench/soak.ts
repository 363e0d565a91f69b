/**
 * A bounded soak: the service (in a child process, as the benchmarks start it) under steady
 * load on loopback for SOAK_MINUTES (default 10) — conversations over `/api/messages` with
 * the Bot Connector stub, and Direct Line conversations over WebSockets — sampling each
 * minute its memory (heap, RSS, after forced collections) and the latency (p50, p99) of the
 * turns completed in that minute. It reports whether memory and latency are stable (last
 * minute against the second, and the linear trend from the second minute on) and writes
 * `bench/soak-results.json`. Measured, not timed: it is never part of `npm test`.
 *
 *   npm run soak                  # 10 minutes
 *   SOAK_MINUTES=1 npm run soak   # a short run while developing
 *
 * Load settings: SOAK_HTTP_WORKERS (default 6) conversations at a time over /api/messages,
 * each waiting SOAK_THINK_MS (default 100) between turns; SOAK_SOCKETS (default 12) Direct
 * Line conversations with a WebSocket each, one message every SOAK_DL_INTERVAL_MS (default
 * 1500); every conversation is replaced by a new one after 5 turns (tokens, sockets and
 * stored conversations come and go).
 */
import * as fs from 'fs';
import * as path from 'path';
import WebSocket from 'ws';
import { latency } from './common';
import { benchTexts, conversations, json, Memory, now, request, round, serve, sleep, startReplyStub, tempDir } from './kit';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const HTTP_WORKERS = Number(process.env.SOAK_HTTP_WORKERS ?? 6);
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 100);
const SOCKETS = Number(process.env.SOAK_SOCKETS ?? 12);
const DL_INTERVAL_MS = Number(process.env.SOAK_DL_INTERVAL_MS ?? 1500);
const TURNS_PER_CONVERSATION = 5;
const OUT = path.join(__dirname, '..', '..', 'bench', 'soak-results.json');

/** One minute of the soak. */
interface MinuteSample {
  minute: number;
  heapUsedMB: number;
  rssMB: number;
  http: { turns: number; errors: number; p50: number; p99: number };
  directLine: { turns: number; errors: number; p50: number; p99: number };
  sockets: number;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const num = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** A Direct Line conversation over a WebSocket: `say` resolves with the time to the bot's first reply. */
async function directLineClient(base: string): Promise<{ say(text: string): Promise<number>; close(): void }> {
  const grant = json<{ token: string; conversationId: string }>(await request('POST', `${base}/api/directline/token`, '{}'));
  if (!grant) throw new Error('no Direct Line token');
  const auth = { authorization: `Bearer ${grant.token}` };
  const started = json<{ streamUrl: string }>(await request('POST', `${base}/v3/directline/conversations`, '{}', auth));
  if (!started?.streamUrl) throw new Error('no stream URL');
  const ws = new WebSocket(started.streamUrl);
  // The welcome comes first (it may come in the same packet as the handshake, so the
  // listener is there before the socket opens): wait for it, so that it is not taken for the
  // first answer.
  let waiting: (() => void) | undefined;
  const welcomed = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    waiting = () => (clearTimeout(timer), resolve());
  });
  ws.on('message', (data) => {
    const text = data.toString();
    if (!text) return;
    const frame = JSON.parse(text) as { activities?: Array<{ from?: { id?: string }; type?: string }> };
    if (waiting && frame.activities?.some((a) => a.from?.id === 'bot' && a.type === 'message')) {
      const w = waiting;
      waiting = undefined;
      w();
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  await welcomed;
  waiting = undefined;
  return {
    async say(text) {
      const t0 = now();
      const replied = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply on the stream within 30 s')), 30_000);
        waiting = () => (clearTimeout(timer), resolve());
      });
      const r = await request('POST', `${base}/v3/directline/conversations/${grant.conversationId}/activities`, JSON.stringify({ type: 'message', text, locale: 'fr-FR', from: { id: 'x' } }), auth);
      if (r.status !== 200) throw new Error(`Direct Line post answered ${r.status}`);
      await replied;
      return now() - t0;
    },
    close: () => ws.close(),
  };
}

async function main(): Promise<void> {
  const data = tempDir('soak-');
  const stub = await startReplyStub();
  const server = await serve('bot', { DATA_DIR: data.dir, LONG_TAIL: 'true' });
  const texts = benchTexts();
  const http = conversations([server.base], stub, texts, 'soak');
  const end = now() + MINUTES * 60_000;
  const minute = { http: [] as number[], httpErrors: 0, dl: [] as number[], dlErrors: 0 };
  const errors: string[] = [];
  const note = (err: unknown) => {
    if (errors.length < 10) errors.push((err as Error).message);
  };
  let openSockets = 0;

  const httpWorker = async (w: number): Promise<void> => {
    while (now() < end) {
      try {
        minute.http.push(await http.turn(w));
      } catch (err) {
        minute.httpErrors++;
        note(err);
      }
      await sleep(THINK_MS);
    }
  };
  const dlWorker = async (w: number): Promise<void> => {
    // Spread the clients' starts over one interval.
    await sleep((DL_INTERVAL_MS * w) / Math.max(1, SOCKETS));
    while (now() < end) {
      let client: Awaited<ReturnType<typeof directLineClient>> | undefined;
      try {
        client = await directLineClient(server.base);
        openSockets++;
        for (let i = 0; i < TURNS_PER_CONVERSATION && now() < end; i++) {
          const t0 = now();
          try {
            minute.dl.push(await client.say(texts[(w * 7 + i) % texts.length]!.text));
          } catch (err) {
            minute.dlErrors++;
            note(err);
          }
          await sleep(Math.max(0, DL_INTERVAL_MS - (now() - t0)));
        }
      } catch (err) {
        minute.dlErrors++;
        note(err);
        await sleep(DL_INTERVAL_MS);
      } finally {
        if (client) {
          client.close();
          openSockets--;
        }
      }
    }
  };

  const samples: MinuteSample[] = [];
  const sampler = (async () => {
    for (let m = 1; m <= MINUTES; m++) {
      await sleep(Math.max(0, end - (MINUTES - m) * 60_000 - now()));
      const h = latency(minute.http.splice(0));
      const d = latency(minute.dl.splice(0));
      const mem: Memory = await server.memory();
      const s: MinuteSample = {
        minute: m,
        heapUsedMB: round(mem.heapUsed / 2 ** 20, 1),
        rssMB: round(mem.rss / 2 ** 20, 1),
        http: { turns: h.count, errors: minute.httpErrors, p50: round(h.p50, 1), p99: round(h.p99, 1) },
        directLine: { turns: d.count, errors: minute.dlErrors, p50: round(d.p50, 1), p99: round(d.p99, 1) },
        sockets: openSockets,
      };
      minute.httpErrors = 0;
      minute.dlErrors = 0;
      samples.push(s);
      // eslint-disable-next-line no-console
      console.log(JSON.stringify(s));
    }
  })();
  await Promise.all([...Array.from({ length: HTTP_WORKERS }, (_, w) => httpWorker(w)), ...Array.from({ length: SOCKETS }, (_, w) => dlWorker(w)), sampler]);

  // Stability: the first minute is the warm-up (caches, JIT); compare the last to the second
  // and fit a line from the second minute on.
  const steady = samples.length > 2 ? samples.slice(1) : samples;
  const first = steady[0]!;
  const last = steady[steady.length - 1]!;
  const xs = steady.map((s) => s.minute);
  const heapSlope = slope(xs, steady.map((s) => s.heapUsedMB));
  const rssSlope = slope(xs, steady.map((s) => s.rssMB));
  const p99Slope = slope(xs, steady.map((s) => s.http.p99));
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : NaN);
  const heapRatio = ratio(last.heapUsedMB, first.heapUsedMB);
  const p99Ratio = ratio(last.http.p99, first.http.p99);
  const dlP99Ratio = ratio(last.directLine.p99, first.directLine.p99);
  const totalErrors = samples.reduce((a, s) => a + s.http.errors + s.directLine.errors, 0);
  // Stable: the heap and RSS do not keep growing (under 2 MB a minute, the last minute within
  // 25 % of the second), the p99 does not drift (last within 2x of the second), no errors.
  const stable = {
    memory: heapSlope < 2 && rssSlope < 4 && heapRatio < 1.25,
    latency: p99Ratio < 2 && (Number.isNaN(dlP99Ratio) || dlP99Ratio < 2),
    errors: totalErrors === 0,
  };
  const report = {
    name: 'soak',
    date: new Date().toISOString(),
    node: process.version,
    minutes: MINUTES,
    load: { httpWorkers: HTTP_WORKERS, thinkMs: THINK_MS, directLineSockets: SOCKETS, directLineIntervalMs: DL_INTERVAL_MS, turnsPerConversation: TURNS_PER_CONVERSATION },
    samples,
    summary: {
      httpTurns: samples.reduce((a, s) => a + s.http.turns, 0),
      directLineTurns: samples.reduce((a, s) => a + s.directLine.turns, 0),
      errors: totalErrors,
      errorSamples: errors,
      heapMB: { second: first.heapUsedMB, last: last.heapUsedMB, ratio: heapRatio, slopePerMinute: round(heapSlope, 2) },
      rssMB: { second: first.rssMB, last: last.rssMB, slopePerMinute: round(rssSlope, 2) },
      httpP99ms: { second: first.http.p99, last: last.http.p99, ratio: p99Ratio, slopePerMinute: round(p99Slope, 2) },
      directLineP99ms: { second: first.directLine.p99, last: last.directLine.p99, ratio: dlP99Ratio },
      stable,
    },
  };
  fs.writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
  // eslint-disable-next-line no-console
  console.log(JSON.stringify(report.summary, null, 2));
  await server.close();
  await stub.close();
  data.cleanup();
}

main().catch((err) => {
  // eslint-disable-next-line no-console
  console.error(err);
  process.exit(1);
});
