/**
 * The handoff relay: a person (a channel posting to `/api/messages`, replies to the Bot
 * Connector stub) asks for an agent; the agents' Teams channel is the stub too (the bot was
 * installed in the team), so each request has its thread there; an agent signed in to the
 * console takes the request. Then, in a loop: the person writes; the message reaches the
 * agent's thread (timed at the stub) and the console transcript (polled back to back, as
 * an agent's screen would be refreshed at best); as soon as the console shows it, the agent
 * answers from the console, and the answer reaches the person (timed at the stub).
 *
 * Measured: person → agent's thread, person → console transcript, agent → person, and the
 * round trip person → console → agent's answer → person. Baseline in the same run: an
 * ordinary bot turn on the same server and channel (request → last reply at the stub).
 *
 *   node --expose-gc dist/bench/handoff.js [--quick]
 */
import { hashPassword } from '../bot/console/accounts';
import { BenchResult, latency, median, record, result } from './common';
import { ALL_DAY, benchTexts, json, now, ReplyStub, request, round, Sample, serve, Served, sleep, startReplyStub, tempDir } from './kit';

const TENANT = 'tenant-bench';
const TEAM = '19:team-bench@thread.tacv2';
const AGENTS = '19:agents-bench@thread.tacv2';
const PASSWORD = 'agent bench password';
const AGENT_ANSWERS = [
  'Bonjour, je regarde votre dossier.',
  'Pouvez-vous me donner votre numéro de dossier ?',
  "Merci, je vérifie auprès du service et je reviens vers vous.",
  'Votre demande est en cours d’instruction, vous recevrez un courriel.',
];

/** One handoff in progress, from the person's and the agent's side. */
interface Handoff {
  person: string;
  requestId: string;
  thread: string;
}

async function consoleCall(server: Served, token: string, method: 'GET' | 'POST', path: string, body?: unknown) {
  const a = await request(method, `${server.base}/api/console${path}`, body === undefined ? undefined : JSON.stringify(body), { authorization: `Bearer ${token}` });
  return { status: a.status, body: json<any>(a) };
}

function personActivity(stub: ReplyStub, conversationId: string, text: string, n: number): string {
  return JSON.stringify({
    type: 'message',
    id: `hp-${conversationId}-${n}`,
    channelId: 'webchat',
    serviceUrl: stub.url,
    conversation: { id: conversationId },
    from: { id: `u-${conversationId}`, name: 'Usager' },
    recipient: { id: 'bot', name: 'Assistant' },
    locale: 'fr-FR',
    timestamp: new Date().toISOString(),
    text,
  });
}

/** The person asks for an agent; the agent takes the request from the console. */
async function openHandoff(server: Served, stub: ReplyStub, token: string, person: string, known: Set<string>): Promise<Handoff> {
  const created = stub.next((r) => r.kind === 'create' && r.conversationId.startsWith(AGENTS), 10_000);
  const asked = await request('POST', `${server.base}/api/messages`, personActivity(stub, person, 'je veux parler à un agent', 0));
  if (asked.status !== 200) throw new Error(`asking for an agent answered ${asked.status}`);
  let requestId: string | undefined;
  for (let i = 0; i < 100 && !requestId; i++) {
    const q = await consoleCall(server, token, 'GET', '/requests');
    requestId = (q.body?.waiting as Array<{ id: string }> | undefined)?.map((r) => r.id).find((id) => !known.has(id));
    if (!requestId) await sleep(50);
  }
  if (!requestId) throw new Error('the request never reached the console queue (agents away: a public holiday?)');
  known.add(requestId);
  const thread = await created;
  if (!JSON.stringify(thread.activity).includes(requestId)) throw new Error('the thread created is not this request\'s');
  const taken = await consoleCall(server, token, 'POST', `/requests/${requestId}/take`, {});
  if (taken.status !== 200) throw new Error(`take answered ${taken.status}`);
  return { person, requestId, thread: thread.conversationId };
}

