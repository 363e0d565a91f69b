/**
 * The website channel: Direct Line clients on WebSockets against the built-in Direct Line
 * channel, as Web Chat holds them. Each client gets a token from the page's route, starts
 * its conversation, opens the stream, then posts three messages of the dev evaluation set,
 * each after the reply to the previous one. All the clients are connected first, then all
 * talk at once. Measured: from a client's post to the first activity of the bot answering
 * that post (`replyToId`) on its socket, and every error (refused request, socket error or
 * closed, reply missing after 30 s).
 *
 * Baseline, in the same run: the echo bot (`echo.ts`) on the service's own server, behind the
 * same Direct Line channel (store, tokens, socket hub, routes) and adapter. Rounds alternate between the two servers.
 *
 *   node --expose-gc dist/bench/directline.js [--quick]
 */
import WebSocket from 'ws';
import { BenchResult, latency, median, ratios, record, result } from './common';
import { benchTexts, json, now, pool, request, round, Sample, serve, Served, tempDir } from './kit';

const MESSAGES_PER_CLIENT = 3;
const REPLY_TIMEOUT_MS = 30_000;

/** One client's measures. */
interface ClientOutcome {
  latencies: number[];
  /** Latencies of the first message (all clients post it in one burst), and of the others. */
  first: number[];
  later: number[];
  errors: string[];
}

/** A connected client: its token, conversation and open socket. */
interface Client {
  token: string;
  conversationId: string;
  ws: WebSocket;
  /** replyToId → arrival time of the first bot activity answering it. */
  replies: Map<string, number>;
  waiters: Map<string, (at: number) => void>;
  failure?: string;
}

