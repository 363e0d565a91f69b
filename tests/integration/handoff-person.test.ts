/**
 * The person's side of a handoff over real HTTP: the queue when agents answer (position,
 * estimated wait, writing while waiting, cancelling), the message form when they are away
 * (with consent), the offer after two fallbacks, and a restart in the middle.
 */
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { cardOf, closingQuestion, startTestApp, suggestions, tempDir, TestConversation } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
// Monday 23 November 2026, 10:00 in Paris: agents answer (préfecture hours).
const OPEN = () => new Date('2026-11-23T09:00:00Z');
// Sunday 22 November 2026, 15:00 in Paris: closed.
const CLOSED = () => new Date('2026-11-22T14:00:00Z');

let stub: ConnectorStub;
beforeAll(async () => {
  stub = await startConnectorStub();
});
afterAll(async () => stub.close());

async function withApp(now: () => Date, run: (app: App, dir: string) => Promise<void>): Promise<void> {
  const data = tempDir('handoff-');
  const app = await startTestApp(data.dir, {}, undefined, undefined, now);
  try {
    await run(app, data.dir);
  } finally {
    await app.close().catch(() => undefined);
    data.cleanup();
  }
}

it('when agents answer: queue position and wait, messages join the transcript, cancel returns to the bot', async () => {
  await withApp(OPEN, async (app) => {
    const first = new TestConversation(app, stub);
    const second = new TestConversation(app, stub);
    const [q1] = await first.say('je veux parler à un agent', 1);
    expect(q1!.activity.text).toBe(fr('handoff.queued', { position: 1, minutes: 5 }));
    expect(suggestions(q1!)).toEqual([fr('handoff.cancel')]);
    const [q2] = await second.say('un conseiller svp', 1);
    expect(q2!.activity.text).toBe(fr('handoff.queued', { position: 2, minutes: 10 }));

    const [w] = await second.say("c'est pour mon titre de séjour", 1);
    expect(w!.activity.text).toBe(fr('handoff.waiting', { position: 2, minutes: 10 }));
    const request = (await app.handoffStore.waiting()).find((r) => r.conversationId === second.id)!;
    expect((await app.handoffStore.transcript(request.id)).map((l) => l.text)).toContain("c'est pour mon titre de séjour");

    const [c] = await first.say('annuler', 1);
    expect(c!.activity.text).toBe(fr('handoff.cancelled'));
    const [w2] = await second.say('toujours là ?', 1);
    expect(w2!.activity.text).toBe(fr('handoff.waiting', { position: 1, minutes: 5 }));
    const [card] = await first.say('jai perdu ma cg', 1);
    expect(cardOf(card!)).toBeDefined();
    expect(closingQuestion(card!)).toBe(fr('feedback.question'));
  });
});

it('a restart in the middle of the queue loses neither the request nor the transcript', async () => {
  const data = tempDir('handoff-restart-');
  let app = await startTestApp(data.dir, {}, undefined, undefined, OPEN);
  try {
    const c = new TestConversation(app, stub);
    await c.say('je veux parler à quelqu’un', 1);
    await c.say('mon dossier est bloqué', 1);
    await app.close();
    app = await startTestApp(data.dir, {}, undefined, undefined, OPEN);
    c.use(app);
    const [w] = await c.say('vous êtes là ?', 1);
    expect(w!.activity.text).toBe(fr('handoff.waiting', { position: 1, minutes: 5 }));
    const [request] = await app.handoffStore.waiting();
    expect((await app.handoffStore.transcript(request!.id)).map((l) => l.text)).toEqual(expect.arrayContaining(['mon dossier est bloqué', 'vous êtes là ?']));
  } finally {
    await app.close();
    data.cleanup();
  }
});