/** One round trip; the figures of each leg, in ms. */
async function roundTrip(server: Served, stub: ReplyStub, token: string, h: Handoff, text: string, answer: string, n: number) {
  const toThread = stub.next((r) => r.kind === 'send' && r.conversationId === h.thread && String(r.activity.text ?? '').includes(text), 15_000);
  const t0 = now();
  const posted = request('POST', `${server.base}/api/messages`, personActivity(stub, h.person, text, n));
  // The console, refreshed back to back until the person's message shows.
  let seenAt: number | undefined;
  for (const end = t0 + 15_000; seenAt === undefined; ) {
    const r = await consoleCall(server, token, 'GET', `/requests/${h.requestId}`);
    const transcript = (r.body?.transcript ?? []) as Array<{ from: string; text: string }>;
    if (transcript.some((l) => l.from === 'person' && l.text === text)) seenAt = now();
    else if (now() > end) throw new Error('the person\'s message never showed in the console');
  }
  const status = (await posted).status;
  if (status !== 200) throw new Error(`the person's message answered ${status}`);
  const thread = await toThread;
  // The agent answers from the console as soon as it shows.
  const toPerson = stub.next((r) => r.kind === 'send' && r.conversationId === h.person && String(r.activity.text ?? '').includes(answer), 15_000);
  const t1 = now();
  const sent = await consoleCall(server, token, 'POST', `/requests/${h.requestId}/messages`, { text: answer });
  if (sent.status !== 200) throw new Error(`the agent's message answered ${sent.status}`);
  const reached = await toPerson;
  return { personToThread: thread.at - t0, personToConsole: seenAt - t0, agentToPerson: reached.at - t1, roundTrip: reached.at - t0 };
}

type Legs = Awaited<ReturnType<typeof roundTrip>>;

/** An ordinary bot turn on the same server and channel: request → last reply at the stub. */
async function botTurn(server: Served, stub: ReplyStub, conversationId: string, sample: Sample, n: number): Promise<number> {
  const before = stub.last(conversationId)?.count ?? 0;
  const t0 = now();
  const a = await request('POST', `${server.base}/api/messages`, personActivity(stub, conversationId, sample.text, n));
  if (a.status !== 200) throw new Error(`bot turn answered ${a.status}`);
  const last = stub.last(conversationId);
  if (!last || last.count <= before) throw new Error('the bot turn sent no reply');
  return last.at - t0;
}

