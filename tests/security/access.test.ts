/**
 * Access control over real HTTP, for every route the service mounts and every kind of caller:
 * anonymous, a visitor holding the Direct Line token of another conversation, an agent on the
 * editor's routes, an editor on the console's, Teams (Entra ID) tokens of another tenant, for
 * another audience, without the app role, expired or badly signed, tampered sessions and
 * transcript links, Bot Framework tokens that are missing, forged or for another bot.
 *
 * The routes are read from restify's router: a route added without a line in ROUTES below
 * fails the first test, so that its access rule is decided (and tested) when it is added.
 *
 * Runs without the internet: the Entra ID keys are injected (`startApp`'s `entraKeys`), and
 * the Bot Framework's signing keys are put in botframework-connector's OpenID metadata cache.
 */
import { generateKeyPairSync, KeyObject, sign } from 'crypto';
import WebSocket from 'ws';
import { hashPassword, verifyPassword, verifyPasswordAsync } from '../../bot/console/accounts';
import { Sessions } from '../../bot/console/sessions';
import { EntraValidator } from '../../bot/console/entra';
import { ConfigError, loadConfig } from '../../bot/config';
import { TranscriptLinks } from '../../bot/handoff/transcript-link';
import { createLogger } from '../../bot/logger';
import { startApp, App } from '../../bot/server';
import { contentSecurityPolicy, originsOf } from '../../bot/security-headers';
import { testConfig, tempDir } from '../helpers/bot-harness';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';

jest.setTimeout(120_000);

/** Who may call each route. */
type Access =
  | 'public' // pages, assets, settings, health, published figures
  | 'sign-in' // password or Teams sign-in (rate-limited per address)
  | 'agent' // a console session (agents only)
  | 'editor' // an editor session (editors only)
  | 'directline-secret' // the Direct Line secret only
  | 'directline-token' // the secret, or a token bound to the conversation
  | 'page-token' // the page's anonymous token route (rate-limited per address)
  | 'connector-key' // the bridge's own connector, with the key derived from the secret in the path
  | 'bot-framework' // a Bot Framework token (MicrosoftAppId set)
  | 'signed-link' // a signed, expiring transcript link
  | 'metrics-token'; // METRICS_TOKEN when set

const ROUTES: Record<string, Access> = {
  'POST /api/messages': 'bot-framework',
  'POST /v3/directline/tokens/generate': 'directline-secret',
  'POST /v3/directline/tokens/refresh': 'directline-token',
  'POST /v3/directline/conversations': 'directline-token',
  'GET /v3/directline/conversations/:conversationId': 'directline-token',
  'GET /v3/directline/conversations/:conversationId/activities': 'directline-token',
  'POST /v3/directline/conversations/:conversationId/activities': 'directline-token',
  'POST /v3/directline/conversations/:conversationId/upload': 'directline-token',
  'POST /api/directline/token': 'page-token',
  'GET /api/webchat/config': 'public',
  'POST /connector/:key/v3/conversations/:conversationId/activities': 'connector-key',
  'POST /connector/:key/v3/conversations/:conversationId/activities/:activityId': 'connector-key',
  'PUT /connector/:key/v3/conversations/:conversationId/activities/:activityId': 'connector-key',
  'DELETE /connector/:key/v3/conversations/:conversationId/activities/:activityId': 'connector-key',
  'GET /connector/:key/v3/conversations/:conversationId/members': 'connector-key',
  'GET /': 'public',
  'GET /console': 'public',
  'GET /indicateurs': 'public',
  'GET /indicators': 'public',
  'GET /editeur': 'public',
  'GET /confidentialite': 'public',
  'GET /privacy': 'public',
  'GET /vendor/teams-js/*': 'public',
  'GET /web/*': 'public',
  'GET /vendor/dsfr/*': 'public',
  'GET /vendor/webchat/*': 'public',
  'GET /api/transcripts/:id': 'signed-link',
  'GET /api/editor/config': 'public',
  'POST /api/editor/login': 'sign-in',
  'POST /api/editor/sso': 'sign-in',
  'GET /api/editor/entries': 'editor',
  'GET /api/editor/entries/:id': 'editor',
  'POST /api/editor/validate': 'editor',
  'PUT /api/editor/entries/:id': 'editor',
  'POST /api/editor/entries': 'editor',
  'POST /api/editor/entries/:id/retire': 'editor',
  'POST /api/editor/entries/:id/restore': 'editor',
  'GET /api/editor/services': 'editor',
  'GET /api/editor/services/:id': 'editor',
  'PUT /api/editor/services/:id': 'editor',
  'POST /api/editor/preview': 'editor',
  'POST /api/editor/try': 'editor',
  'POST /api/editor/regression': 'editor',
  'GET /api/editor/draft': 'editor',
  'POST /api/editor/draft/discard': 'editor',
  'POST /api/editor/publish': 'editor',
  'GET /api/editor/revisions': 'editor',
  'GET /api/editor/revisions/:id/diff': 'editor',
  'POST /api/editor/revisions/:id/restore': 'editor',
  'GET /api/editor/export': 'editor',
  'POST /api/editor/import': 'editor',
  'GET /api/editor/unanswered': 'editor',
  'POST /api/editor/unanswered/add-words': 'editor',
  'POST /api/editor/unanswered/dismiss': 'editor',
  'GET /api/indicators': 'public',
  'GET /api/console/config': 'public',
  'POST /api/console/login': 'sign-in',
  'POST /api/console/sso': 'sign-in',
  'POST /api/console/logout': 'agent',
  'GET /api/console/requests': 'agent',
  'GET /api/console/requests/:id': 'agent',
  'POST /api/console/requests/:id/take': 'agent',
  'POST /api/console/requests/:id/handback': 'agent',
  'POST /api/console/requests/:id/close': 'agent',
  'POST /api/console/requests/:id/messages': 'agent',
  'GET /api/health': 'public',
  'GET /metrics': 'metrics-token',
  'GET /api/ready': 'public',
};

