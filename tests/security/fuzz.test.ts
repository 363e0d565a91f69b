/**
 * A fuzz suite: thousands of generated malformed inputs against every public surface —
 * `/api/messages`, the Direct Line routes (token, conversations, activities, upload, the
 * service's connector endpoints, the stream upgrade), the console and editor API bodies, and
 * the pages. Wrong types, huge strings, deep nesting, invalid UTF-8 (raw bytes), invalid
 * JSON, wrong content types, `__proto__` / `constructor` / `prototype` keys.
 *
 * The generator is a seeded PRNG: the seed is printed, and `FUZZ_SEED=<n>` replays a run.
 * Asserted: the service never fails (it answers /api/health after), never answers 5xx with a
 * stack trace, a file path or an internal message, answers every 4xx with a JSON error
 * (`{error: {code, message}}`), Object.prototype is not polluted, and the state is intact (a
 * normal conversation goes on, stored conversations are still readable).
 */
import * as net from 'net';
import { App } from '../../bot/server';
import { hashPassword } from '../../bot/console/accounts';
import { connectorKey } from '../../bot/directline/secret';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';
import { prng } from '../helpers/prng';

jest.setTimeout(180_000);

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);

const rnd = prng(SEED);
const int = (n: number): number => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const chance = (p: number): boolean => rnd() < p;
/** Percent-encodes, lone surrogates included (as U+FFFD). */
const enc = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));

const NASTY_STRINGS = [
  '', ' ', '\u0000', '\uffff', '\ud800', '\udfff\ud800', '%', '%zz', '%E0%A4%A', '../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '<script>window.__pwned=1</script>',
  '{{constructor.constructor("return process")()}}', '${process.exit()}', "'; DROP TABLE conversations; --", '\r\nSet-Cookie: x=1', 'null', 'undefined', 'NaN', '-1', '1e309', '__proto__',
  'constructor', 'prototype', 'toString', 'hasOwnProperty', '🏛️'.repeat(50), 'ا'.repeat(100), 'carte grise', 'je veux parler à un agent', '/oublier', '/aide',
];
const KEYS = ['__proto__', 'constructor', 'prototype', 'type', 'text', 'id', 'conversation', 'from', 'value', 'channelData', 'attachments', 'entities', 'locale', 'name', 'username', 'password', 'token', 'user', 'fr', 'en', 'x'];

function randomString(): string {
  switch (int(6)) {
    case 0: return pick(NASTY_STRINGS);
    case 1: return 'A'.repeat(pick([1, 100, 2001, 10_000, 70_000]));
    case 2: return Array.from({ length: int(40) }, () => String.fromCharCode(int(0x10000))).join('');
    case 3: return String(rnd());
    default: return pick(NASTY_STRINGS) + Array.from({ length: int(10) }, () => String.fromCharCode(32 + int(95))).join('');
  }
}

/** A random JSON-able value (with depth to spare). */
function randomValue(depth = 0): unknown {
  const k = depth > 4 ? int(6) : int(9);
  switch (k) {
    case 0: return null;
    case 1: return chance(0.5);
    case 2: return pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308]);
    case 3: case 4: case 5: return randomString();
    case 6: return Array.from({ length: int(5) }, () => randomValue(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(5); i > 0; i--) o[pick(KEYS)] = randomValue(depth + 1);
      return o;
    }
  }
}

/** Deeply nested JSON text (built as text: the test process must not overflow either). */
function deepJson(levels: number, kind: 'array' | 'object' = pick(['array', 'object'] as const)): string {
  return kind === 'array' ? '['.repeat(levels) + ']'.repeat(levels) : '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

/** A body, raw: bytes and the content type it is sent with. */
interface Raw {
  body: Buffer | string | undefined;
  type: string | undefined;
}

const PROTO_BODIES = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"type":"message","__proto__":{"polluted":"yes"},"text":"x"}',
  '{"a":{"__proto__":{"polluted":"yes"}},"b":[{"constructor":{"prototype":{"polluted":"yes"}}}]}',
  '{"prototype":{"polluted":"yes"},"toString":"x","hasOwnProperty":1,"valueOf":null}',
];

