/**
 * The droit à l'erreur conversation through /api/messages: a confessed mistake gets a kind
 * answer above the card (one message), then only the questions the message left open; the conclusion follows
 * the answers (first time, good faith, put right), names the limits, gives the steps and the
 * official link; contradictory or unsure answers lead to a human.
 */
import { translator } from '../../bot/i18n';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { cardActions, cardOf, cardTexts, closingQuestion, serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
const { kb } = new LiveKnowledge(defaultContentDir()).current();
const stamp = kb.byId.get('erreur-timbre-fiscal')!;
const served = serveBot('rte-', {}, () => new Date('2026-11-23T09:00:00Z'));

it('a first mistake in good faith not yet put right: three questions, then the steps and the link', async () => {
  const c = served.conversation();
  const [card, first] = await c.say('je me suis trompé de timbre fiscal', 2);
  // Kindness first, above the card: one message.
  expect(card!.activity.text).toBe(fr('rightToError.reassure'));
  expect(cardOf(card!).body[0].text).toBe(stamp.text.fr.title);
  expect(cardTexts(cardOf(card!))).toContain(stamp.text.fr.limits);
  expect(cardActions(cardOf(card!)).map((a: any) => a.url)).toContain(stamp.sources[0]!.url);
  // The questions come next, so the card does not close on "did this help?": that is asked after the conclusion.
  expect(closingQuestion(card!)).toBeUndefined();
  expect(suggestions(card!)).toEqual([]);
  expect(first!.activity.text).toContain(fr('rightToError.ask.firstTime'));
  expect(suggestions(first!)).toEqual([fr('rightToError.yes'), fr('rightToError.no'), fr('rightToError.unsure')]);
  const [faith] = await c.say('oui', 1);
  expect(faith!.activity.text).toBe(fr('rightToError.ask.goodFaith'));
  const [fixed] = await c.say('oui bien sûr', 1);
  expect(fixed!.activity.text).toBe(fr('rightToError.ask.putRight'));
  const [conclusion, feedback] = await c.say('non pas encore', 2);
  expect(conclusion!.activity.text).toContain(fr('rightToError.conclusion.appliesOnceFixed'));
  expect(conclusion!.activity.text).toContain(stamp.text.fr.steps[0]);
  expect(conclusion!.activity.text).toContain(stamp.sources[0]!.url);
  expect(conclusion!.activity.text).toContain(stamp.text.fr.avoid[0]);
  expect(feedback!.activity.text).toBe(fr('feedback.question'));
  expect(suggestions(feedback!)).toContain(fr('handoff.offer'));
});

it('asks only what the message leaves open: "encore" means not the first time, so no question at all', async () => {
  const c = served.conversation();
  const replies = await c.say("j'ai encore acheté le mauvais timbre fiscal, c'est la deuxième fois", 3);
  expect(replies[0]!.activity.text).toBe(fr('rightToError.reassure'));
  expect(cardOf(replies[0]!).body[0].text).toBe(stamp.text.fr.title);
  expect(replies[1]!.activity.text).toContain(fr('rightToError.conclusion.repeated'));
  expect(replies[1]!.activity.text).toContain(stamp.text.fr.steps[0]);
  // Those the droit à l'erreur may not cover are offered a human first.
  expect(suggestions(replies[2]!)[0]).toBe(fr('handoff.offer'));
});

it('an already corrected first mistake in good faith is covered; the limits are still named', async () => {
  const c = served.conversation();
  const [, first] = await c.say("j'ai oublié de changer l'adresse de ma carte grise mais j'ai déjà corrigé, je vais avoir une amende ?", 2);
  expect(first!.activity.text).toContain(fr('rightToError.introMany', { count: 2 }));
  await c.say("oui c'est la première fois", 1);
  const [conclusion] = await c.say('oui', 2);
  const entry = kb.byId.get('erreur-adresse-carte-grise-non-modifiee')!;
  expect(conclusion!.activity.text).toContain(fr('rightToError.conclusion.applies'));
  expect(conclusion!.activity.text).toContain(entry.text.fr.limits);
});

it('contradictory answers: asked again once, then sent to a human, who can be reached at once', async () => {
  const c = served.conversation();
  await c.say('je me suis trompé de timbre', 2);
  const [again] = await c.say('oui et non', 1);
  expect(again!.activity.text).toContain(fr('rightToError.again'));
  const [unsure, feedback] = await c.say('oui non', 2);
  expect(unsure!.activity.text).toContain(fr('rightToError.conclusion.unsure'));
  expect(suggestions(feedback!)[0]).toBe(fr('handoff.offer'));
  const [queued] = await c.say(fr('handoff.offer'), 1);
  expect(queued!.activity.text.startsWith(fr('handoff.queued', { position: '#', minutes: '#' }).split('#')[0])).toBe(true);
});

it('an answer that takes back an earlier one is a contradiction, not a silent overwrite', async () => {
  const c = served.conversation();
  await c.say('je me suis trompé de timbre', 2);
  await c.say('oui', 1);
  const [contradiction] = await c.say("oui mais en fait c'est la deuxième fois", 2);
  expect(contradiction!.activity.text).toContain(fr('rightToError.conclusion.contradiction'));
});

it('in English, "I don\'t know" leads to a human, and a new question leaves the questions', async () => {
  const c = served.conversation('en-US');
  const [card0, first] = await c.say('I bought the wrong tax stamp', 2);
  expect(card0!.activity.text).toBe(en('rightToError.reassure'));
  expect(cardOf(card0!).body[0].text).toBe(stamp.text.en.title);
  expect(first!.activity.text).toContain(en('rightToError.ask.firstTime'));
  const [unsure] = await c.say("I don't know", 2);
  expect(unsure!.activity.text).toContain(en('rightToError.conclusion.unsure'));

  const d = served.conversation('en-US');
  await d.say('I bought the wrong tax stamp', 2);
  const [card] = await d.say('my driving licence was stolen', 1);
  expect(cardOf(card!).body[0].text).toBe(kb.byId.get('permis-conduire-renouvellement')!.text.en.title);
  expect(closingQuestion(card!)).toBe(en('feedback.question'));
});