// --- Keys and tokens ----------------------------------------------------------------------

const TENANT = 'tenant-1';
const APP_ID = 'app-1';
const HOST = 'assistant.example';
const RESOURCE = `api://${HOST}/${APP_ID}`;
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

const entraKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
const botKey = generateKeyPairSync('rsa', { modulusLength: 2048 });

function jwt(claims: Record<string, unknown>, key: KeyObject, header: Record<string, unknown> = { alg: 'RS256', kid: 'k1' }): string {
  const h = Buffer.from(JSON.stringify({ typ: 'JWT', ...header })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${h}.${p}.${sign('RSA-SHA256', Buffer.from(`${h}.${p}`), key).toString('base64url')}`;
}
const nowS = () => Math.floor(Date.now() / 1000);
/** A Teams SSO token as Entra ID issues it for the tab. */
const entraClaims = (roles: string[] = [], extra: Record<string, unknown> = {}) => ({
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  tid: TENANT,
  aud: RESOURCE,
  exp: nowS() + 600,
  nbf: nowS() - 60,
  oid: 'oid-1',
  name: 'Camille Teams',
  roles,
  ...extra,
});

// --- The service ---------------------------------------------------------------------------

let app: App;
let stub: ConnectorStub;
let base: string;
const data = tempDir('access-');
const logLines: Array<Record<string, unknown>> = [];
let agentToken: string;
let editorToken: string;

/** botframework-connector's OpenID metadata cache, keyed by the metadata URL. */
const BOT_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const metadataCache = (require('botframework-connector/lib/auth/jwtTokenExtractor') as { JwtTokenExtractor: { openIdMetadataCache: Map<string, unknown> } }).JwtTokenExtractor.openIdMetadataCache;
/** The Bot Framework's keys as the service sees them: unreachable (offline) or the test key. */
function botFrameworkKeys(mode: 'unreachable' | 'test-key'): void {
  metadataCache.set(BOT_METADATA_URL, {
    getKey: async (kid: string) => {
      if (mode === 'unreachable') {
        throw Object.assign(new Error(`request to ${BOT_METADATA_URL} failed, reason: getaddrinfo ENOTFOUND login.botframework.com`), { name: 'FetchError', type: 'system', code: 'ENOTFOUND' });
      }
      return kid === 'bf1' ? { key: botKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(), endorsements: ['test', 'msteams', 'directline', 'webchat'] } : null;
    },
  });
}

beforeAll(async () => {
  stub = await startConnectorStub();
  const env = {
    AGENT_ACCOUNTS: JSON.stringify([{ username: 'alice', name: 'Alice Martin', passwordHash: hashPassword('motdepasse-agent') }]),
    EDITOR_ACCOUNTS: JSON.stringify([{ username: 'claire', name: 'Claire Durand', passwordHash: hashPassword('motdepasse-editeur') }]),
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'app-password',
    TEAMS_TENANT_ID: TENANT,
    PUBLIC_URL: `https://${HOST}`,
    METRICS_TOKEN,
    LONG_TAIL: 'false',
  };
  const logger = createLogger('debug', (line) => logLines.push(JSON.parse(line) as Record<string, unknown>));
  app = await startApp(testConfig(data.dir, env), logger, { entraKeys: async () => [{ ...entraKey.publicKey.export({ format: 'jwk' }), kid: 'k1' }] });
  base = `http://127.0.0.1:${app.port}`;
  agentToken = (await call('POST', '/api/console/login', { body: { username: 'alice', password: 'motdepasse-agent' } })).json.token;
  editorToken = (await call('POST', '/api/editor/login', { body: { username: 'claire', password: 'motdepasse-editeur' } })).json.token;
  expect(agentToken).toEqual(expect.any(String));
  expect(editorToken).toEqual(expect.any(String));
});
afterAll(async () => {
  metadataCache.delete(BOT_METADATA_URL);
  await app?.close();
  await stub?.close();
  data.cleanup();
});

interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}
async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** The routes of a kind, with their parameters filled in. */
function routesOf(access: Access): Array<{ method: string; path: string; route: string }> {
  return Object.entries(ROUTES)
    .filter(([, a]) => a === access)
    .map(([route]) => {
      const [method, pattern] = route.split(' ') as [string, string];
      return { method, route, path: pattern.replace(/:[a-zA-Z]+/g, 'x-1').replace('*', 'x.js') };
    });
}

// --- The inventory -------------------------------------------------------------------------

it('every route the server mounts has an access rule in this test (a new route is noticed)', () => {
  const mounted = Object.values(app.server.router.getRoutes() as unknown as Record<string, { method: string; path: string }>).map((r) => `${r.method} ${String(r.path)}`);
  expect([...mounted].sort()).toEqual(Object.keys(ROUTES).sort());
});

// --- Console and editor sessions ------------------------------------------------------------

describe('the agent console API', () => {
  const routes = routesOf('agent');
  it.each(routes.map((r) => [r.route, r]))('%s: anonymous, tampered, expired, other-purpose and cookie sessions get 401', async (_name, r) => {
    const [payload, signature] = agentToken.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const raised = Buffer.from(JSON.stringify({ ...claims, id: 'local:someone-else' })).toString('base64url');
    const expired = new Sessions(app.directLineSecret, 3600, () => Date.now() - 2 * 3600_000).issue({ id: 'local:alice', name: 'Alice' }).token;
    const otherSecret = new Sessions('another-secret-of-another-service', 3600).issue({ id: 'local:alice', name: 'Alice' }).token;
    for (const token of [undefined, 'forged.token', `${raised}.${signature}`, `${payload}.${signature.slice(0, -2)}AA`, expired, otherSecret, editorToken]) {
      const answer = await call(r.method, r.path, { token, body: r.method === 'GET' ? undefined : {} });
      expect({ token: token?.slice(0, 12), status: answer.status, code: answer.json?.error?.code }).toEqual({ token: token?.slice(0, 12), status: 401, code: 'Unauthorized' });
    }
    // Never by cookie: a valid session in a cookie (as a cross-site request would carry it) is ignored.
    const cookie = await call(r.method, r.path, { headers: { cookie: `session=${agentToken}; token=${agentToken}; authorization=Bearer%20${agentToken}` }, body: r.method === 'GET' ? undefined : {} });
    expect(cookie.status).toBe(401);
  });
  it.each(routes.filter((r) => r.route !== 'POST /api/console/logout').map((r) => [r.route, r]))('%s: an agent session gets through', async (_name, r) => {
    const answer = await call(r.method, r.path, { token: agentToken, body: r.method === 'GET' ? undefined : { text: 'bonjour' } });
    expect([401, 403, 500]).not.toContain(answer.status);
  });
});

describe('the knowledge editor API', () => {
  const routes = routesOf('editor');
  it.each(routes.map((r) => [r.route, r]))('%s: anonymous, tampered, expired, other-purpose and cookie sessions get 401', async (_name, r) => {
    const [payload, signature] = editorToken.split('.') as [string, string];
    const expired = new Sessions(app.directLineSecret, 3600, () => Date.now() - 2 * 3600_000, 'editor-sessions-v1').issue({ id: 'local:claire', name: 'Claire' }).token;
    for (const token of [undefined, 'forged.token', `${payload}.${signature.slice(0, -2)}AA`, expired, agentToken]) {
      const answer = await call(r.method, r.path, { token, body: r.method === 'GET' ? undefined : {} });
      expect({ token: token?.slice(0, 12), status: answer.status, code: answer.json?.error?.code }).toEqual({ token: token?.slice(0, 12), status: 401, code: 'Unauthorized' });
    }
    const cookie = await call(r.method, r.path, { headers: { cookie: `session=${editorToken}; token=${editorToken}` }, body: r.method === 'GET' ? undefined : {} });
    expect(cookie.status).toBe(401);
  });
  // The regression check runs the whole evaluation: its access is proven by the refusals above.
  it.each(routes.filter((r) => r.route !== 'POST /api/editor/regression').map((r) => [r.route, r]))('%s: an editor session gets through', async (_name, r) => {
    const answer = await call(r.method, r.path, { token: editorToken, body: r.method === 'GET' ? undefined : {} });
    expect([401, 403, 500]).not.toContain(answer.status);
  });
});

