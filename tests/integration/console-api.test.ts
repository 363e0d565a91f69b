/**
 * The agent console's API: only signed-in agents (local accounts with hashed passwords, or
 * a Teams SSO token validated against the tenant's keys) see and act on requests.
 */
import { generateKeyPairSync, sign } from 'crypto';
import { App } from '../../bot/server';
import { hashPassword } from '../../bot/console/accounts';
import { EntraValidator } from '../../bot/console/entra';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';

const OPEN = () => new Date('2026-11-23T09:00:00Z');
let stub: ConnectorStub;
let app: App;
const data = tempDir('console-');
let base: string;

beforeAll(async () => {
  stub = await startConnectorStub();
  app = await startTestApp(data.dir, { AGENT_ACCOUNTS: JSON.stringify([{ username: 'alice', name: 'Alice Martin', passwordHash: hashPassword('motdepasse-solide') }, { username: 'bob', name: 'Bob Durand', passwordHash: hashPassword('autre-motdepasse') }]) }, undefined, undefined, OPEN);
  base = `http://127.0.0.1:${app.port}/api/console`;
});
afterAll(async () => {
  await app.close();
  await stub.close();
  data.cleanup();
});

const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });
const login = (username: string, password: string) => fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }).then(json);
/** One session per agent for the whole file: sign-ins are rate-limited per address. */
const sessionsByAgent = new Map<string, any>();
async function session(username: 'alice' | 'bob'): Promise<any> {
  if (!sessionsByAgent.has(username)) sessionsByAgent.set(username, (await login(username, username === 'alice' ? 'motdepasse-solide' : 'autre-motdepasse')).body);
  return sessionsByAgent.get(username);
}
const call = (token: string | undefined, path: string, body?: unknown) =>
  fetch(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) }).then(json);

it('refuses wrong passwords, unknown accounts and calls without a valid session', async () => {
  await session('alice');
  await session('bob');
  expect((await login('alice', 'wrong')).status).toBe(401);
  expect((await login('mallory', 'motdepasse-solide')).status).toBe(401);
  expect((await call(undefined, '/requests')).status).toBe(401);
  expect((await call('forged.token', '/requests')).status).toBe(401);
  expect((await call(undefined, '/requests/x/take', {})).status).toBe(401);
  // Guessing passwords is slowed down: sign-ins are rate-limited per address.
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await login('alice', `guess-${i}`)).status);
  expect(statuses).toContain(429);
});

it('lets an agent take, write, and close; another agent cannot act on it', async () => {
  const person = new TestConversation(app, stub);
  await person.say('je veux parler à un agent', 1);
  const alice = await session('alice');
  const bob = await session('bob');
  expect(alice.agent).toEqual({ id: 'local:alice', name: 'Alice Martin' });
  const { body: lists } = await call(alice.token, '/requests');
  const request = lists.waiting.find((r: any) => r.summary.includes('agent'));
  expect(request).toMatchObject({ state: 'waiting', lang: 'fr', owner: null });

  const from = stub.sent.length;
  expect((await call(alice.token, `/requests/${request.id}/take`, {})).status).toBe(200);
  const [taken] = await stub.waitFor(person.id, 1, from);
  expect(taken!.activity.text).toContain('Alice');
  expect(taken!.activity.text).not.toContain('Martin');
  const again = await call(bob.token, `/requests/${request.id}/take`, {});
  expect(again.status).toBe(409);
  expect(again.body.error.message).toContain('Alice');
  expect((await call(bob.token, `/requests/${request.id}/messages`, { text: 'bonjour' })).status).toBe(403);

  const before = stub.sent.length;
  expect((await call(alice.token, `/requests/${request.id}/messages`, { text: 'Bonjour, je vous écoute.' })).status).toBe(200);
  const [said] = await stub.waitFor(person.id, 1, before);
  expect(said!.activity.text).toContain('Bonjour, je vous écoute.');
  const { body: detail } = await call(alice.token, `/requests/${request.id}`);
  expect(detail.transcript.map((l: any) => l.from)).toContain('agent');
  expect((await call(alice.token, `/requests/${request.id}/close`, {})).status).toBe(200);
  expect((await call(alice.token, `/requests/${request.id}/messages`, { text: 'encore' })).status).toBe(409);
  expect((await call(alice.token, '/requests/nope/take', {})).status).toBe(404);
});

