/**
 * The whole path, person to agent and back: a person on the website (the built-in Direct
 * Line channel) asks for a human; the request card reaches the agents' Teams channel (the
 * Bot Connector stub stands for Teams); two agents click "take" at once; what each writes
 * reaches the other; the agent closes; the person is back with the bot. Teams activities
 * are posted to /api/messages as Teams sends them.
 */
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { startConnectorStub, ConnectorStub, SentActivity } from '../helpers/connector-stub';
import { closingQuestion, startTestApp, tempDir } from '../helpers/bot-harness';
import { ALICE, TEAMS_AGENTS_CHANNEL as AGENTS, TEAMS_TEAM as TEAM, TEAMS_TENANT as TENANT, teamsActivity } from '../helpers/teams-activities';

const fr = translator('fr');
// Monday 23 November 2026, 10:00 in Paris; tests move the clock forward.
let clock = new Date('2026-11-23T09:00:00Z');
const NOW = () => clock;

let stub: ConnectorStub;
let app: App;
const data = tempDir('handoff-teams-');

beforeAll(async () => {
  stub = await startConnectorStub();
  app = await startTestApp(data.dir, { TEAMS_TENANT_ID: TENANT, TEAMS_AGENTS_CHANNEL_ID: AGENTS, TOKEN_RATE_PER_MINUTE: '1000', HANDOFF_TIMEOUT_MINUTES: '15', AGENT_INACTIVITY_MINUTES: '10' }, undefined, undefined, NOW);
});
afterAll(async () => {
  await app.close();
  await stub.close();
  data.cleanup();
});

const api = (body: unknown) =>
  fetch(`http://127.0.0.1:${app.port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const teamsBase = (conversationId: string, from: object = ALICE, tenant = TENANT) => teamsActivity(stub.url, conversationId, from, tenant);

/** A person on the website, through the built-in Direct Line channel (polling). */
async function person() {
  let base = `http://127.0.0.1:${app.port}/v3/directline`;
  const { token, conversationId } = (await (await fetch(`http://127.0.0.1:${app.port}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
  const auth = { authorization: `Bearer ${token}` };
  await fetch(`${base}/conversations`, { method: 'POST', headers: auth });
  /** The bot's activities to the person, in order. */
  const activities = async (): Promise<Array<Record<string, any>>> => {
    const r = (await (await fetch(`${base}/conversations/${conversationId}/activities`, { headers: auth })).json()) as { activities: Array<{ text?: string; from: { id: string } }> };
    return r.activities.filter((a) => !a.from.id.startsWith('dl_'));
  };
  const texts = async (): Promise<string[]> => (await activities()).map((a) => a.text ?? '');
  /** Waits for an activity to the person that `pred` accepts (a card, say). */
  const waitForActivity = async (pred: (a: Record<string, any>) => boolean, ms = 5000): Promise<Record<string, any>> => {
    const end = Date.now() + ms;
    for (;;) {
      const found = (await activities()).find(pred);
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`not received; got ${JSON.stringify(await texts())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    conversationId,
    /** Follows the service to its new port after a restart. */
    use: (next: App) => {
      base = `http://127.0.0.1:${next.port}/v3/directline`;
    },
    say: async (text: string) => {
      const r = await fetch(`${base}/conversations/${conversationId}/activities`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text, locale: 'fr-FR' }) });
      expect(r.status).toBe(200);
    },
    texts,
    /** Waits for a text to the person that `pred` accepts. */
    waitFor: async (pred: (t: string) => boolean, ms = 5000): Promise<string> => (await waitForActivity((a) => pred(a.text ?? ''), ms)).text ?? '',
    waitForActivity,
  };
}

async function waitSent(pred: (s: SentActivity) => boolean, ms = 5000): Promise<SentActivity> {
  const end = Date.now() + ms;
  for (;;) {
    const found = stub.sent.find(pred);
    if (found) return found;
    if (Date.now() > end) throw new Error('nothing matching was sent to Teams');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const cardText = (s: SentActivity): string => JSON.stringify(s.activity.attachments?.[0]?.content ?? {});


beforeAll(async () => {
  // The bot is installed in the agents' team.
  expect((await api({ ...teamsBase(TEAM), type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }], channelData: { eventType: 'teamMemberAdded', tenant: { id: TENANT }, team: { id: TEAM } } })).status).toBe(200);
});

