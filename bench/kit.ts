/**
 * What the service benchmarks share (beyond `common.ts`): the service in a child process of
 * its own (so that the load generator and the stub do not share its event loop), a Bot
 * Connector stub that timestamps every reply as it arrives, keep-alive HTTP calls, the
 * realistic messages of the evaluation set, and a closed-loop load runner.
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import { AddressInfo } from 'net';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { projectRoot } from '../knowledge/paths';

/** Milliseconds on a monotonic clock shared by the load generator and the stub. */
export const now = (): number => performance.now();

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// HTTP calls (keep-alive, no per-call client setup)
// ---------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 2048 });

/** An HTTP answer. */
export interface Answer {
  status: number;
  text: string;
}

/** One HTTP request on a keep-alive connection. Rejects on network errors or after `timeoutMs`. */
export function request(method: string, url: string, body?: string, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const h: Record<string, string | number> = { ...headers };
    if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      h['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers: h, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${u.pathname} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** JSON of an answer, or undefined. */
export function json<T = any>(a: Answer): T | undefined {
  try {
    return a.text ? (JSON.parse(a.text) as T) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// The Bot Connector stub
// ---------------------------------------------------------------------------------------

/** An activity the bot sent, timestamped on arrival (end of the request body). */
export interface Received {
  conversationId: string;
  activity: Record<string, any>;
  kind: 'create' | 'send' | 'update';
  at: number;
}

/** A stub standing for the Bot Connector service: answers as it does, timestamps each arrival. */
export interface ReplyStub {
  url: string;
  /** Per conversation: how many activities arrived, and when the last one did. */
  last(conversationId: string): { count: number; at: number } | undefined;
  /** Forgets a conversation's counters (keeps the stub's memory flat over long runs). */
  forget(conversationId: string): void;
  /** Called for every activity (parsed); returns a function that unsubscribes. */
  listen(fn: (r: Received) => void): () => void;
  /** Resolves with the first activity matching `pred` from now on. */
  next(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

/** Starts a stub on a free port of loopback. */
export async function startReplyStub(): Promise<ReplyStub> {
  const counters = new Map<string, { count: number; at: number }>();
  const listeners = new Set<(r: Received) => void>();
  let seq = 0;
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      const url = req.url ?? '';
      res.setHeader('content-type', 'application/json');
      const parse = (): Record<string, any> => {
        try {
          return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
        } catch {
          return {};
        }
      };
      const emit = (r: Received) => {
        for (const l of listeners) l(r);
      };
      if (req.method === 'POST' && url === '/v3/conversations') {
        // Teams: a new thread in the agents' channel.
        const params = parse() as { channelData?: { channel?: { id?: string } }; activity: Record<string, any> };
        const activityId = String(++seq);
        const id = `${params.channelData?.channel?.id ?? 'channel'};messageid=${activityId}`;
        res.end(JSON.stringify({ id, activityId, serviceUrl: '' }));
        if (listeners.size) emit({ conversationId: id, activity: params.activity ?? {}, kind: 'create', at });
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(url);
      if (m && (req.method === 'POST' || req.method === 'PUT')) {
        const conversationId = decodeURIComponent(m[1]!);
        const c = counters.get(conversationId);
        if (c) {
          c.count++;
          c.at = at;
        } else counters.set(conversationId, { count: 1, at });
        res.end(JSON.stringify({ id: req.method === 'PUT' ? m[2] : `stub-${++seq}` }));
        if (listeners.size) emit({ conversationId, activity: parse(), kind: req.method === 'PUT' ? 'update' : 'send', at });
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
  });
  server.maxConnections = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stub: ReplyStub = {
    url,
    last: (id) => counters.get(id),
    forget: (id) => void counters.delete(id),
    listen(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    next(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`the stub received nothing matching within ${timeoutMs} ms`));
        }, timeoutMs);
        const off = stub.listen((r) => {
          if (!pred(r)) return;
          clearTimeout(timer);
          off();
          resolve(r);
        });
      });
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  return stub;
}

// ---------------------------------------------------------------------------------------
// The service in a child process
// ---------------------------------------------------------------------------------------

/** What a served process reports about its memory (after two forced collections). */
export interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Per-visitor limits of the configuration at their maximum (`bot/config.ts`). */
export const BENCH_LIMITS: Record<string, string> = {
  MESSAGE_RATE_PER_MINUTE: '1000000',
  MESSAGE_IP_RATE_PER_MINUTE: '10000000',
  TOKEN_RATE_PER_MINUTE: '100000',
  ACTIVITY_RATE_PER_MINUTE: '1000000',
};

/** A server running in a child process (`dist/bench/serve.js`). */
export interface Served {
  port: number;
  base: string;
  /** Memory after a forced garbage collection in the child. */
  memory(): Promise<Memory>;
  /**
   * What the child has used so far: CPU time (user + system, all threads, ms) and the time
   * its main thread was busy (its event loop not idle, ms).
   */
  usage(): Promise<{ cpuMs: number; mainBusyMs: number }>;
  /** Starts a CPU profile of the server; `stop` writes it (`.cpuprofile`) to `file`. */
  profile(): Promise<{ stop(file: string): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Starts `mode` ('bot': the service as `startApp` assembles it; 'echo': the echo bot on the
 * same server, adapter and storage; 'echo-answer': the echo bot answering with a typical
 * answer card) in a child process with `env` as its environment
 * (the configuration); the service's logs are silenced.
 */
export async function serve(mode: 'bot' | 'echo' | 'echo-answer', env: Record<string, string>): Promise<Served> {
  const script = path.join(__dirname, 'serve.js');
  const child: ChildProcess = fork(script, [mode], {
    // BENCH_SERVER_NODE_ARGS adds flags to the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
    execArgv: ['--expose-gc', ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    // The load comes from one address, far beyond what one visitor may send: the rate limits
    // are raised to their maximum (they are still checked on every request, as in service).
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', KB_WATCH: 'false', LOG_LEVEL: 'error', ...BENCH_LIMITS, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let nextId = 0;
  const pending = new Map<number, (v: any) => void>();
  const ready = new Promise<number>((resolve, reject) => {
    child.on('message', (m: any) => {
      if (m?.type === 'ready') resolve(m.port as number);
      else if (m?.type === 'reply') {
        pending.get(m.id)?.(m.value);
        pending.delete(m.id);
      } else if (m?.type === 'failed') reject(new Error(`${mode} server failed to start: ${m.message}`));
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}: ${stderr}`)));
  });
  const ask = <T>(cmd: string, arg?: string): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      child.send({ cmd, id, arg });
    });
  const port = await ready;
  const exited = new Promise<void>((r) =>
    child.once('exit', () => {
      // Questions left unanswered by a server that died get NaN rather than hanging.
      for (const resolve of pending.values()) resolve(NaN);
      pending.clear();
      r();
    }),
  );
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    memory: () => ask<Memory>('memory'),
    usage: () => ask<{ cpuMs: number; mainBusyMs: number }>('usage'),
    async profile() {
      await ask('profile-start');
      return {
        async stop(file: string) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          await ask('profile-stop', file);
        },
      };
    },
    async close() {
      if (child.exitCode !== null) return;
      child.send({ cmd: 'close', id: 0 });
      await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Messages and load
// ---------------------------------------------------------------------------------------

/** A message of the evaluation set. */
export interface Sample {
  text: string;
  lang: string;
}

/**
 * Realistic messages: the development set of the evaluation (typos, abbreviations, long
 * questions, English, small talk, out of scope), without the requests for a human (they
 * would turn every conversation into a handoff).
 */
export function benchTexts(): Sample[] {
  const file = path.join(projectRoot(__dirname), 'tests', 'eval', 'dev.jsonl');
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; lang: string; kind: string; expect: string | null })
    .filter((r) => r.kind !== 'agent' && r.expect !== 'handoff')
    .map((r) => ({ text: r.text, lang: r.lang }));
}

/** Turns per simulated conversation before it is replaced by a new one. */
export const TURNS_PER_CONVERSATION = 5;

/**
 * Simulated conversations posting to `/api/messages` (channel `webchat`, replies to the
 * stub): `turn(worker)` for `closedLoop` runs the next turn of the worker's conversation and
 * resolves with the time from the request to the turn's last reply at the stub. With several
 * base URLs, requests go to each in turn (a round-robin balancer without affinity).
 */
export function conversations(bases: string[], stub: ReplyStub, texts: Sample[], tag: string, turnsPerConversation = TURNS_PER_CONVERSATION) {
  let created = 0;
  let sent = 0;
  let routed = 0;
  const current = new Map<number, { id: string; turns: number; lang: string }>();
  const fresh = (w: number) => {
    const c = { id: `${tag}-${++created}`, turns: 0, lang: texts[(w * 13 + created) % texts.length]!.lang };
    current.set(w, c);
    return c;
  };
  return {
    created: () => created,
    turn: async (w: number): Promise<number> => {
      let c = current.get(w) ?? fresh(w);
      if (c.turns >= turnsPerConversation) {
        stub.forget(c.id);
        c = fresh(w);
      }
      // Round robin over the messages: every message is sent as often as the others.
      const sample = texts[sent++ % texts.length]!;
      const body = JSON.stringify({
        type: 'message',
        id: `m-${c.id}-${c.turns}`,
        channelId: 'webchat',
        serviceUrl: stub.url,
        conversation: { id: c.id },
        from: { id: `u-${c.id}`, name: 'Usager' },
        recipient: { id: 'bot', name: 'Assistant' },
        locale: c.lang === 'en' ? 'en-US' : 'fr-FR',
        timestamp: new Date().toISOString(),
        text: sample.text,
      });
      const before = stub.last(c.id)?.count ?? 0;
      const t0 = now();
      const res = await request('POST', `${bases[routed++ % bases.length]}/api/messages`, body);
      c.turns++;
      if (res.status !== 200) throw new Error(`POST /api/messages answered ${res.status}: ${res.text.slice(0, 200)}`);
      // The adapter answers once the turn is over: its replies have all reached the stub.
      const last = stub.last(c.id);
      if (!last || last.count <= before) throw new Error('the turn sent no reply');
      return last.at - t0;
    },
  };
}

/** What a closed-loop run measured. */
export interface LoopRun {
  turns: number;
  errors: number;
  seconds: number;
  /** Latencies (ms) of the successful turns. */
  samples: number[];
  /** A few error messages, for the report. */
  errorSamples: string[];
}

/**
 * `concurrency` workers, each sending its next turn as soon as the previous one completed,
 * until `durationMs` has passed (or `maxTurns` turns per worker). `turn` resolves with the
 * latency of one turn in ms; a rejection counts as an error.
 */
export async function closedLoop(options: { concurrency: number; durationMs: number; maxTurnsPerWorker?: number; turn: (worker: number, i: number) => Promise<number> }): Promise<LoopRun> {
  const samples: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  const start = now();
  const deadline = start + options.durationMs;
  let last = start;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; now() < deadline && (options.maxTurnsPerWorker === undefined || i < options.maxTurnsPerWorker); i++) {
      try {
        samples.push(await options.turn(w, i));
      } catch (err) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((err as Error).message);
      }
      last = now();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const seconds = (last - start) / 1000;
  return { turns: samples.length, errors, seconds, samples, errorSamples };
}

/**
 * Requests a server has to have answered before it is measured. Node checks the caller's
 * stack on each of a process's first 10,000 calls of the deprecated `Buffer()` (restify's
 * body reader makes one per request), which costs a turn tens of microseconds; past them
 * the check stops. A server measured before that point would pay a one-off that a service
 * running for an hour does not, and the faster server of a pair would shed it sooner.
 */
export const WARM_UP_REQUESTS = 10_500;

/**
 * Warms a server up: every message once, 10 conversations at a time, then on until the
 * server has answered {@link WARM_UP_REQUESTS} requests (JIT, caches, one-off checks);
 * `servers` behind the load's round robin share the turns. Throws when a warm-up turn fails.
 */
export async function warmUp(turn: (worker: number, i: number) => Promise<number>, messages: number, servers = 1): Promise<void> {
  const turnsPerWorker = Math.ceil(Math.max(messages, WARM_UP_REQUESTS * servers) / 10);
  const warm = await closedLoop({ concurrency: 10, durationMs: 10 * 60_000, maxTurnsPerWorker: turnsPerWorker, turn });
  if (warm.errors) throw new Error(`warm-up failed: ${warm.errorSamples[0]}`);
}

/** Runs `fn` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= items.length) return;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** Rounds to `digits` decimals. */
export const round = (x: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** The configuration every benchmark's service shares: all-day agents, generous rate limits. */
export const ALL_DAY = JSON.stringify(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ['00:00-23:59']])));

export { sleep };

/** A temporary data folder, removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
