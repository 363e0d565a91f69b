/**
 * Follow-ups keep the topic ("c'est combien ?", "et pour mon fils ?"); "autre chose" starts
 * a new one; "aide", "recommencer", "changer de langue" and their English equivalents work
 * at any point, even in the middle of other questions or while waiting for an agent.
 */
import { translator } from '../../bot/i18n';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { cardOf, closingQuestion, serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
const { kb } = new LiveKnowledge(defaultContentDir()).current();
const served = serveBot('commands-', {}, () => new Date('2026-11-23T09:00:00Z'));

it('"c\'est combien ?" answers with the cost of the current procedure, or says where to check it', async () => {
  const c = served.conversation();
  await c.say('je veux faire un passeport', 1);
  const [cost] = await c.say("c'est combien ?", 1);
  const entry = kb.byId.get('cni-passeport')!;
  expect(cost!.activity.text).toContain(entry.text.fr.fees!.slice(0, 60));
  // An entry without a cost never gets an invented one.
  const withoutFee = kb.entries.find((e) => e.kind === 'procedure' && !e.text.fr.fees)!;
  const d = served.conversation();
  await d.say(withoutFee.text.fr.title, 1);
  const [unknown] = await d.say('ça coûte combien ?', 1);
  expect(unknown!.activity.text).toBe(fr('card.feesNotSaid', { url: withoutFee.sources[0]!.url }));
});

it('"et pour mon fils ?" after a residence permit leads to the minor\'s travel document', async () => {
  const c = served.conversation();
  await c.say('mon titre de séjour expire bientôt, comment le renouveler ?', 1);
  const replies = await c.say('et pour mon fils ?', 2);
  expect(replies).toHaveLength(2);
  const [intro, card] = replies;
  expect(intro!.activity.text).toBe(fr('followUp.someoneElseOther'));
  expect(cardOf(card!).body[0].text).toBe(kb.byId.get('document-circulation-mineur')!.text.fr.title);
  expect(closingQuestion(card!)).toBe(fr('feedback.question'));
  expect(suggestions(card!)).toEqual([fr('feedback.yes'), fr('feedback.no')]);
});

it('a follow-up with no topic asks which procedure, and is not kept as an unanswered question', async () => {
  const c = served.conversation();
  const [reply] = await c.say("c'est combien ?", 1);
  expect(reply!.activity.text).toBe(fr('followUp.noTopic'));
  const kept = await served.app.insightsStore.unanswered(100);
  expect(kept.map((q) => q.text)).not.toContain("c'est combien ?");
});

it('"autre chose" forgets the topic: the next follow-up asks which procedure', async () => {
  const c = served.conversation();
  await c.say('jai perdu ma cg', 1);
  const [newTopic] = await c.say('autre chose', 1);
  expect(newTopic!.activity.text).toBe(fr('commands.newTopic'));
  const [papers] = await c.say('et quels papiers ?', 1);
  expect(papers!.activity.text).toBe(fr('followUp.noTopic'));
});

it('"aide" and "help" explain what the bot does and the commands, in the person\'s language', async () => {
  const c = served.conversation();
  const [help] = await c.say('aide', 1);
  expect(help!.activity.text).toBe(fr('commands.help'));
  expect(suggestions(help!)).toContain(fr('handoff.offer'));
  const e = served.conversation('en-US');
  await e.say('my driving licence was stolen', 1);
  const [english] = await e.say('help', 1);
  expect(english!.activity.text).toBe(en('commands.help'));
});

it('"changer de langue" offers the languages; choosing English switches the conversation', async () => {
  const c = served.conversation();
  await c.say('bonjour', 1);
  const [choose] = await c.say('changer de langue', 1);
  expect(suggestions(choose!)).toEqual(['Français', 'English', 'Español', 'العربية']);
  const [set] = await c.say('English', 1);
  expect(set!.activity.text).toBe(en('commands.languageSet'));
  const [card] = await c.say('jai perdu ma cg', 1);
  expect(cardOf(card!).body[0].text).toBe(kb.byId.get('immatriculation-duplicata')!.text.en.title);
  expect(closingQuestion(card!)).toBe(en('feedback.question'));
});

it('"recommencer" in the middle of the droit à l\'erreur questions starts again; while waiting for an agent it cancels the request', async () => {
  const c = served.conversation();
  // The kind words above the card, which closes on the first question (one message).
  const [card] = await c.say('je me suis trompé de timbre', 1);
  expect(card!.activity.text).toBe(fr('rightToError.reassure'));
  expect(closingQuestion(card!)).toContain(fr('rightToError.ask.firstTime'));
  const [restarted] = await c.say('recommencer', 1);
  expect(restarted!.activity.text).toContain(fr('commands.restarted'));
  expect(restarted!.activity.text).toContain(fr('welcome.text'));
  // The question is no longer pending: "oui" is not taken as an answer to it.
  const [afterRestart] = await c.say('oui', 1);
  expect(afterRestart!.activity.text).not.toContain(fr('rightToError.ask.goodFaith'));

  const d = served.conversation();
  await d.say('je veux parler à un agent', 1);
  expect(await served.app.handoffStore.active(d.id)).toBeDefined();
  const [cancelled] = await d.say('start over', 1);
  expect(cancelled!.activity.text).toContain(fr('commands.restartCancelled'));
  expect(await served.app.handoffStore.active(d.id)).toBeUndefined();
});
