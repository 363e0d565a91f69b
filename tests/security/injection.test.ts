/**
 * Injection through what a person writes, outside the browser: the Teams request card and
 * the messages relayed to the agents' thread carry the person's text as plain text (a
 * TextRun, `textFormat: 'plain'`), never as Markdown that would render links or images, and
 * never as card elements; the console and editor APIs hand the text over unchanged, as JSON
 * strings (the pages' escaping is proven in Chromium: tests/e2e/injection.e2e.test.ts).
 */
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { hashPassword } from '../../bot/console/accounts';
import { requestCard } from '../../bot/teams/request-card';
import { startConnectorStub, ConnectorStub, SentActivity } from '../helpers/connector-stub';
import { startTestApp, tempDir } from '../helpers/bot-harness';
import { ALL_IN_ONE, PAYLOADS } from './payloads';
import { TEAMS_AGENTS_CHANNEL as AGENTS, TEAMS_TEAM as TEAM, TEAMS_TENANT as TENANT, teamsActivity } from '../helpers/teams-activities';

const fr = translator('fr');
const clock = new Date('2026-11-23T09:00:00Z');

let stub: ConnectorStub;
let app: App;
const data = tempDir('injection-');

beforeAll(async () => {
  stub = await startConnectorStub();
  app = await startTestApp(
    data.dir,
    {
      TEAMS_TENANT_ID: TENANT,
      TEAMS_AGENTS_CHANNEL_ID: AGENTS,
      TOKEN_RATE_PER_MINUTE: '1000',
      INDICATORS_MIN_COUNT: '1',
      LONG_TAIL: 'false',
      AGENT_ACCOUNTS: JSON.stringify([{ username: 'agent', name: 'Agent', passwordHash: hashPassword('agent password long') }]),
      EDITOR_ACCOUNTS: JSON.stringify([{ username: 'editor', name: 'Editor', passwordHash: hashPassword('editor password long') }]),
    },
    undefined,
    undefined,
    () => clock,
  );
  await api({ ...teamsBase(TEAM), type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }], channelData: { eventType: 'teamMemberAdded', tenant: { id: TENANT }, team: { id: TEAM } } });
});
afterAll(async () => {
  await app.close();
  await stub.close();
  data.cleanup();
});