/** A person asks for an agent; returns the person, the request card's take action and thread. */
async function queued() {
  const p = await person();
  await p.say('je veux parler à un agent');
  await p.waitFor((t) => t.startsWith(fr('handoff.queued', { position: 1, minutes: 5 }).slice(0, 30)));
  let request = (await app.handoffStore.latest(p.conversationId))!;
  for (let i = 0; !request.thread && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 20));
    request = (await app.handoffStore.latest(p.conversationId))!;
  }
  const thread = request.thread!.conversationId;
  return { p, request, thread };
}

const take = (thread: string, requestId: string, from = ALICE) =>
  api({ ...teamsBase(thread, from), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'take', data: { requestId } } } });

it('person to agent and back, with two agents taking at once', async () => {
  const p = await person();
  await p.say('je veux parler à un agent');
  await p.waitFor((t) => t === fr('handoff.queued', { position: 1, minutes: 5 }));

  const created = await waitSent((s) => s.kind === 'create' && s.conversationId.startsWith(AGENTS));
  const card = created.activity.attachments[0].content;
  const take = card.actions.find((a: any) => a.verb === 'take');
  expect(take.title).toBe(fr('teams.take'));
  const thread = created.conversationId;

  // Two agents click at once: one owner, and both see who took it.
  const invoke = (from: { id: string; aadObjectId: string; name: string }) =>
    api({ ...teamsBase(thread, from), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'take', data: take.data } } });
  const [r1, r2] = await Promise.all([invoke({ id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice Martin' }), invoke({ id: '29:bob', aadObjectId: 'aad-bob', name: 'Bob Durand' })]);
  const bodies = [(await r1.json()) as any, (await r2.json()) as any];
  expect(bodies.every((b) => b.statusCode === 200)).toBe(true);
  const owner = (await app.handoffStore.get(take.data.requestId))!.owner!.name;
  expect(['Alice', 'Bob']).toContain(owner);
  for (const b of bodies) expect(JSON.stringify(b.value)).toContain(fr('teams.takenBy', { name: owner }));
  await waitSent((s) => s.kind === 'update' && cardText(s).includes(fr('teams.takenBy', { name: owner })));
  await p.waitFor((t) => t === fr('handoff.taken', { name: owner }));
  expect((await p.texts()).filter((t) => t.startsWith(owner) && t.includes('prend votre demande'))).toHaveLength(1);

  const agent = owner === 'Alice' ? { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice Martin' } : { id: '29:bob', aadObjectId: 'aad-bob', name: 'Bob Durand' };
  const other = owner === 'Alice' ? { id: '29:bob', aadObjectId: 'aad-bob', name: 'Bob Durand' } : { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice Martin' };

  // The service restarts in the middle of the handoff: nothing is lost, relaying resumes.
  await app.close();
  app = await startTestApp(data.dir, { TEAMS_TENANT_ID: TENANT, TEAMS_AGENTS_CHANNEL_ID: AGENTS, TOKEN_RATE_PER_MINUTE: '1000' }, undefined, undefined, NOW);
  p.use(app);

  // The person writes: it reaches the thread, and the bot does not answer.
  await p.say("bonjour, c'est pour mon titre de séjour");
  await waitSent((s) => s.kind === 'send' && s.conversationId === thread && s.activity.text === fr('teams.personSays', { text: "bonjour, c'est pour mon titre de séjour" }));

  // The agent answers in the thread, with an @mention: it reaches the person, first name only.
  await api({ ...teamsBase(thread, agent), type: 'message', text: '<at>Assistant</at> Bonjour, je regarde votre dossier.', entities: [{ type: 'mention', mentioned: { id: '28:bot', name: 'Assistant' }, text: '<at>Assistant</at>' }] });
  await p.waitFor((t) => t === fr('handoff.agentSays', { name: owner, text: 'Bonjour, je regarde votre dossier.' }));

  // Another agent writing in that thread is told, and nothing reaches the person.
  const before = (await p.texts()).length;
  await api({ ...teamsBase(thread, other), type: 'message', text: 'je peux aider ?' });
  await waitSent((s) => s.conversationId === thread && s.activity.text === fr('teams.notOwner'));
  expect((await p.texts()).length).toBe(before);

  // A request from another tenant is refused.
  const foreign = await api({ ...teamsBase(thread, agent, 'other-tenant'), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'close', data: take.data } } });
  expect(((await foreign.json()) as any).statusCode).toBe(403);
  // A forged request id is refused.
  const forged = await api({ ...teamsBase(thread, agent), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'close', data: { requestId: 'forged' } } } });
  expect(((await forged.json()) as any).statusCode).toBe(404);

  // The agent closes with a short command: the person is told, then talks with the bot again.
  await api({ ...teamsBase(thread, agent), type: 'message', text: 'clore' });
  await p.waitFor((t) => t === fr('handoff.closedByAgent', { name: owner }));
  await waitSent((s) => s.kind === 'update' && cardText(s).includes(fr('teams.closedBy', { name: owner })));
  await p.say('jai perdu ma cg');
  // The bot answers again: the card, closing on "did this help?".
  await p.waitForActivity((a) => closingQuestion({ conversationId: p.conversationId, activity: a }) === fr('feedback.question'));

  // Writing in a closed thread is answered, not relayed.
  await api({ ...teamsBase(thread, agent), type: 'message', text: 'encore une chose' });
  await waitSent((s) => s.conversationId === thread && s.activity.text === fr('teams.notActive'));
  const transcript = (await app.handoffStore.transcript(take.data.requestId)).map((l) => `${l.from}:${l.text}`);
  expect(transcript).toEqual(expect.arrayContaining(["person:bonjour, c'est pour mon titre de séjour", 'agent:Bonjour, je regarde votre dossier.']));
});