async function connect(server: Served): Promise<Client> {
  const grantAnswer = await request('POST', `${server.base}/api/directline/token`, '{}');
  if (grantAnswer.status !== 200) throw new Error(`token route answered ${grantAnswer.status}`);
  const grant = json<{ token: string; conversationId: string }>(grantAnswer)!;
  const started = await request('POST', `${server.base}/v3/directline/conversations`, '{"locale":"fr-FR"}', { authorization: `Bearer ${grant.token}` });
  if (started.status !== 201 && started.status !== 200) throw new Error(`conversation start answered ${started.status}`);
  const { streamUrl } = json<{ streamUrl: string }>(started)!;
  const ws = new WebSocket(streamUrl);
  const client: Client = { token: grant.token, conversationId: grant.conversationId, ws, replies: new Map(), waiters: new Map() };
  ws.on('message', (data) => {
    const at = now();
    const text = data.toString();
    if (!text) return; // keep-alive
    let frame: { activities?: Array<{ from?: { id?: string }; replyToId?: string; type?: string }> };
    try {
      frame = JSON.parse(text);
    } catch {
      client.failure ??= 'unparseable frame';
      return;
    }
    for (const a of frame.activities ?? []) {
      if (a.from?.id?.startsWith('dl_') || !a.replyToId || a.type === 'typing') continue;
      if (client.replies.has(a.replyToId)) continue;
      client.replies.set(a.replyToId, at);
      client.waiters.get(a.replyToId)?.(at);
    }
  });
  ws.on('error', (err) => {
    client.failure ??= `socket error: ${err.message}`;
  });
  ws.on('close', (code) => {
    client.failure ??= `socket closed (${code})`;
    for (const w of client.waiters.values()) w(NaN);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: ${res.statusCode}`)));
  });
  return client;
}

/** The reply to `id`: at once when already on the socket, else when it arrives. */
function replyTo(client: Client, id: string): Promise<number> {
  const seen = client.replies.get(id);
  if (seen !== undefined) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.waiters.delete(id);
      reject(new Error(`no reply on the socket within ${REPLY_TIMEOUT_MS} ms`));
    }, REPLY_TIMEOUT_MS);
    client.waiters.set(id, (at) => {
      clearTimeout(timer);
      client.waiters.delete(id);
      if (Number.isNaN(at)) reject(new Error(client.failure ?? 'socket closed'));
      else resolve(at);
    });
  });
}

async function converse(server: Served, client: Client, texts: Sample[], offset: number): Promise<ClientOutcome> {
  const out: ClientOutcome = { latencies: [], first: [], later: [], errors: [] };
  const url = `${server.base}/v3/directline/conversations/${encodeURIComponent(client.conversationId)}/activities`;
  for (let k = 0; k < MESSAGES_PER_CLIENT; k++) {
    const sample = texts[(offset + k * 97) % texts.length]!;
    try {
      const t0 = now();
      const posted = await request('POST', url, JSON.stringify({ type: 'message', text: sample.text, locale: sample.lang === 'en' ? 'en-US' : 'fr-FR', from: { id: 'web-user' } }), { authorization: `Bearer ${client.token}` });
      if (posted.status !== 200) throw new Error(`post answered ${posted.status}: ${posted.text.slice(0, 120)}`);
      const id = json<{ id: string }>(posted)?.id;
      if (!id) throw new Error('post answered no id');
      const at = await replyTo(client, id);
      out.latencies.push(at - t0);
      (k === 0 ? out.first : out.later).push(at - t0);
    } catch (err) {
      out.errors.push((err as Error).message);
    }
  }
  if (client.failure && !client.failure.startsWith('socket closed')) out.errors.push(client.failure);
  return out;
}

/** A round: `clients` clients connect, then all hold their conversation at once. */
async function holdRound(server: Served, clients: number, texts: Sample[], offset: number) {
  const setupErrors: string[] = [];
  const setupStart = now();
  const connected = (await pool(Array.from({ length: clients }, (_, i) => i), 50, (i) => connect(server).catch((err: Error) => {
    setupErrors.push(`${i}: ${err.message}`);
    return undefined;
  }))).filter((c): c is Client => c !== undefined);
  const setupSeconds = (now() - setupStart) / 1000;
  const start = now();
  const outcomes = await Promise.all(connected.map((c, i) => converse(server, c, texts, offset + i)));
  const seconds = (now() - start) / 1000;
  for (const c of connected) {
    c.failure = 'closing';
    c.ws.close();
  }
  const latencies = outcomes.flatMap((o) => o.latencies);
  const first = outcomes.flatMap((o) => o.first);
  const later = outcomes.flatMap((o) => o.later);
  const errors = [...setupErrors, ...outcomes.flatMap((o) => o.errors)];
  return { latencies, first, later, errors, seconds, setupSeconds, messagesPerSecond: latencies.length / seconds };
}

type Round = Awaited<ReturnType<typeof holdRound>>;

function summarise(rounds: Round[], clients: number): Record<string, number> {
  const all = latency(rounds.flatMap((r) => r.latencies));
  return {
    clients,
    messagesPerRound: clients * MESSAGES_PER_CLIENT,
    p50Ms: round(median(rounds.map((r) => latency(r.latencies).p50)), 1),
    p99Ms: round(median(rounds.map((r) => latency(r.latencies).p99)), 1),
    p99AllRoundsMs: round(all.p99, 1),
    firstMessageP99Ms: round(median(rounds.map((r) => latency(r.first).p99)), 1),
    laterMessagesP99Ms: round(median(rounds.map((r) => latency(r.later).p99)), 1),
    maxMs: round(all.max, 1),
    messagesPerSecond: round(median(rounds.map((r) => r.messagesPerSecond)), 1),
    connectSeconds: round(median(rounds.map((r) => r.setupSeconds)), 2),
    errors: rounds.reduce((a, r) => a + r.errors.length, 0),
    rounds: rounds.length,
  };
}

/** The Direct Line benchmark. */
export async function runDirectLineBenchmarks(options: { quick?: boolean } = {}): Promise<BenchResult[]> {
  const quick = Boolean(options.quick);
  const clients = quick ? 100 : 500;
  const rounds = quick ? 1 : 3;
  const texts = benchTexts();
  const env = { TOKEN_RATE_PER_MINUTE: '100000', ACTIVITY_RATE_PER_MINUTE: '100000' };
  const botData = tempDir('bench-dl-bot-');
  const echoData = tempDir('bench-dl-echo-');
  const bot = await serve('bot', { ...env, DATA_DIR: botData.dir });
  const echo = await serve('echo', { ...env, DATA_DIR: echoData.dir });
  try {
    const servers = { bot, echo };
    // Warm-up: a round of 50 clients on each.
    for (const s of [echo, bot]) await holdRound(s, 50, texts, 0);
    const runs: Record<'bot' | 'echo', Round[]> = { bot: [], echo: [] };
    for (let r = 0; r < rounds; r++) {
      const order: Array<'bot' | 'echo'> = r % 2 ? ['bot', 'echo'] : ['echo', 'bot'];
      for (const name of order) {
        process.stderr.write(`directline: round ${r + 1}, ${name}, ${clients} clients\n`);
        const done = await holdRound(servers[name], clients, texts, r * clients);
        if (done.errors.length) process.stderr.write(`  ${done.errors.length} errors, e.g. ${done.errors[0]}\n`);
        runs[name].push(done);
      }
    }
    const ours = summarise(runs.bot, clients);
    const base = summarise(runs.echo, clients);
    return [
      result({
        name: 'directline-websocket',
        description: `${clients} Direct Line clients on WebSockets (token from the page's route, conversation started, stream open), all connected first, then each posting ${MESSAGES_PER_CLIENT} messages of the dev evaluation set one after the other's reply, all at once; latency from a post to the first bot activity answering it on the client's socket (also apart: the clients' first messages, posted in one burst, and the later ones); medians of ${rounds} rounds after a warm-up round of 50 clients; SQLite.`,
        figures: ours,
        baseline: { name: 'echo bot behind the same Direct Line channel and adapter', figures: base },
        ratio: ratios(ours, base),
        targets: [{ what: 'no errors (refused requests, socket errors, missing replies)', met: ours.errors === 0 }],
      }),
    ];
  } finally {
    await Promise.all([bot.close(), echo.close()]);
    botData.cleanup();
    echoData.cleanup();
  }
}

if (require.main === module) {
  runDirectLineBenchmarks({ quick: process.argv.includes('--quick') }).then(
    (results) => record(results, { quick: process.argv.includes('--quick') }),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
