/**
 * Follow-up questions keep the topic: after an answer, "et quels papiers ?", "c'est où ?",
 * "how long does it take?" are answered from the current entry instead of starting over.
 */
import { translator } from '../../bot/i18n';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { closingQuestion, startTestApp, suggestions, tempDir, TestConversation } from '../helpers/bot-harness';
import type { App } from '../../bot/server';

const fr = translator('fr');
const en = translator('en');
const { kb } = new LiveKnowledge(defaultContentDir()).current();
let stub: ConnectorStub;
let app: App;
const data = tempDir('follow-');

beforeAll(async () => {
  stub = await startConnectorStub();
  app = await startTestApp(data.dir, {}, undefined, undefined, () => new Date('2026-11-23T09:00:00Z'));
});
afterAll(async () => {
  await app.close();
  await stub.close();
  data.cleanup();
});

it('answers "et quels papiers ?" and "c\'est où ?" from the procedure just answered', async () => {
  const c = new TestConversation(app, stub);
  await c.say('jai perdu ma cg', 1);
  const entry = kb.byId.get('immatriculation-duplicata')!;
  const [papers] = await c.say('et quels papiers ?', 1);
  expect(papers!.activity.text).toContain(fr('card.prepare'));
  expect(papers!.activity.text).toContain(entry.text.fr.prepare[0]);
  const [where] = await c.say("c'est où ?", 1);
  expect(where!.activity.text).toContain('https://immatriculation.ants.gouv.fr/');
});

it('in English, "how long does it take?" gives the delays of the current topic', async () => {
  const c = new TestConversation(app, stub, 'en-US');
  const replies = await c.say('I lost my vehicle registration certificate', 1);
  expect(replies).toHaveLength(1);
  expect(closingQuestion(replies[0]!)).toBe(en('feedback.question'));
  expect(suggestions(replies[0]!)).toEqual([en('feedback.yes'), en('feedback.no')]);
  const [delays] = await c.say('how long does it take?', 1);
  expect(delays!.activity.text).toContain(en('card.delays'));
  expect(delays!.activity.text).toContain(kb.byId.get('immatriculation-duplicata')!.text.en.delays!.slice(0, 40));
});

it('a follow-up with no topic yet is searched like any message', async () => {
  const c = new TestConversation(app, stub);
  const replies = await c.say('et quels papiers ?', 1);
  expect(replies[0]!.activity.text).not.toContain(fr('card.prepare'));
});