it('a request nobody takes in time expires: the person is told and may leave a message', async () => {
  const { p, request } = await queued();
  clock = new Date(clock.getTime() + 16 * 60000);
  expect(await app.handoffWatch.sweep()).toMatchObject({ expired: 1 });
  await p.waitFor((t) => t === fr('handoff.timeout'));
  expect((await app.handoffStore.get(request.id))?.state).toBe('expired');
  await waitSent((s) => s.kind === 'update' && cardText(s).includes(fr('teams.expired')));
  await p.say(fr('handoff.leaveMessage'));
  await p.waitFor((t) => t === fr('handoff.consent'));
});

it('an agent who stops answering: the request goes back to the queue, first in line', async () => {
  const { p, request, thread } = await queued();
  await take(thread, request.id);
  await p.waitFor((t) => t === fr('handoff.taken', { name: 'Alice' }));
  await p.say('vous êtes toujours là ?');
  clock = new Date(clock.getTime() + 11 * 60000);
  expect(await app.handoffWatch.sweep()).toMatchObject({ requeued: 1 });
  await p.waitFor((t) => t === fr('handoff.requeued'));
  await waitSent((s) => s.conversationId === thread && s.activity.text === fr('teams.requeued', { name: 'Alice' }));
  expect(await app.handoffStore.get(request.id)).toMatchObject({ state: 'waiting', owner: undefined });
  expect(await app.handoffStore.position(request.id)).toBe(1);
  await app.handoffStore.setState(request.id, 'cancelled');
});

it('an agent who leaves the team: their conversation goes back to the queue', async () => {
  const { p, request, thread } = await queued();
  await take(thread, request.id);
  await p.waitFor((t) => t === fr('handoff.taken', { name: 'Alice' }));
  await api({ ...teamsBase(TEAM), type: 'conversationUpdate', membersRemoved: [{ id: '29:alice', aadObjectId: 'aad-alice' }], channelData: { eventType: 'teamMemberRemoved', tenant: { id: TENANT }, team: { id: TEAM } } });
  await p.waitFor((t) => t === fr('handoff.requeued'));
  expect(await app.handoffStore.get(request.id)).toMatchObject({ state: 'waiting', owner: undefined });
  await app.handoffStore.setState(request.id, 'cancelled');
});

it('on close, the person rates the exchange and downloads the transcript', async () => {
  const { p, request, thread } = await queued();
  await take(thread, request.id);
  await p.say('ma question porte sur le renouvellement');
  await api({ ...teamsBase(thread, ALICE), type: 'message', text: 'Faites-le sur le site ANEF.' });
  await api({ ...teamsBase(thread, ALICE), type: 'message', text: 'clore' });
  const prompt = await p.waitFor((t) => t.startsWith(fr('handoff.rate')));
  const link = /\((\/api\/transcripts\/[^)]+)\)/.exec(prompt)![1]!;
  const download = await fetch(`http://127.0.0.1:${app.port}${link}`);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toMatch(/attachment/);
  const text = await download.text();
  expect(text).toContain('ma question porte sur le renouvellement');
  expect(text).toContain('Alice (préfecture): Faites-le sur le site ANEF.');
  expect((await fetch(`http://127.0.0.1:${app.port}${link.replace(/s=[^&]+/, 's=forged')}`)).status).toBe(403);

  await p.say('4');
  await p.waitFor((t) => t === fr('handoff.rated'));
  await p.say('réponse claire, merci');
  await p.waitFor((t) => t === fr('handoff.commentThanks'));
  expect(await app.handoffStore.get(request.id)).toMatchObject({ rating: 4, comment: 'réponse claire, merci' });
});