it('an agent who signs out: their ongoing conversations go back to the queue', async () => {
  const person = new TestConversation(app, stub);
  await person.say('un conseiller svp', 1);
  const bob = await session('bob');
  const request = (await call(bob.token, '/requests')).body.waiting.find((r: any) => r.summary.includes('conseiller'));
  expect((await call(bob.token, `/requests/${request.id}/take`, {})).status).toBe(200);
  expect((await call(bob.token, '/logout', {})).body).toEqual({ requeued: 1 });
  expect((await call(bob.token, '/requests')).body.waiting.map((r: any) => r.id)).toContain(request.id);
  await app.handoffStore.setState(request.id, 'cancelled');
});

it('marks a message left while the desk was closed as handled', async () => {
  const alice = await session('alice');
  const left = await app.handoffStore.create({ conversationId: 'c-left', channelId: 'directline', reference: {}, lang: 'fr', summary: 'rappelez-moi', state: 'message', contact: 'x@example.org', message: 'rappelez-moi' });
  expect((await call(alice.token, '/requests')).body.messages.map((m: any) => m.id)).toContain(left.id);
  expect((await call(alice.token, `/requests/${left.id}/close`, {})).status).toBe(200);
  expect((await call(alice.token, '/requests')).body.messages.map((m: any) => m.id)).not.toContain(left.id);
});

describe('Teams single sign-on', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' };
  const settings = { tenantId: 'tenant-1', appId: 'app-1', resource: 'api://assistant.example/app-1' };
  const token = (claims: Record<string, unknown>, kid = 'k1') => {
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', kid })).toString('base64url');
    const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${h}.${p}.${sign('RSA-SHA256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url')}`;
  };
  const good = { iss: 'https://login.microsoftonline.com/tenant-1/v2.0', tid: 'tenant-1', aud: 'api://assistant.example/app-1', exp: Math.floor(Date.now() / 1000) + 600, oid: 'oid-alice', name: 'Alice Martin' };
  const validator = new EntraValidator(settings, async () => [jwk]);

  it('accepts a token signed by the tenant for the tab', async () => {
    expect(await validator.validate(token(good))).toEqual({ id: 'oid-alice', name: 'Alice Martin' });
  });
  it.each([
    ['another tenant', { ...good, tid: 'tenant-2', iss: 'https://login.microsoftonline.com/tenant-2/v2.0' }, /issuer|tenant/],
    ['another audience', { ...good, aud: 'api://elsewhere/app-9' }, /audience/],
    ['an expired token', { ...good, exp: Math.floor(Date.now() / 1000) - 10 }, /expired/],
  ])('refuses %s', async (_name, claims, reason) => {
    await expect(validator.validate(token(claims))).rejects.toThrow(reason);
  });
  it('refuses a token signed by another key', async () => {
    await expect(validator.validate(token(good, 'k2'))).rejects.toThrow(/unknown signing key/);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const h = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1' })).toString('base64url');
    const p = Buffer.from(JSON.stringify(good)).toString('base64url');
    const forged = `${h}.${p}.${sign('RSA-SHA256', Buffer.from(`${h}.${p}`), other.privateKey).toString('base64url')}`;
    await expect(validator.validate(forged)).rejects.toThrow(/bad signature/);
  });
  it('is off when Teams is not configured', async () => {
    expect((await call(undefined, '/config')).body).toEqual({ teamsSso: false });
    expect((await fetch(`${base}/sso`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token(good) }) })).status).toBe(404);
  });
});