/** The handoff benchmark. */
export async function runHandoffBenchmarks(options: { quick?: boolean } = {}): Promise<BenchResult[]> {
  const quick = Boolean(options.quick);
  const repetitions = quick ? 1 : 3;
  const tripsPerRun = quick ? 40 : 150;
  const texts = benchTexts();
  const stub = await startReplyStub();
  const data = tempDir('bench-handoff-');
  const server = await serve('bot', {
    DATA_DIR: data.dir,
    AGENT_ACCOUNTS: JSON.stringify([{ username: 'agent', name: 'Awa Diallo', passwordHash: hashPassword(PASSWORD) }]),
    AGENT_HOURS: ALL_DAY,
    TEAMS_TENANT_ID: TENANT,
    TEAMS_AGENTS_CHANNEL_ID: AGENTS,
    HANDOFF_TIMEOUT_MINUTES: '1440',
    AGENT_INACTIVITY_MINUTES: '1440',
  });
  try {
    // The bot is installed in the agents' team: requests get a thread in their channel.
    const installed = await request(
      'POST',
      `${server.base}/api/messages`,
      JSON.stringify({
        type: 'conversationUpdate',
        channelId: 'msteams',
        serviceUrl: stub.url,
        conversation: { id: TEAM, conversationType: 'channel', isGroup: true, tenantId: TENANT },
        recipient: { id: '28:bot', name: 'Assistant' },
        from: { id: '29:admin', name: 'Admin' },
        membersAdded: [{ id: '28:bot' }],
        channelData: { eventType: 'teamMemberAdded', tenant: { id: TENANT }, team: { id: TEAM }, channel: { id: TEAM } },
        timestamp: new Date().toISOString(),
      }),
    );
    if (installed.status !== 200) throw new Error(`installing in the team answered ${installed.status}`);
    const login = await request('POST', `${server.base}/api/console/login`, JSON.stringify({ username: 'agent', password: PASSWORD }));
    const token = json<{ token: string }>(login)?.token;
    if (!token) throw new Error(`console sign-in answered ${login.status}`);

    const known = new Set<string>();
    const sample = (i: number) => texts[(i * 37) % texts.length]!;
    let n = 0;
    // Warm-up: a handoff of 20 round trips, and 50 bot turns.
    const warm = await openHandoff(server, stub, token, 'hp-warm', known);
    for (let i = 0; i < 20; i++) await roundTrip(server, stub, token, warm, `${sample(i).text} [${++n}]`, AGENT_ANSWERS[i % AGENT_ANSWERS.length]!, i + 1);
    for (let i = 0; i < 50; i++) await botTurn(server, stub, `bt-warm-${Math.floor(i / 5)}`, sample(i), i);

    const runs: Legs[][] = [];
    const baseRuns: number[][] = [];
    let errors = 0;
    for (let rep = 0; rep < repetitions; rep++) {
      process.stderr.write(`handoff: run ${rep + 1}\n`);
      // A new handoff per run; its round trips one after the other.
      const h = await openHandoff(server, stub, token, `hp-run-${rep}`, known);
      const legs: Legs[] = [];
      for (let i = 0; i < tripsPerRun; i++) {
        try {
          legs.push(await roundTrip(server, stub, token, h, `${sample(rep * tripsPerRun + i).text} [${++n}]`, `${AGENT_ANSWERS[i % AGENT_ANSWERS.length]!} [${n}]`, i + 1));
        } catch (err) {
          errors++;
          process.stderr.write(`  ${(err as Error).message}\n`);
        }
      }
      runs.push(legs);
      const base: number[] = [];
      for (let i = 0; i < tripsPerRun; i++) {
        try {
          base.push(await botTurn(server, stub, `bt-${rep}-${Math.floor(i / 5)}`, sample(rep * tripsPerRun + i), i));
        } catch (err) {
          errors++;
          process.stderr.write(`  ${(err as Error).message}\n`);
        }
      }
      baseRuns.push(base);
    }
    const leg = (k: keyof Legs) => {
      const perRun = runs.map((r) => latency(r.map((l) => l[k])));
      return { p50: round(median(perRun.map((l) => l.p50)), 2), p99: round(median(perRun.map((l) => l.p99)), 2) };
    };
    const [rt, pt, pc, ap] = [leg('roundTrip'), leg('personToThread'), leg('personToConsole'), leg('agentToPerson')];
    const basePerRun = baseRuns.map((b) => latency(b));
    const base = { p50Ms: round(median(basePerRun.map((l) => l.p50)), 2), p99Ms: round(median(basePerRun.map((l) => l.p99)), 2), turns: baseRuns.flat().length };
    const figures = {
      roundTripP50Ms: rt.p50,
      roundTripP99Ms: rt.p99,
      personToThreadP50Ms: pt.p50,
      personToThreadP99Ms: pt.p99,
      personToConsoleP50Ms: pc.p50,
      personToConsoleP99Ms: pc.p99,
      agentToPersonP50Ms: ap.p50,
      agentToPersonP99Ms: ap.p99,
      roundTrips: runs.flat().length,
      errors,
      runs: repetitions,
    };
    return [
      result({
        name: 'handoff-relay',
        description: `Handoff relay on SQLite, one handoff at a time: a person (POST /api/messages) writes, the message reaches the agent's Teams thread (stub) and the console transcript (GET /api/console/requests/:id polled back to back); the agent answers from the console as soon as it shows, and the answer reaches the person (stub). ${tripsPerRun} round trips per run, medians of ${repetitions} runs after 20 warm-up round trips.`,
        figures,
        baseline: { name: 'an ordinary bot turn on the same server and channel (request → last reply)', figures: base },
        ratio: { personToThreadP50VsBotTurn: round(pt.p50 / base.p50Ms, 3), personToThreadP99VsBotTurn: round(pt.p99 / base.p99Ms, 3), agentToPersonP99VsBotTurn: round(ap.p99 / base.p99Ms, 3) },
        targets: [{ what: 'no errors (the issue sets no latency figure for the relay)', met: errors === 0 }],
      }),
    ];
  } finally {
    await server.close();
    await stub.close();
    data.cleanup();
  }
}

if (require.main === module) {
  runHandoffBenchmarks({ quick: process.argv.includes('--quick') }).then(
    (results) => record(results, { quick: process.argv.includes('--quick') }),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