// --- Teams single sign-on (Entra ID) --------------------------------------------------------

describe('Teams sign-in: Entra ID tokens validated with the tenant keys, audience, issuer, role', () => {
  const sso = (who: 'console' | 'editor', token: string) => call('POST', `/api/${who}/sso`, { body: { token } });

  it('an agent holding the Handoff.Agent role signs in to the console, and only there', async () => {
    const ok = await sso('console', jwt(entraClaims(['Handoff.Agent']), entraKey.privateKey));
    expect(ok.status).toBe(200);
    expect(ok.json.agent).toEqual({ id: 'oid-1', name: 'Camille Teams' });
    expect((await call('GET', '/api/console/requests', { token: ok.json.token })).status).toBe(200);
    expect((await call('GET', '/api/editor/entries', { token: ok.json.token })).status).toBe(401);
    expect((await sso('editor', jwt(entraClaims(['Handoff.Agent']), entraKey.privateKey))).status).toBe(401);
  });

  it('an editor holding the Knowledge.Editor role signs in to the editor, and only there', async () => {
    const ok = await sso('editor', jwt(entraClaims(['Knowledge.Editor']), entraKey.privateKey));
    expect(ok.status).toBe(200);
    expect((await call('GET', '/api/editor/entries', { token: ok.json.token })).status).toBe(200);
    expect((await call('GET', '/api/console/requests', { token: ok.json.token })).status).toBe(401);
    expect((await sso('console', jwt(entraClaims(['Knowledge.Editor']), entraKey.privateKey))).status).toBe(401);
  });

  const refused: Array<[string, () => string]> = [
    ['a user of the tenant without any role', () => jwt(entraClaims([]), entraKey.privateKey)],
    ['a token of another tenant', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor'], { tid: 'tenant-2', iss: 'https://login.microsoftonline.com/tenant-2/v2.0' }), entraKey.privateKey)],
    ['a token naming another tenant under the right issuer', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor'], { tid: 'tenant-2' }), entraKey.privateKey)],
    ['a token for another audience', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor'], { aud: 'api://elsewhere.example/app-9' }), entraKey.privateKey)],
    ['an expired token', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor'], { exp: nowS() - 60 }), entraKey.privateKey)],
    ['a token not valid yet', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor'], { nbf: nowS() + 3600 }), entraKey.privateKey)],
    ['a token signed by another key under the tenant key id', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor']), otherKey.privateKey)],
    ['a token signed by an unknown key', () => jwt(entraClaims(['Handoff.Agent', 'Knowledge.Editor']), otherKey.privateKey, { alg: 'RS256', kid: 'k9' })],
    ['an unsigned token (alg none)', () => `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify(entraClaims(['Handoff.Agent', 'Knowledge.Editor']))).toString('base64url')}.`],
    ['a token whose roles were edited after signing', () => {
      const [h, , s] = jwt(entraClaims([]), entraKey.privateKey).split('.');
      return `${h}.${Buffer.from(JSON.stringify(entraClaims(['Handoff.Agent', 'Knowledge.Editor']))).toString('base64url')}.${s}`;
    }],
    ['garbage', () => 'not-a-token'],
  ];
  it("follows Entra ID's key rollover, without letting made-up key ids make it call Entra ID", async () => {
    let clock = Date.now();
    let fetches = 0;
    let published = [{ ...entraKey.publicKey.export({ format: 'jwk' }), kid: 'k1' }];
    const validator = new EntraValidator({ tenantId: TENANT, appId: APP_ID, resource: RESOURCE }, async () => { fetches++; return published; }, () => clock);
    await validator.validate(jwt(entraClaims(), entraKey.privateKey));
    // Made-up key ids within 5 minutes: no new fetch.
    for (let i = 0; i < 5; i++) await expect(validator.validate(jwt(entraClaims(), otherKey.privateKey, { alg: 'RS256', kid: `zz${i}` }))).rejects.toThrow(/unknown signing key/);
    expect(fetches).toBe(1);
    // Entra ID rolls its keys over: a token signed by the new key is accepted after a refetch.
    published = [...published, { ...otherKey.publicKey.export({ format: 'jwk' }), kid: 'k2' }];
    clock += 301_000;
    const claims = entraClaims([], { exp: Math.floor(clock / 1000) + 600, nbf: Math.floor(clock / 1000) - 60 });
    await expect(validator.validate(jwt(claims, otherKey.privateKey, { alg: 'RS256', kid: 'k2' }))).resolves.toEqual({ id: 'oid-1', name: 'Camille Teams' });
    expect(fetches).toBe(2);
  });

  it.each(refused)('refuses %s on both sign-ins (401, no session)', async (_name, make) => {
    for (const who of ['console', 'editor'] as const) {
      const answer = await sso(who, make());
      expect({ who, status: answer.status, code: answer.json?.error?.code, token: answer.json?.token }).toEqual({ who, status: 401, code: 'BadToken', token: undefined });
    }
  });
});

// --- Direct Line ------------------------------------------------------------------------------

describe('Direct Line: a token opens its own conversation only', () => {
  let a: { token: string; conversationId: string };
  let b: { token: string; conversationId: string };
  beforeAll(async () => {
    a = (await call('POST', '/api/directline/token')).json;
    b = (await call('POST', '/api/directline/token')).json;
    for (const c of [a, b]) expect((await call('POST', '/v3/directline/conversations', { token: c.token })).status).toBeLessThan(300);
    expect((await call('POST', `/v3/directline/conversations/${a.conversationId}/activities`, { token: a.token, body: { type: 'message', from: { id: 'user-a' }, text: 'bonjour' } })).status).toBe(200);
  });

  it("the token of conversation A neither reads nor writes conversation B (HTTP and WebSocket)", async () => {
    const id = b.conversationId;
    expect((await call('GET', `/v3/directline/conversations/${id}`, { token: a.token })).status).toBe(403);
    expect((await call('GET', `/v3/directline/conversations/${id}/activities`, { token: a.token })).status).toBe(403);
    expect((await call('POST', `/v3/directline/conversations/${id}/activities`, { token: a.token, body: { type: 'message', from: { id: 'user-a' }, text: 'intrusion' } })).status).toBe(403);
    expect((await call('POST', `/v3/directline/conversations/${id}/upload`, { token: a.token, body: {} })).status).toBe(403);
    // Its own conversation stays open to it.
    expect((await call('GET', `/v3/directline/conversations/${a.conversationId}/activities`, { token: a.token })).status).toBe(200);
    const stream = (token: string, conversationId: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${app.port}/v3/directline/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}`);
        ws.on('open', () => { ws.close(); resolve(101); });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    expect(await stream(a.token, id)).toBe(403);
    expect(await stream(a.token, a.conversationId)).toBe(101);
  });

  it.each(routesOf('directline-token').map((r) => [r.route, r]))('%s: no token 401, a forged one 403', async (_name, r) => {
    const path = r.path.replace('x-1', b.conversationId);
    expect((await call(r.method, path, { body: r.method === 'GET' ? undefined : {} })).status).toBe(401);
    const [h, p] = b.token.split('.');
    expect((await call(r.method, path, { token: `${h}.${p}.AAAA`, body: r.method === 'GET' ? undefined : {} })).status).toBe(403);
  });

  it('only the secret generates tokens; a visitor token does not', async () => {
    expect((await call('POST', '/v3/directline/tokens/generate')).status).toBe(401);
    expect((await call('POST', '/v3/directline/tokens/generate', { token: a.token })).status).toBe(403);
    expect((await call('POST', '/v3/directline/tokens/generate', { token: app.directLineSecret, body: {} })).status).toBe(200);
  });

  it.each(routesOf('connector-key').map((r) => [r.route, r]))("%s: without the service's connector key, 404", async (_name, r) => {
    const answer = await call(r.method, r.path.replace('x-1', b.conversationId), { body: r.method === 'GET' || r.method === 'DELETE' ? undefined : { type: 'message', text: 'faux message du bot' } });
    expect(answer.status).toBe(404);
  });
});

// --- Transcript links -----------------------------------------------------------------------

describe('transcript links: signed and expiring', () => {
  it('a valid link opens its transcript; a tampered, swapped or expired one is refused', async () => {
    const mine = await app.handoffStore.create({ conversationId: 'c-mine', channelId: 'directline', reference: {}, lang: 'fr', summary: 'ma demande', state: 'closed' } as any);
    const theirs = await app.handoffStore.create({ conversationId: 'c-theirs', channelId: 'directline', reference: {}, lang: 'fr', summary: 'leur demande', state: 'closed' } as any);
    const links = new TranscriptLinks(app.directLineSecret, '');
    const url = new URL(links.url(mine.id), base);
    const get = (u: URL) => call('GET', `${u.pathname}${u.search}`);
    expect((await get(url)).status).toBe(200);
    const tampered = new URL(url);
    tampered.searchParams.set('s', `${url.searchParams.get('s')!.slice(0, -2)}AA`);
    expect((await get(tampered)).status).toBe(403);
    const swapped = new URL(url);
    swapped.pathname = `/api/transcripts/${encodeURIComponent(theirs.id)}`;
    expect((await get(swapped)).status).toBe(403);
    const extended = new URL(url);
    extended.searchParams.set('e', String(Number(url.searchParams.get('e')) + 86400));
    expect((await get(extended)).status).toBe(403);
    const old = new URL(new TranscriptLinks(app.directLineSecret, '', 60, () => Date.now() - 3600_000).url(mine.id), base);
    expect((await get(old)).status).toBe(403);
    const foreign = new URL(new TranscriptLinks('another-secret-of-another-service', '').url(mine.id), base);
    expect((await get(foreign)).status).toBe(403);
    expect((await call('GET', `/api/transcripts/${encodeURIComponent(mine.id)}`)).status).toBe(403);
  });
});

// --- Bot Framework tokens on /api/messages ----------------------------------------------------

describe('/api/messages: Bot Framework tokens required when MicrosoftAppId is set', () => {
  const activity = (extra: Record<string, unknown> = {}) => ({
    type: 'typing',
    id: 'act-1',
    channelId: 'test',
    serviceUrl: stub.url,
    conversation: { id: 'bf-conv-1' },
    from: { id: 'user-1' },
    recipient: { id: 'bot' },
    ...extra,
  });
  const botClaims = (extra: Record<string, unknown> = {}) => ({ iss: 'https://api.botframework.com', aud: APP_ID, exp: nowS() + 600, nbf: nowS() - 60, serviceurl: stub.url, ...extra });
  const post = (authorization?: string) => call('POST', '/api/messages', { body: activity(), headers: authorization ? { authorization } : {} });
  const refusals = () => logLines.filter((l) => l.msg === 'bot framework token refused' || l.message === 'bot framework token refused');
  // botframework-connector itself still prints one console.error line when a signature does
  // not verify or a token has expired (its JwtTokenExtractor); botbuilder's process() printed
  // a stack for every refusal, which the service no longer calls.
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => consoleError.mockRestore());

  it('no Authorization header, or not a bearer token: 401 with a short body', async () => {
    botFrameworkKeys('test-key');
    for (const header of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer not-a-jwt']) {
      const answer = await post(header);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: { code: 'Unauthorized', message: 'a valid Bot Framework token is required' } });
    }
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('a self-signed token when the signing keys cannot be fetched (no internet): 401, no stack, a precise log line', async () => {
    botFrameworkKeys('unreachable');
    const before = refusals().length;
    const answer = await post(`Bearer ${jwt(botClaims(), otherKey.privateKey, { alg: 'RS256', kid: 'bf1' })}`);
    expect(answer.status).toBe(401);
    expect(answer.text).not.toMatch(/ENOTFOUND|login\.botframework|at .*\.js|Error/);
    const line = refusals().slice(before)[0];
    expect(line).toMatchObject({ level: expect.stringMatching(/error|50/), reason: expect.stringContaining('Bot Framework signing keys unavailable') });
    expect(line).not.toHaveProperty('err');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it.each([
    ['a forged token (signed by another key)', () => jwt(botClaims(), otherKey.privateKey, { alg: 'RS256', kid: 'bf1' })],
    ['a token for another bot (audience)', () => jwt(botClaims({ aud: 'another-bot' }), botKey.privateKey, { alg: 'RS256', kid: 'bf1' })],
    ['a token from another issuer', () => jwt(botClaims({ iss: 'https://evil.example' }), botKey.privateKey, { alg: 'RS256', kid: 'bf1' })],
    ['an expired token', () => jwt(botClaims({ exp: nowS() - 3600, nbf: nowS() - 7200 }), botKey.privateKey, { alg: 'RS256', kid: 'bf1' })],
    ['a token for another service URL', () => jwt(botClaims({ serviceurl: 'https://evil.example/' }), botKey.privateKey, { alg: 'RS256', kid: 'bf1' })],
    ['a token with an unknown key id', () => jwt(botClaims(), botKey.privateKey, { alg: 'RS256', kid: 'zz' })],
  ])('%s: 401 and a log line', async (_name, make) => {
    botFrameworkKeys('test-key');
    const before = refusals().length;
    const answer = await post(`Bearer ${make()}`);
    expect(answer.status).toBe(401);
    expect(answer.json?.error?.code).toBe('Unauthorized');
    expect(refusals().length).toBe(before + 1);
  });

  it("with botbuilder's own key fetching (offline here: DNS fails), a forged token is still a 401 with no stack", async () => {
    metadataCache.delete(BOT_METADATA_URL);
    const before = refusals().length;
    const answer = await post(`Bearer ${jwt(botClaims(), otherKey.privateKey, { alg: 'RS256', kid: 'bf1' })}`);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: { code: 'Unauthorized', message: 'a valid Bot Framework token is required' } });
    expect(refusals().length).toBe(before + 1);
  });

  it('a token signed by the Bot Framework for this bot is accepted (the control)', async () => {
    botFrameworkKeys('test-key');
    const answer = await post(`Bearer ${jwt(botClaims(), botKey.privateKey, { alg: 'RS256', kid: 'bf1' })}`);
    expect(answer.status).toBe(200);
  });
});

// --- Other guarded routes -----------------------------------------------------------------------

it('/metrics needs METRICS_TOKEN when it is set', async () => {
  expect((await call('GET', '/metrics')).status).toBe(401);
  expect((await call('GET', '/metrics', { token: 'wrong' })).status).toBe(401);
  expect((await call('GET', '/metrics', { token: METRICS_TOKEN })).status).toBe(200);
});

it("pages are served by their routes only (with their nonce), not as files under /web/", async () => {
  for (const file of ['index.html', 'console.html', 'editor.html', 'indicators.html']) expect((await call('GET', `/web/${file}`)).status).toBe(404);
  expect((await call('GET', '/web/app.js')).status).toBe(200);
});

it('the public routes answer without credentials', async () => {
  for (const r of routesOf('public')) {
    if (r.path.includes('x.js')) continue;
    const answer = await call(r.method, r.path);
    expect({ route: r.route, status: answer.status }).toEqual({ route: r.route, status: r.route === 'GET /api/ready' ? expect.any(Number) : 200 });
  }
});

// --- Headers: CSRF, CORS, security headers ------------------------------------------------------

describe('headers on every route', () => {
  it('no response sets a cookie or allows any origin (sessions are Bearer headers, never cookies)', async () => {
    const answers: Array<[string, Answer]> = [];
    for (const [route] of Object.entries(ROUTES)) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:[a-zA-Z]+/g, 'x-1').replace('*', 'x.js');
      answers.push([route, await call(method, path, { headers: { origin: 'https://evil.example' }, body: method === 'GET' || method === 'DELETE' ? undefined : {} })]);
      // A preflight from another site is not granted either.
      answers.push([`OPTIONS ${pattern}`, await call('OPTIONS', path, { headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } })]);
    }
    answers.push(['unmatched', await call('GET', '/nowhere', { headers: { origin: 'https://evil.example' } })]);
    for (const [route, answer] of answers) {
      expect({ route, cookie: answer.headers.get('set-cookie'), acao: answer.headers.get('access-control-allow-origin') }).toEqual({ route, cookie: null, acao: null });
    }
  });

  it('CSP, HSTS (https PUBLIC_URL), nosniff, referrer and permissions policies on pages, APIs, refusals and 404s', async () => {
    for (const path of ['/', '/console', '/editeur', '/indicateurs', '/api/health', '/api/console/requests', '/api/editor/entries', '/nowhere', '/web/app.js']) {
      const answer = await call('GET', path);
      const h = answer.headers;
      const csp = h.get('content-security-policy') ?? '';
      expect({ path, script: /script-src 'self'(;|$)/.test(csp), inline: csp.includes('unsafe-inline') || csp.includes('unsafe-eval'), object: csp.includes("object-src 'none'"), base: csp.includes("base-uri 'none'") }).toEqual({ path, script: true, inline: false, object: true, base: true });
      expect(h.get('strict-transport-security')).toBe('max-age=31536000');
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(h.get('permissions-policy')).toContain('camera=()');
      expect(h.get('permissions-policy')).toContain('microphone=()');
      expect(h.get('permissions-policy')).toContain('geolocation=()');
    }
  });

  it('frame-ancestors: Teams for the tabs only, this origin elsewhere', async () => {
    const ancestors = async (path: string) => /frame-ancestors ([^;]+)/.exec((await call('GET', path)).headers.get('content-security-policy') ?? '')?.[1]?.split(' ');
    for (const tab of ['/console', '/editeur']) {
      expect(await ancestors(tab)).toEqual(["'self'", 'https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://teams.cloud.microsoft']);
    }
    for (const path of ['/', '/indicateurs', '/api/health', '/web/app.js']) {
      expect(await ancestors(path)).toEqual(["'self'"]);
      expect((await call('GET', path)).headers.get('x-frame-options')).toBe('SAMEORIGIN');
    }
  });
});

describe('headers under other settings', () => {
  it('FRAME_ANCESTORS opens the public pages to the listed sites, never the tabs or the APIs', () => {
    const options = { publicUrl: '', frameAncestors: ['https://www.val-doise.gouv.fr'], connectOrigins: [], trustProxy: 0 };
    const ancestors = (path: string) => /frame-ancestors ([^;]+)/.exec(contentSecurityPolicy(path, 'n', 'h.example', options))?.[1];
    expect(ancestors('/')).toBe("'self' https://www.val-doise.gouv.fr");
    expect(ancestors('/indicateurs')).toBe("'self' https://www.val-doise.gouv.fr");
    expect(ancestors('/console')).not.toContain('val-doise');
    expect(ancestors('/api/console/requests')).toBe("'self'");
  });

  it("azure mode lets the pages reach Azure's Direct Line (https and wss), nothing else", () => {
    const csp = contentSecurityPolicy('/', 'n', 'h.example', { publicUrl: '', frameAncestors: [], connectOrigins: originsOf('https://europe.directline.botframework.com/v3/directline'), trustProxy: 0 });
    expect(/connect-src ([^;]+)/.exec(csp)?.[1]).toBe("'self' ws://h.example wss://h.example https://europe.directline.botframework.com wss://europe.directline.botframework.com");
    // A Host header that is not a host name does not reach the policy.
    expect(contentSecurityPolicy('/', 'n', "evil.example; script-src 'unsafe-inline'", { publicUrl: '', frameAncestors: [], connectOrigins: [], trustProxy: 0 })).not.toContain('unsafe-inline');
  });

  it('HSTS behind a trusted proxy that says https, not on a plain http request', async () => {
    const d = tempDir('access-hsts-');
    const behind = await startApp(testConfig(d.dir, { TRUST_PROXY: '1', LONG_TAIL: 'false' }), createLogger('error', () => undefined));
    try {
      const get = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${behind.port}/api/health`, { headers }).then((r) => r.headers.get('strict-transport-security'));
      expect(await get({ 'x-forwarded-proto': 'https' })).toBe('max-age=31536000');
      expect(await get({})).toBeNull();
      expect(await get({ 'x-forwarded-proto': 'http' })).toBeNull();
    } finally {
      await behind.close();
      d.cleanup();
    }
  });
});

// --- Sign-in limits -------------------------------------------------------------------------------

it('sign-in attempts are rate-limited per client address, with Retry-After', async () => {
  for (const who of ['console', 'editor'] as const) {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const answer = await call('POST', `/api/${who}/login`, { body: { username: 'mallory', password: `guess-${i}` } });
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
    }
    expect(statuses).toContain(401);
    expect(statuses.slice(-1)).toEqual([429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  }
});

// --- Configuration ---------------------------------------------------------------------------------

describe('configuration', () => {
  it('production mode refuses to start without MicrosoftAppId (no open /api/messages)', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (err) {
      expect((err as ConfigError).variable).toBe('MicrosoftAppId');
      expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    }
    const config = loadConfig({ NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x' });
    expect(config.production).toBe(true);
    expect(loadConfig({}).production).toBe(false);
  });

  it('local passwords are kept as salted scrypt hashes, checked off the event loop', async () => {
    const one = hashPassword('une phrase de passe longue');
    const two = hashPassword('une phrase de passe longue');
    expect(one).toMatch(/^scrypt\$16384\$[\w-]{22}\$[\w-]{43}$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('phrase');
    for (const hash of [one, two]) {
      expect(await verifyPasswordAsync('une phrase de passe longue', hash)).toBe(true);
      expect(verifyPassword('une phrase de passe longue', hash)).toBe(true);
      expect(await verifyPasswordAsync('une phrase de passe longuE', hash)).toBe(false);
    }
    expect(await verifyPasswordAsync('x', 'md5$abc')).toBe(false);
  });

  it('app roles and frame ancestors are checked', () => {
    expect(loadConfig({}).console.entraRole).toBe('Handoff.Agent');
    expect(loadConfig({ CONSOLE_ENTRA_ROLE: 'Accueil.Agent' }).console.entraRole).toBe('Accueil.Agent');
    expect(() => loadConfig({ CONSOLE_ENTRA_ROLE: 'two words' })).toThrow(/CONSOLE_ENTRA_ROLE/);
    expect(loadConfig({ FRAME_ANCESTORS: 'https://www.val-doise.gouv.fr, https://*.val-doise.gouv.fr' }).frameAncestors).toEqual(['https://www.val-doise.gouv.fr', 'https://*.val-doise.gouv.fr']);
    expect(() => loadConfig({ FRAME_ANCESTORS: "http://insecure.example 'unsafe-inline'" })).toThrow(/FRAME_ANCESTORS/);
    expect(() => loadConfig({ FRAME_ANCESTORS: '*' })).toThrow(/FRAME_ANCESTORS/);
  });
});
