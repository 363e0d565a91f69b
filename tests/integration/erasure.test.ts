/**
 * The person's right to erasure over HTTP: "effacer ma conversation" / "delete my
 * conversation" asks for a confirmation; yes erases the Direct Line transcript, the bot
 * state, the handoff messages (a waiting request is cancelled) and the unanswered
 * questions, and unlinks the insights events (still counted); no keeps everything.
 */
import { translator } from '../../bot/i18n';
import { insightsPseudonym } from '../../bot/insights/insights-service';
import { serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
// Monday 10:00 in Paris: agents are in.
const served = serveBot('erasure-', {}, () => new Date('2026-11-23T09:00:00Z'));

const base = (): string => `http://127.0.0.1:${served.app.port}`;

interface DlActivity { type: string; text?: string; from?: { id: string }; name?: string; suggestedActions?: { actions: Array<{ title: string }> } }

/** A Direct Line conversation as the website holds it. */
async function startWebsiteConversation(): Promise<{ id: string; token: string }> {
  const res = await fetch(`${base()}/api/directline/token`, { method: 'POST' });
  const { token, conversationId } = (await res.json()) as { token: string; conversationId: string };
  const started = await fetch(`${base()}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  expect(started.status).toBe(201);
  return { id: conversationId, token };
}

async function activities(c: { id: string; token: string }, watermark = 0): Promise<{ activities: DlActivity[]; watermark: string }> {
  const res = await fetch(`${base()}/v3/directline/conversations/${encodeURIComponent(c.id)}/activities?watermark=${watermark}`, { headers: { authorization: `Bearer ${c.token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { activities: DlActivity[]; watermark: string };
}

/** Posts a message and returns the bot's replies to it. */
async function say(c: { id: string; token: string }, text: string, locale = 'fr-FR'): Promise<DlActivity[]> {
  const before = Number((await activities(c)).watermark ?? 0);
  const res = await fetch(`${base()}/v3/directline/conversations/${encodeURIComponent(c.id)}/activities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'message', from: { id: 'ignored' }, text, locale }),
  });
  expect(res.status).toBe(200);
  return (await activities(c, before)).activities.filter((a) => a.from?.id !== (undefined as unknown) && a.type === 'message' && a.text !== text);
}

async function welcomed(c: { id: string; token: string }): Promise<DlActivity[]> {
  for (let i = 0; i < 100; i++) {
    const all = (await activities(c)).activities;
    if (all.some((a) => a.type === 'message')) return all;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no welcome');
}

it('on the website, the privacy notice comes before the person types, and "effacer ma conversation" then "oui" erases the conversation', async () => {
  const c = await startWebsiteConversation();
  const [welcome] = (await welcomed(c)).filter((a) => a.type === 'message');
  expect(welcome!.text).toContain(fr('welcome.privacy'));

  await say(c, 'je suis né le 3 mars 1985, comment renouveler mon titre de séjour ?');
  await say(c, 'zorglub frobnication des grumpfs 7512345678');
  const pseudo = insightsPseudonym(served.app.directLineSecret, c.id);
  expect((await served.app.insightsStore.unanswered(500)).some((q) => q.conversation === pseudo)).toBe(true);
  const eventsBefore = await served.app.insightsStore.conversationsBetween('2000-01-01', '2100-01-01');
  expect(Object.keys(await served.app.storage.read([`directline/conversations/${c.id}/`]))).toHaveLength(1);

  const [confirm] = await say(c, 'effacer ma conversation');
  expect(confirm!.text).toBe(fr('erasure.confirm'));
  expect(confirm!.suggestedActions?.actions.map((a) => a.title)).toEqual([fr('erasure.yes'), fr('erasure.no')]);
  const [done] = await say(c, fr('erasure.yes'));
  expect(done!.text).toContain(fr('erasure.done'));
  expect(done!.text).toContain(fr('erasure.remains'));

  // What a reload shows: the erasure message only, nothing the person wrote.
  const left = (await activities(c)).activities;
  const shown = JSON.stringify(left);
  for (const gone of ['1985', 'titre de séjour', 'zorglub', '7512345678', 'effacer ma conversation', fr('welcome.text').slice(0, 40)]) expect(shown).not.toContain(gone);
  expect(left.filter((a) => a.type === 'message').map((a) => a.text)).toEqual([done!.text]);
  expect(left.some((a) => a.type === 'event' && a.name === 'conversationErased')).toBe(true);
  // State, unanswered questions: gone; events: still counted, under another pseudonym.
  expect(await served.app.storage.read([`directline/conversations/${c.id}/`])).toEqual({});
  expect((await served.app.insightsStore.unanswered(500)).some((q) => q.conversation === pseudo)).toBe(false);
  expect(await served.app.insightsStore.conversationsBetween('2000-01-01', '2100-01-01')).toBe(eventsBefore);

  // The conversation carries on, as a new one.
  const [again] = await say(c, 'bonjour');
  expect(again!.text).toBeTruthy();
});

it('"non" erases nothing, and the conversation goes on where it was', async () => {
  const c = served.conversation();
  await c.say('zorglub frobnication des grumpfs', 1);
  const [confirm] = await c.say('supprimer mes données', 1);
  expect(confirm!.activity.text).toBe(fr('erasure.confirm'));
  const [kept] = await c.say(fr('erasure.no'), 1);
  expect(kept!.activity.text).toBe(fr('erasure.kept'));
  const pseudo = insightsPseudonym(served.app.directLineSecret, c.id);
  expect((await served.app.insightsStore.unanswered(500)).some((q) => q.conversation === pseudo)).toBe(true);
});

it('while waiting for an agent, erasing cancels the request and clears its messages, in English too', async () => {
  const c = served.conversation('en-US');
  await c.say('I want to talk to an agent', 1);
  const request = await served.app.handoffStore.active(c.id);
  expect(request?.state).toBe('waiting');
  await c.say('my phone is 06 12 34 56 78', 1);
  expect((await served.app.handoffStore.transcript(request!.id)).length).toBeGreaterThan(0);

  const [confirm] = await c.say('delete my conversation', 1);
  expect(confirm!.activity.text).toBe(en('erasure.confirm'));
  expect(suggestions(confirm!)).toEqual([en('erasure.yes'), en('erasure.no')]);
  const [done] = await c.say(en('erasure.yes'), 1);
  expect(done!.activity.text).toContain(en('erasure.doneHandoff'));
  expect(done!.activity.text).toContain(en('erasure.remains'));

  const after = await served.app.handoffStore.get(request!.id);
  expect(after).toMatchObject({ state: 'cancelled', conversationId: '', summary: '' });
  expect(await served.app.handoffStore.transcript(request!.id)).toEqual([]);
  expect((await served.app.handoffStore.waiting()).map((r) => r.id)).not.toContain(request!.id);
  // The aggregate stays for the indicators.
  const counted = await served.app.handoffStore.createdBetween('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
  expect(counted.some((r) => r.createdAt === request!.createdAt && r.state === 'cancelled')).toBe(true);
});

it('while an agent holds the conversation, the command and its buttons reach the bot, not the agent, and the request ends', async () => {
  const c = served.conversation();
  await c.say('parler à un agent', 1);
  const request = (await served.app.handoffStore.active(c.id))!;
  expect(await served.app.handoffStore.take(request.id, { id: 'a1', name: 'Alice' })).toBe(true);
  expect(await c.post({ text: 'je suis né le 3 mars 1985' })).toBe(200);
  expect((await served.app.handoffStore.transcript(request.id)).map((l) => l.text)).toContain('je suis né le 3 mars 1985');

  const [confirm] = await c.say('effacer ma conversation', 1);
  expect(confirm!.activity.text).toBe(fr('erasure.confirm'));
  const [done] = await c.say(fr('erasure.yes'), 1);
  expect(done!.activity.text).toContain(fr('erasure.doneHandoff'));
  expect(await served.app.handoffStore.get(request.id)).toMatchObject({ state: 'cancelled', conversationId: '' });
  expect(await served.app.handoffStore.transcript(request.id)).toEqual([]);
  expect((await served.app.handoffStore.withAgent()).map((r) => r.id)).not.toContain(request.id);
});

it('"effacer ma conversation" inside a sentence is a question, not the command', async () => {
  const c = served.conversation();
  const replies = await c.say('comment effacer ma conversation avec la préfecture sur le site ANEF pour mon titre de séjour', 1);
  expect(replies[0]!.activity.text).not.toBe(fr('erasure.confirm'));
});