const api = (body: unknown) => fetch(`http://127.0.0.1:${app.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const teamsBase = (conversationId: string) => teamsActivity(stub.url, conversationId);

/** A person on the website (built-in Direct Line, polling). */
async function person() {
  const base = `http://127.0.0.1:${app.port}/v3/directline`;
  const { token, conversationId } = (await (await fetch(`http://127.0.0.1:${app.port}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
  const auth = { authorization: `Bearer ${token}` };
  await fetch(`${base}/conversations`, { method: 'POST', headers: auth });
  return {
    conversationId,
    say: async (text: string) => {
      const r = await fetch(`${base}/conversations/${conversationId}/activities`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text, locale: 'fr-FR' }) });
      expect(r.status).toBe(200);
    },
  };
}

async function waitSent(pred: (s: SentActivity) => boolean, ms = 8000): Promise<SentActivity> {
  const end = Date.now() + ms;
  for (;;) {
    const found = stub.sent.find(pred);
    if (found) return found;
    if (Date.now() > end) throw new Error('nothing matching was sent to Teams');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every element (`type`) of a card, its actions included, walked through. */
function elements(card: any): any[] {
  const out: any[] = [];
  const walk = (x: any): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (typeof x.type === 'string') out.push(x);
      Object.values(x).forEach(walk);
    }
  };
  walk(card.body);
  walk(card.actions);
  return out;
}

/** Where the payload's text sits in a card: the paths of the strings that contain it. */
function whereIs(card: any, needle: string): string[] {
  const out: string[] = [];
  const walk = (x: any, at: string): void => {
    if (typeof x === 'string') {
      if (x.includes(needle)) out.push(at);
    } else if (Array.isArray(x)) x.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, `${at}.${k}${typeof v === 'object' && v && 'type' in v ? `<${(v as any).type}>` : ''}`);
  };
  walk(card, 'card');
  return out;
}

/** The card's elements are only the ones the service builds: no image, no link, no media. */
function expectOnlyOwnElements(card: any): void {
  const types = new Set(elements(card).map((e) => e.type));
  for (const t of types) expect(['TextBlock', 'FactSet', 'RichTextBlock', 'TextRun', 'Action.Execute']).toContain(t);
  for (const e of elements(card)) {
    if (e.type === 'TextBlock') for (const p of PAYLOADS) expect(String(e.text)).not.toContain(p);
  }
}

describe('the Teams request card and the relayed messages', () => {
  it('shows what the person wrote as a plain TextRun, with no injected element, link or image', async () => {
    const p = await person();
    await p.say(ALL_IN_ONE);
    await p.say('je veux parler à un agent');
    const created = await waitSent((s) => s.kind === 'create' && s.conversationId.startsWith(AGENTS) && JSON.stringify(s.activity).includes('pwned'));
    const card = created.activity.attachments[0].content;
    expectOnlyOwnElements(card);
    // The whole text is a TextRun's text (plain text in Adaptive Cards: no Markdown), as typed.
    const runs = elements(card).filter((e) => e.type === 'TextRun');
    // (The remembered question is cut to a few hundred characters: its start is compared.)
    expect(runs.some((r) => r.text.startsWith(ALL_IN_ONE.slice(0, 300)))).toBe(true);
    for (const p of PAYLOADS) for (const at of whereIs(card, p)) expect(at).toMatch(/<RichTextBlock>\.inlines\[0\]\.text$|\.inlines\[0\]\.text$/);
    // The actions are the service's own Universal Actions.
    for (const a of card.actions) expect(a.type).toBe('Action.Execute');

    // Taken by an agent: the updated card keeps the text plain.
    const requestId = card.actions[0].data.requestId;
    const taken = await api({ ...teamsBase(created.conversationId), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'take', data: { requestId } } } });
    expect(taken.status).toBe(200);
    const update = await waitSent((s) => s.kind === 'update' && JSON.stringify(s.activity).includes('pwned'));
    expectOnlyOwnElements(update.activity.attachments[0].content);

    // What the person writes next reaches the thread as plain text (textFormat 'plain').
    for (const payload of PAYLOADS) {
      await p.say(payload);
      const relayed = await waitSent((s) => s.kind === 'send' && s.conversationId === created.conversationId && s.activity.text === fr('teams.personSays', { text: payload }));
      expect(relayed.activity.textFormat).toBe('plain');
      expect(relayed.activity.attachments ?? []).toEqual([]);
    }
  });

  it('builds the card with the person\'s text as data, whatever it holds', () => {
    const request = {
      id: 'r1', conversationId: 'c1', state: 'waiting', lang: 'fr', createdAt: clock.toISOString(), summary: ALL_IN_ONE, contact: undefined,
    } as unknown as Parameters<typeof requestCard>[0];
    const card = requestCard(request, 'Carte grise', fr, clock);
    expectOnlyOwnElements(card);
    expect(card.body).toHaveLength(4);
    expect(JSON.parse(JSON.stringify(card))).toEqual(card);
  });
});

describe('the console and editor APIs', () => {
  const base = () => `http://127.0.0.1:${app.port}`;
  const login = async (path: string, username: string, password: string): Promise<string> =>
    ((await (await fetch(`${base()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })).json()) as { token: string }).token;

  it('hand the text to the agents\' console unchanged, as a JSON string', async () => {
    const token = await login('/api/console/login', 'agent', 'agent password long');
    const r = await fetch(`${base()}/api/console/requests`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    const lists = (await r.json()) as { waiting: any[]; ongoing: any[] };
    const all = [...lists.waiting, ...lists.ongoing];
    expect(all.some((x) => String(x.summary).startsWith(ALL_IN_ONE.slice(0, 300)))).toBe(true);
  });

  it('hand unanswered questions to the editors unchanged, as JSON strings', async () => {
    const p = await person();
    await p.say(PAYLOADS[1]);
    const token = await login('/api/editor/login', 'editor', 'editor password long');
    const r = await fetch(`${base()}/api/editor/unanswered`, { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.stringify(await r.json())).toContain(JSON.stringify(PAYLOADS[1]).slice(1, -1));
  });
});
