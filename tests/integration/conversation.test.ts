/**
 * The bot over real HTTP: the server is started for real, activities are posted to
 * `/api/messages`, and the replies are read from a Bot Connector stub.
 */
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { mainContact } from '../../knowledge/directory';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { cardActions, cardOf, cardTexts, closingQuestion, postRaw, startTestApp, suggestions, tempDir, TestConversation } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
const { kb, search } = new LiveKnowledge(defaultContentDir()).current();
const title = (id: string, lang: 'fr' | 'en'): string => kb.byId.get(id)!.text[lang].title;

let stub: ConnectorStub;
let app: App;
const data = tempDir();

beforeAll(async () => {
  stub = await startConnectorStub();
  app = await startTestApp(data.dir);
});
afterAll(async () => {
  await app.close();
  await stub.close();
  data.cleanup();
});

describe('a conversation in French', () => {
  it('welcomes a person joining, saying what it does and not to share personal data', async () => {
    const c = new TestConversation(app, stub);
    const from = stub.sent.length;
    expect(await c.post({ type: 'conversationUpdate', membersAdded: [{ id: 'user-1' }, { id: 'bot' }] })).toBe(200);
    const [welcome, ...more] = await stub.waitFor(c.id, 1, from);
    expect(welcome!.activity.text).toContain(fr('welcome.text'));
    expect(welcome!.activity.text).toContain(fr('welcome.privacy'));
    await new Promise((r) => setTimeout(r, 100));
    expect(more).toHaveLength(0);
  });

  it('answers "jai perdu ma cg" with the duplicate card, its official link, closing on whether it helped', async () => {
    const c = new TestConversation(app, stub);
    const replies = await c.say('jai perdu ma cg', 1);
    expect(replies).toHaveLength(1);
    const [card] = replies;
    const content = cardOf(card!);
    expect(content).toBeDefined();
    expect(cardTexts(content)[0]).toBe(title('immatriculation-duplicata', 'fr'));
    expect(cardTexts(content).join('\n')).toContain(fr('card.who'));
    const urls = cardActions(content).map((a: any) => a.url);
    expect(urls).toContain('https://immatriculation.ants.gouv.fr/');
    expect(card!.replyToId).toBeDefined();
    // One message: the card ends on "did this help?", the replies offered under it.
    expect(closingQuestion(card!)).toBe(fr('feedback.question'));
    expect(card!.activity.text).toBeUndefined();
    expect(suggestions(card!)).toEqual([fr('feedback.yes'), fr('feedback.no')]);

    const [thanks] = await c.say(fr('feedback.yes'), 1);
    expect(thanks!.activity.text).toBe(fr('feedback.thanks'));
  });

  it('after "Non" to "did this help?", apologises and gives the préfecture contact', async () => {
    const c = new TestConversation(app, stub);
    const [answer] = await c.say('jai perdu ma cg', 1);
    expect(closingQuestion(answer!)).toBe(fr('feedback.question'));
    const replies = await c.say('non', 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.activity.text).toContain(fr('feedback.sorry'));
    expect(replies[0]!.activity.text).toContain('val-doise.gouv.fr');
    expect(suggestions(replies[0]!)).toEqual([fr('handoff.offer')]);
  });

  it('offers a choice for an ambiguous message, and answers the one chosen', async () => {
    const question = 'carte grise';
    const outcome = search.rank(question, 'fr-FR');
    expect(outcome.decision).toBe('clarify');
    const c = new TestConversation(app, stub);
    const [choice] = await c.say(question, 1);
    const offered = suggestions(choice!);
    expect(choice!.activity.text).toBe(fr('clarify.prompt'));
    expect(offered.length).toBeGreaterThanOrEqual(3);
    expect(offered[offered.length - 1]).toBe(fr('clarify.none'));
    const second = outcome.results[1]!.id;
    expect(offered).toContain(title(second, 'fr'));

    const [card] = await c.say(title(second, 'fr'), 1);
    expect(cardTexts(cardOf(card!))[0]).toBe(title(second, 'fr'));
    expect(closingQuestion(card!)).toBe(fr('feedback.question'));
  });

  it('falls back kindly on an out-of-scope question, with how to reach the préfecture', async () => {
    const c = new TestConversation(app, stub);
    // One message: the apology, then how to reach the préfecture; no human offered at the first fallback.
    const replies = await c.say('quel temps fera-t-il demain à la plage ?', 1);
    expect(replies).toHaveLength(1);
    const text = replies[0]!.activity.text;
    expect(text).toBe(`${fr('fallback.text')}\n\n${fr('fallback.contact', { contact: mainContact(kb, 'fr') })}`);
    expect(text).toContain(kb.services.get('prefecture-cergy')!.address!.street);
    expect(suggestions(replies[0]!)).toEqual([]);
  });

  it('replies to small talk briefly', async () => {
    const c = new TestConversation(app, stub);
    const [hello] = await c.say('bonjour', 1);
    expect(hello!.activity.text).toBe(fr('smalltalk.greeting'));
    const [thanks] = await c.say('merci beaucoup', 1);
    expect(thanks!.activity.text).toBe(fr('smalltalk.thanks'));
  });
});