/** A malformed body of any kind; `valid` is a sensible body for the route, to mutate. */
function malformed(valid: Record<string, unknown>): Raw {
  const json = (v: unknown): Raw => ({ body: JSON.stringify(v), type: pick(['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1']) });
  switch (int(12)) {
    case 0: {
      // The valid body with one field replaced by something of another type.
      const o: Record<string, unknown> = structuredClone(valid);
      const keys = Object.keys(o);
      o[keys.length && chance(0.7) ? pick(keys) : pick(KEYS)] = randomValue();
      return json(o);
    }
    case 1: {
      // A nested field replaced.
      const o = structuredClone(valid) as Record<string, any>;
      const key = pick(Object.keys(o).filter((x) => typeof o[x] === 'object' && o[x] !== null).concat(['conversation']));
      o[key] = { ...(typeof o[key] === 'object' && o[key] ? o[key] : {}), [pick(KEYS)]: randomValue() };
      return json(o);
    }
    case 2: return json(randomValue());
    case 3: return { body: deepJson(pick([40, 500, 5000, 50_000])), type: 'application/json' };
    case 4: {
      // The valid body, deeply nested in one field.
      const text = JSON.stringify(valid);
      return { body: `${text.slice(0, -1)},"channelData":${deepJson(pick([33, 200, 3000]), 'object')}}`, type: 'application/json' };
    }
    case 5: {
      // Invalid UTF-8: raw bytes in the middle of JSON.
      const text = Buffer.from(JSON.stringify({ ...valid, text: 'XX' }));
      const at = text.indexOf('XX');
      const bytes = Buffer.from(pick([[0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe0, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]));
      return { body: Buffer.concat([text.subarray(0, at), bytes, text.subarray(at + 2)]), type: 'application/json' };
    }
    case 6: {
      const text = JSON.stringify(valid);
      return { body: pick([text.slice(0, int(text.length)), `${text},`, text.replace(/"/g, "'"), `{${text}`, 'undefined', 'NaN', '', '{"a":1}{"b":2}', '\u0000', '{"a":01}']), type: 'application/json' };
    }
    case 7: return { body: pick([JSON.stringify(valid), 'a=1&b=2&__proto__[polluted]=yes', '<xml/>', '\x00\x01\x02']), type: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/json-patch+json', 'text/html', '*/*', 'application/jsonx', '']) };
    case 8: return { body: pick(PROTO_BODIES), type: 'application/json' };
    case 9: {
      // A huge string in a field: over MAX_BODY_BYTES or just under.
      const o: Record<string, unknown> = structuredClone(valid);
      o[pick(['text', 'value', 'name', 'channelData', 'x'])] = 'é'.repeat(pick([1000, 120_000, 300_000]));
      return json(o);
    }
    case 10: {
      // Many entries where a few are expected.
      const o: Record<string, unknown> = structuredClone(valid);
      o[pick(['attachments', 'entities', 'membersAdded', 'suggestedActions'])] = pick([
        Array.from({ length: 5000 }, () => ({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } })),
        Array.from({ length: 30 }, () => randomValue()),
        { actions: Array.from({ length: 500 }, () => ({ type: 'imBack', title: 'x', value: 'y' })) },
      ]);
      return json(o);
    }
    default: return { body: undefined, type: pick([undefined, 'application/json']) };
  }
}

/** What went wrong with one response, or undefined. */
function problem(status: number, headers: Headers, text: string): string | undefined {
  const leaks = [/\bat [\w.<>]+ \(.*:\d+:\d+\)/, /\/work\/|\/home\/|node_modules|\.ts:\d+|\.js:\d+/, /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|is not a function|undefined is not|Maximum call stack|SQLITE|ECONNREFUSED/];
  if (leaks.some((re) => re.test(text))) return `leaks internals: ${text.slice(0, 200)}`;
  if (status >= 500 && status !== 502 && status !== 503) return `server error ${status}: ${text.slice(0, 200)}`;
  if (status >= 400) {
    if (!/json/.test(headers.get('content-type') ?? '')) return `a ${status} without a JSON body (${headers.get('content-type')}): ${text.slice(0, 100)}`;
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      return `a ${status} whose body is not JSON: ${text.slice(0, 100)}`;
    }
    if (typeof body?.error?.code !== 'string' || typeof body?.error?.message !== 'string') return `a ${status} without {error: {code, message}}: ${text.slice(0, 200)}`;
  }
  return undefined;
}

const data = tempDir('fuzz-');
let app: App;
let stub: ConnectorStub;
let base: string;
let connector: string;
let dl: { token: string; conversationId: string };
let agentToken: string;
let editorToken: string;
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const failures: string[] = [];
let sent = 0;

beforeAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${CASES} cases`);
  stub = await startConnectorStub();
  const accounts = (u: string) => JSON.stringify([{ username: u, name: u, passwordHash: hashPassword(`${u} password long`) }]);
  app = await startTestApp(data.dir, {
    TRUST_PROXY: '1',
    MESSAGE_RATE_PER_MINUTE: '1000000',
    MESSAGE_IP_RATE_PER_MINUTE: '10000000',
    TOKEN_RATE_PER_MINUTE: '100000',
    ACTIVITY_RATE_PER_MINUTE: '1000000',
    CONNECTOR_TIMEOUT_SECONDS: '2',
    AGENT_ACCOUNTS: accounts('agent'),
    EDITOR_ACCOUNTS: accounts('editor'),
    LONG_TAIL: 'false',
  });
  base = `http://127.0.0.1:${app.port}`;
  connector = `/connector/${connectorKey(app.directLineSecret)}`;
  dl = (await (await fetch(`${base}/api/directline/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as typeof dl;
  const login = async (path: string, u: string): Promise<string> =>
    ((await (await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' }, body: JSON.stringify({ username: u, password: `${u} password long` }) })).json()) as { token: string }).token;
  agentToken = await login('/api/console/login', 'agent');
  editorToken = await login('/api/editor/login', 'editor');
});
afterAll(async () => {
  await app?.close();
  await stub?.close();
  data.cleanup();
});

/** Sends one request and records what is wrong with the answer. */
async function hit(method: string, path: string, raw: Raw, headers: Record<string, string> = {}, label = path): Promise<number> {
  sent++;
  const h: Record<string, string> = { 'x-forwarded-for': `10.${int(256)}.${int(256)}.${int(256)}` };
  // Header values are bytes: what fetch cannot send is replaced (the body carries the rest).
  for (const [k, v] of Object.entries(headers)) h[k] = v.replace(/[^\x20-\x7e\x80-\xff]/g, '?');
  if (raw.type !== undefined) h['content-type'] = raw.type;
  let r: Response;
  try {
    r = await fetch(`${base}${path}`, { method, headers: h, body: method === 'GET' || method === 'HEAD' ? undefined : raw.body });
  } catch (err) {
    failures.push(`${method} ${label}: no answer (${(err as Error).message})`);
    return 0;
  }
  const text = await r.text();
  const p = problem(r.status, r.headers, text);
  if (p) failures.push(`${method} ${label} [${raw.type}] ${typeof raw.body === 'string' ? raw.body.slice(0, 80) : raw.body ? '<bytes>' : '<none>'} → ${p}`);
  return r.status;
}

/** Runs `n` generated cases, a few at a time. */
async function run(n: number, one: () => Promise<unknown>): Promise<void> {
  let left = n;
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (left-- > 0) await one();
  }));
}

/** A well-formed activity to mutate. */
const activity = (conversation = `fuzz-${int(50)}`): Record<string, unknown> => ({
  type: 'message', id: `a${int(1e9)}`, channelId: 'test', serviceUrl: stub.url, conversation: { id: conversation }, from: { id: 'u1', name: 'Usager' }, recipient: { id: 'bot' }, locale: 'fr-FR', text: 'carte grise',
});

describe(`fuzzing (seed ${SEED})`, () => {
  const person = () => new TestConversation(app, stub);
  let before: TestConversation;
  let beforeDl: number;

  it('sets up a conversation on each channel that must survive', async () => {
    before = person();
    expect((await before.say("j'ai perdu ma carte grise", 1)).length).toBeGreaterThan(0);
    const r = await fetch(`${base}/v3/directline/conversations/${dl.conversationId}/activities`, { method: 'POST', headers: { authorization: `Bearer ${dl.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'carte grise', from: { id: 'x' } }) });
    expect(r.status).toBe(200);
    const acts = (await (await fetch(`${base}/v3/directline/conversations/${dl.conversationId}/activities`, { headers: { authorization: `Bearer ${dl.token}` } })).json()) as { activities: unknown[] };
    beforeDl = acts.activities.length;
    expect(beforeDl).toBeGreaterThan(1);
  });

  it('/api/messages', async () => {
    await run(Math.round(CASES * 0.3), () => hit('POST', '/api/messages', malformed(activity())));
  });

  it('the Direct Line routes', async () => {
    const auth = { authorization: `Bearer ${dl.token}` };
    const conv = dl.conversationId;
    const ids = () => pick([conv, enc(randomString()).slice(0, 300) || 'x', '%zz', '..%2f..', 'dl-' + 'a'.repeat(5000)]);
    const routes: Array<() => Promise<unknown>> = [
      () => hit('POST', '/api/directline/token', malformed({ user: { id: 'u' } })),
      () => hit('POST', '/v3/directline/tokens/generate', malformed({ user: { id: 'u' } }), { authorization: `Bearer ${pick([app.directLineSecret, 'nope', ''])}` }),
      () => hit('POST', '/v3/directline/tokens/refresh', malformed({}), { authorization: pick([`Bearer ${dl.token}`, 'Bearer a.b', 'Bearer ' + randomString().slice(0, 500), 'Basic x']) }),
      () => hit('POST', '/v3/directline/conversations', malformed({ locale: 'fr-FR' }), pick([auth, { authorization: `Bearer ${app.directLineSecret}` }, {}])),
      () => hit('GET', `/v3/directline/conversations/${ids()}?watermark=${enc(randomString().slice(0, 50))}`, { body: undefined, type: undefined }, auth, '/v3/directline/conversations/:id'),
      () => hit('GET', `/v3/directline/conversations/${conv}/activities?watermark=${enc(randomString().slice(0, 50))}`, { body: undefined, type: undefined }, auth, '/activities?watermark'),
      () => hit('POST', `/v3/directline/conversations/${pick([conv, conv, ids()])}/activities`, malformed({ type: 'message', text: 'carte grise', from: { id: 'x' }, locale: 'fr-FR' }), auth, '/v3/directline/conversations/:id/activities'),
      () => hit('POST', `/v3/directline/conversations/${conv}/upload`, malformed({}), auth, '/upload'),
      () => hit('POST', `${pick([connector, '/connector/wrong'])}/v3/conversations/${pick([conv, ids()])}/activities`, malformed({ type: 'message', text: 'x' }), {}, '/connector/:key/activities'),
      () => hit('PUT', `${connector}/v3/conversations/${conv}/activities/${ids()}`, malformed({ type: 'message', text: 'x' }), {}, '/connector/:key/activities/:id'),
    ];
    await run(Math.round(CASES * 0.3), () => pick(routes)());
  });

  it('the stream upgrade', async () => {
    const paths = () => pick([
      `/v3/directline/conversations/${dl.conversationId}/stream?t=${pick(['', 'x.y', dl.token.slice(0, -2), enc(randomString().slice(0, 200))])}`,
      `/v3/directline/conversations/${pick(['%zz', '%E0%A4%A', '..%2F', enc(randomString().slice(0, 100)) || 'x'])}/stream?t=${dl.token}`,
      `/v3/directline/conversations/${dl.conversationId}/stream?watermark=${enc(randomString().slice(0, 40))}&t=${dl.token}`,
      `/${enc(randomString().slice(0, 50))}`,
    ]);
    const upgrade = (path: string): Promise<string> =>
      new Promise((resolve) => {
        const s = net.connect(app.port, '127.0.0.1');
        let answer = '';
        s.setTimeout(5000, () => (s.destroy(), resolve(`timeout on ${path}`)));
        s.on('data', (d) => {
          answer += d.toString('latin1');
          if (answer.includes('\r\n\r\n')) s.destroy();
        });
        s.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
        s.on('error', () => undefined);
        const key = Buffer.from(Array.from({ length: 16 }, () => int(256))).toString('base64');
        const headers = pick([
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`,
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n`,
          `Upgrade: websocket\r\nConnection: Upgrade\r\n`,
          `Upgrade: h2c\r\nConnection: Upgrade\r\n`,
        ]);
        s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);
        // Sometimes garbage frames straight after the handshake.
        if (chance(0.3)) s.write(Buffer.from(Array.from({ length: int(200) }, () => int(256))));
      });
    const answers: string[] = [];
    for (let i = 0; i < 150; i++) answers.push(await upgrade(paths()));
    for (const a of answers) {
      sent++;
      if (/^HTTP\/1\.1 5\d\d/.test(a) || a.startsWith('timeout')) failures.push(`stream upgrade → ${a}`);
    }
  });

  it('the console and editor APIs', async () => {
    const agent = { authorization: `Bearer ${agentToken}` };
    const editor = { authorization: `Bearer ${editorToken}` };
    const id = () => pick(['x', '%zz', enc(randomString().slice(0, 100)) || 'y', '1', '-1']);
    const routes: Array<() => Promise<unknown>> = [
      () => hit('POST', '/api/console/login', malformed({ username: 'agent', password: 'agent password long' })),
      () => hit('POST', '/api/console/sso', malformed({ token: 'x' })),
      () => hit('POST', `/api/console/requests/${id()}/${pick(['take', 'handback', 'close'])}`, malformed({}), agent, '/api/console/requests/:id/action'),
      () => hit('POST', `/api/console/requests/${id()}/messages`, malformed({ text: 'bonjour' }), agent, '/api/console/requests/:id/messages'),
      () => hit('GET', `/api/console/requests/${id()}`, { body: undefined, type: undefined }, agent, '/api/console/requests/:id'),
      () => hit('POST', '/api/editor/login', malformed({ username: 'editor', password: 'editor password long' })),
      () => hit('POST', '/api/editor/sso', malformed({ token: 'x' })),
      () => hit('POST', '/api/editor/validate', malformed({ id: 'x', kind: 'procedure', text: { fr: { title: 't' } } }), editor),
      () => hit('PUT', `/api/editor/entries/${id()}`, malformed({ entry: { id: 'x' } }), editor, '/api/editor/entries/:id'),
      () => hit('POST', '/api/editor/entries', malformed({ entry: { id: 'x' } }), editor),
      () => hit('POST', `/api/editor/entries/${id()}/${pick(['retire', 'restore'])}`, malformed({}), editor, '/api/editor/entries/:id/retire'),
      () => hit('PUT', `/api/editor/services/${id()}`, malformed({ service: {} }), editor, '/api/editor/services/:id'),
      () => hit('POST', '/api/editor/preview', malformed({ entry: {}, lang: 'fr' }), editor),
      () => hit('POST', '/api/editor/try', malformed({ text: 'carte grise', lang: 'fr' }), editor),
      () => hit('POST', '/api/editor/import', malformed({ files: {} }), editor),
      () => hit('POST', '/api/editor/unanswered/add-words', malformed({ question: 'x', entryId: 'y' }), editor),
      () => hit('POST', '/api/editor/unanswered/dismiss', malformed({ question: 'x' }), editor),
      () => hit('GET', `/api/editor/revisions/${id()}/diff`, { body: undefined, type: undefined }, editor, '/api/editor/revisions/:id/diff'),
    ];
    await run(Math.round(CASES * 0.3), () => pick(routes)());
  });

  it('the pages and other public routes', async () => {
    const paths = () => pick([
      `/?${enc(randomString().slice(0, 200))}`,
      `/console?x=${enc(randomString().slice(0, 200))}`,
      '/editeur', '/indicateurs', '/indicators',
      `/web/${pick(['..%2f..%2fpackage.json', '%2e%2e/%2e%2e/bot/server.ts', 'app.js%00.png', enc(randomString().slice(0, 60)) || 'x'])}`,
      `/vendor/webchat/${pick(['..%2f..%2f..%2fpackage.json', '%zz', enc(randomString().slice(0, 60)) || 'x'])}`,
      `/vendor/dsfr/${pick(['..%2f..%2fpackage.json', '%zz'])}`,
      `/api/indicators?${pick(['period=', 'period=%zz', `period=${enc(randomString().slice(0, 60))}`, 'from=2020-13-45&to=x'])}`,
      `/api/transcripts/${pick(['x', '%zz', enc(randomString().slice(0, 200)) || 'y'])}`,
      `/${enc(randomString().slice(0, 80))}`,
      '/api/webchat/config', '/api/health', '/api/ready', '/api/console/config', '/api/editor/config',
    ]);
    await run(Math.round(CASES * 0.1), async () => {
      const path = paths();
      const method = pick(['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      return hit(method, path, malformed({}), {}, path.replace(/[?].*/, '?…').slice(0, 60));
    });
  });

  it(`finds nothing wrong (seed ${SEED})`, async () => {
    // eslint-disable-next-line no-console
    console.log(`fuzz: ${sent} requests, ${failures.length} problems${failures.length ? `:\n${[...new Set(failures)].slice(0, 60).join('\n')}` : ''}`);
    expect(sent).toBeGreaterThan(CASES * 0.9);
    expect([...new Set(failures)].slice(0, 40)).toEqual([]);
  });

  it('still answers, unpolluted, with its state intact', async () => {
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The conversation started before goes on; a new one works.
    expect((await before.say('carte grise', 1)).length).toBeGreaterThan(0);
    expect((await person().say('bonjour', 1)).length).toBeGreaterThan(0);
    // The Direct Line conversation's stored activities are still readable, in order.
    const r = await fetch(`${base}/v3/directline/conversations/${dl.conversationId}/activities`, { headers: { authorization: `Bearer ${dl.token}` } });
    expect(r.status).toBe(200);
    const acts = ((await r.json()) as { activities: Array<{ id: string }> }).activities;
    expect(acts.length).toBeGreaterThanOrEqual(beforeDl);
    expect(new Set(acts.map((a) => a.id)).size).toBe(acts.length);
  });
});

describe('the structure limits of an activity (bot/activity-check.ts)', () => {
  const post = async (body: string): Promise<{ status: number; json: any }> => {
    const r = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: r.status, json: await r.json().catch(() => undefined) };
  };
  const valid = () => activity(`limits-${Date.now()}`);
  it.each([
    ['nesting deeper than 32 levels', () => ({ ...valid(), channelData: JSON.parse(deepJson(40, 'object')) })],
    ['more than 20 attachments', () => ({ ...valid(), attachments: Array.from({ length: 21 }, () => ({ contentType: 'text/plain', content: 'x' })) })],
    ['more than 50 entities', () => ({ ...valid(), entities: Array.from({ length: 51 }, () => ({ type: 'mention' })) })],
    ['more than 50 suggested actions', () => ({ ...valid(), suggestedActions: { actions: Array.from({ length: 51 }, () => ({ type: 'imBack', title: 'x', value: 'x' })) } })],
    ['an attachment without a contentType', () => ({ ...valid(), attachments: [{ content: {} }] })],
    ['channelData that is not an object', () => ({ ...valid(), channelData: 'x' })],
    ['an id of 2 000 characters', () => ({ ...valid(), id: 'x'.repeat(2000) })],
    ['a from.id that is not a string', () => ({ ...valid(), from: { id: { $gt: '' } } })],
  ])('refuses %s with 400 and a JSON error', async (_name, make) => {
    const r = await post(JSON.stringify(make()));
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('BadActivity');
    expect(typeof r.json.error.message).toBe('string');
  });

  it.each(PROTO_BODIES.map((b) => [b]))('refuses prototype keys (%s) without polluting anything', async (raw) => {
    const body = raw.startsWith('{"type"') ? raw.replace('{"type":"message",', `{"type":"message","conversation":{"id":"p"},"serviceUrl":${JSON.stringify(stub.url)},`) : raw;
    const r = await post(body);
    expect(r.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers a body over MAX_BODY_BYTES with 413 and a JSON error of its own', async () => {
    const r = await post(JSON.stringify({ ...valid(), text: 'x'.repeat(300 * 1024) }));
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: { code: 'PayloadTooLarge', message: expect.stringMatching(/larger than the \d+ bytes accepted/) } });
  });

  it('answers invalid JSON with 400 and a message of its own (not the parser\'s)', async () => {
    const r = await post('{"type": "message",');
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: { code: 'InvalidContent', message: 'the body is not valid JSON' } });
  });
});