it('when agents are away: says when they are back, and takes a message with consent', async () => {
  await withApp(CLOSED, async (app) => {
    const c = new TestConversation(app, stub, 'en-US');
    const [closed] = await c.say('I want to talk to a human', 1);
    expect(closed!.activity.text).toMatch(/Monday/);
    expect(suggestions(closed!)).toEqual([en('handoff.leaveMessage'), en('handoff.noThanks')]);
    const [consent] = await c.say(en('handoff.leaveMessage'), 1);
    expect(consent!.activity.text).toBe(en('handoff.consent'));
    const [askContact] = await c.say(en('handoff.consentYes'), 1);
    expect(askContact!.activity.text).toBe(en('handoff.askContact'));
    const [again] = await c.say('no idea', 1);
    expect(again!.activity.text).toBe(en('handoff.invalidContact'));
    const [askMessage] = await c.say('you can mail me at jane.doe@example.org', 1);
    expect(askMessage!.activity.text).toBe(en('handoff.askMessage'));
    const [done] = await c.say('Please call me back about my residence permit renewal.', 1);
    expect(done!.activity.text).toBe(en('handoff.messageLeft'));
    const [message] = await app.handoffStore.messages();
    expect(message).toMatchObject({ contact: 'jane.doe@example.org', lang: 'en', state: 'message' });
    expect(await app.handoffStore.waiting()).toEqual([]);
  });
});

it('refusing consent keeps nothing and gives the préfecture\'s contact', async () => {
  await withApp(CLOSED, async (app) => {
    const c = new TestConversation(app, stub);
    await c.say('un agent svp', 1);
    await c.say(fr('handoff.leaveMessage'), 1);
    const [no] = await c.say(fr('handoff.consentNo'), 1);
    expect(no!.activity.text).toContain('val-doise.gouv.fr');
    expect(await app.handoffStore.messages()).toEqual([]);
  });
});

it('offers a human after two fallbacks in a row, and the offer starts a handoff', async () => {
  await withApp(OPEN, async (app) => {
    const c = new TestConversation(app, stub);
    // Each fallback is one message: the apology and the contact, the human offered from the second.
    const first = await c.say('azeqsdfwxc', 1);
    expect(first).toHaveLength(1);
    expect(first[0]!.activity.text).toContain(fr('fallback.text'));
    expect(suggestions(first[0]!)).toEqual([]);
    const second = await c.say('qsdfghjklm', 1);
    expect(second).toHaveLength(1);
    expect(second[0]!.activity.text).toContain(fr('fallback.text'));
    expect(second[0]!.activity.text).toContain(fr('fallback.contact', { contact: '' }).trim());
    expect(suggestions(second[0]!)).toEqual([fr('handoff.offer')]);
    const [queued] = await c.say(fr('handoff.offer'), 1);
    expect(queued!.activity.text).toBe(fr('handoff.queued', { position: 1, minutes: 5 }));
  });
});

it('an ordinary conversation asks the handoff store once, not on every message', async () => {
  await withApp(OPEN, async (app) => {
    const asked: string[] = [];
    const active = app.handoffStore.active.bind(app.handoffStore);
    app.handoffStore.active = (id) => {
      asked.push(id);
      return active(id);
    };
    const c = new TestConversation(app, stub);
    await c.say('bonjour', 1);
    await c.say('jai perdu ma cg', 1);
    await c.say('et quels papiers ?', 1);
    expect(asked.filter((id) => id === c.id)).toHaveLength(1);
    // Once it asks for an agent, and the agent takes it, its messages reach the agent.
    await c.say('je veux parler à un agent', 1);
    const [request] = await app.handoffStore.waiting();
    expect(await app.handoffStore.take(request!.id, { id: 'agent-1', name: 'Camille' })).toBe(true);
    const before = stub.sent.length;
    expect(await c.post({ text: 'bonjour Camille, mon dossier est bloqué' })).toBe(200);
    expect((await app.handoffStore.transcript(request!.id)).map((l) => l.text)).toContain('bonjour Camille, mon dossier est bloqué');
    expect(stub.sent.slice(before).filter((s) => s.conversationId === c.id)).toHaveLength(0);
  });
});

it('a conversation whose request predates the mark in its state still reaches the agent holding it', async () => {
  await withApp(OPEN, async (app) => {
    const c = new TestConversation(app, stub);
    // A request made before this version recorded "asked" in the conversation's state.
    const request = await app.handoffStore.create({ conversationId: c.id, channelId: 'test', reference: {}, lang: 'fr', summary: 'titre de séjour', state: 'waiting' });
    expect(await app.handoffStore.take(request.id, { id: 'agent-1', name: 'Camille' })).toBe(true);
    expect(await c.post({ text: 'vous avez reçu mon message ?' })).toBe(200);
    expect((await app.handoffStore.transcript(request.id)).map((l) => l.text)).toContain('vous avez reçu mon message ?');
  });
});