describe('a conversation in English', () => {
  it('answers in English from the locale and keeps English for the conversation', async () => {
    const c = new TestConversation(app, stub, 'en-US');
    const [card] = await c.say('I lost my residence permit', 1);
    expect(cardTexts(cardOf(card!))[0]).toBe(title('titre-sejour-duplicata', 'en'));
    expect(cardTexts(cardOf(card!)).join('\n')).toContain(en('card.who'));
    expect(closingQuestion(card!)).toBe(en('feedback.question'));
    expect(suggestions(card!)).toEqual([en('feedback.yes'), en('feedback.no')]);
    const fallbacks = await c.say('what is the weather like tomorrow at the beach', 1);
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0]!.activity.text).toBe(`${en('fallback.text')}\n\n${en('fallback.contact', { contact: mainContact(kb, 'en') })}`);
  });

  it('detects English from the text when the channel says French', async () => {
    const c = new TestConversation(app, stub, 'fr-FR');
    const question = 'I lost my driving licence, what should I do';
    const decision = search.rank(question).decision;
    const replies = await c.say(question, 1);
    const last = replies[replies.length - 1]!;
    if (decision === 'answer') expect(closingQuestion(last)).toBe(en('feedback.question'));
    else expect(last.activity.text).toBe(en('clarify.prompt'));
  });
});

describe('switching language on the page', () => {
  it('follows the channel\'s locale when it changes mid-conversation, to Spanish then Arabic', async () => {
    const es = translator('es');
    const ar = translator('ar');
    const c = new TestConversation(app, stub, 'fr-FR');
    await c.say('bonjour', 1);
    const [hola] = await c.say('hola', 1, { locale: 'es-ES' });
    expect(hola!.activity.text).toBe(es('smalltalk.greeting'));
    const replies = await c.say('فقدت بطاقة الإقامة', 1, { locale: 'ar-EG' });
    const texts = replies.map((r) => r.activity.text ?? cardTexts(cardOf(r)).join(' '));
    expect(texts.join(' ')).toMatch(/[\u0600-\u06ff]/);
    const card = replies.map(cardOf).find(Boolean);
    if (card) expect(card.rtl).toBe(true);
  });
});

describe('odd messages get a kind reply in the person\'s language', () => {
  it.each([
    ['empty text', { text: '' }, 'input.empty'],
    ['whitespace', { text: '   \n\t ' }, 'input.empty'],
    ['emoji only', { text: '😀😀🙏' }, 'input.noText'],
    ['20,000 characters', { text: 'carte grise '.repeat(1700).slice(0, 20000) }, 'input.tooLong'],
    ['an attachment without text', { text: undefined, attachments: [{ contentType: 'image/png', contentUrl: 'https://example.org/x.png' }] }, 'input.attachment'],
  ])('%s', async (_name, extra, key) => {
    const c = new TestConversation(app, stub, 'en-GB');
    const from = stub.sent.length;
    expect(await c.post(extra)).toBe(200);
    const [reply] = await stub.waitFor(c.id, 1, from);
    expect(reply!.activity.text).toBe(en(key, { length: (extra.text ?? '').length, max: 2000 }));
  });

  it('ignores unknown activity types without replying', async () => {
    const c = new TestConversation(app, stub);
    const from = stub.sent.length;
    expect(await c.post({ type: 'somethingNew', text: undefined })).toBe(200);
    await new Promise((r) => setTimeout(r, 150));
    expect(stub.sent.slice(from).filter((s) => s.conversationId === c.id)).toHaveLength(0);
  });
});

describe('malformed requests get a 400 with a clear message', () => {
  it('refuses invalid JSON', async () => {
    const r = await postRaw(app, '{"type": "message", ');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/JSON/i);
  });

  it.each([
    ['a JSON array', '[]', /activity object/],
    ['no conversation', JSON.stringify({ type: 'message', text: 'hi', serviceUrl: 'http://127.0.0.1:1' }), /conversation\.id/],
    ['no serviceUrl', JSON.stringify({ type: 'message', text: 'hi', conversation: { id: 'x' } }), /serviceUrl/],
    ['a serviceUrl that is not a URL', JSON.stringify({ type: 'message', text: 'hi', conversation: { id: 'x' }, serviceUrl: 'not a url' }), /serviceUrl/],
    ['no type', JSON.stringify({ text: 'hi', conversation: { id: 'x' }, serviceUrl: 'http://127.0.0.1:1' }), /type/],
    ['a text that is not a string', JSON.stringify({ type: 'message', text: { a: 1 }, conversation: { id: 'x' }, serviceUrl: 'http://127.0.0.1:1' }), /text/],
  ])('refuses %s', async (_name, body, message) => {
    const r = await postRaw(app, body);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(message);
  });

  it('refuses a body over the size limit with 413', async () => {
    const r = await postRaw(app, JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024), conversation: { id: 'x' }, serviceUrl: stub.url }));
    expect(r.status).toBe(413);
  });

  it('keeps serving after all of this', async () => {
    const health = await fetch(`http://127.0.0.1:${app.port}/api/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${app.port}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', storage: 'sqlite', knowledge: { revision: 1, entries: kb.entries.length } });
  });
});
