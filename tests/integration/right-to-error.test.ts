/**
 * The droit à l'erreur conversation through /api/messages: a confessed mistake gets a kind
 * answer above the card, which closes on the first question the message left open (one
 * message), then only the questions left open; the conclusion, with "did this help?", follows
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
  // One message: kindness first, above the card, which closes on the first question (not on
  // "did this help?": that is asked with the conclusion), its answers offered under it.
  const [card] = await c.say('je me suis trompé de timbre fiscal', 1);
  expect(card!.activity.text).toBe(fr('rightToError.reassure'));
  expect(cardOf(card!).body[0].text).toBe(stamp.text.fr.title);
  expect(cardTexts(cardOf(card!))).toContain(stamp.text.fr.limits);
  expect(cardActions(cardOf(card!)).map((a: any) => a.url)).toContain(stamp.sources[0]!.url);
  expect(closingQuestion(card!)).toContain(fr('rightToError.ask.firstTime'));
  expect(closingQuestion(card!)).not.toContain(fr('feedback.question'));
  expect(suggestions(card!)).toEqual([fr('rightToError.yes'), fr('rightToError.no'), fr('rightToError.unsure')]);
  const [faith] = await c.say('oui', 1);
  expect(faith!.activity.text).toBe(fr('rightToError.ask.goodFaith'));
  const [fixed] = await c.say('oui bien sûr', 1);
  expect(fixed!.activity.text).toBe(fr('rightToError.ask.putRight'));
  // The conclusion and "did this help?" in one message.
  const [conclusion] = await c.say('non pas encore', 1);
  expect(conclusion!.activity.text).toContain(fr('rightToError.conclusion.appliesOnceFixed'));
  expect(conclusion!.activity.text).toContain(stamp.text.fr.steps[0]);
  expect(conclusion!.activity.text).toContain(stamp.sources[0]!.url);
  expect(conclusion!.activity.text).toContain(stamp.text.fr.avoid[0]);
  expect(conclusion!.activity.text).toContain(fr('feedback.question'));
  expect(conclusion!.activity.text.indexOf(fr('feedback.question'))).toBeGreaterThan(conclusion!.activity.text.indexOf(stamp.text.fr.avoid[0]!));
  expect(suggestions(conclusion!)).toEqual([fr('feedback.yes'), fr('feedback.no'), fr('handoff.offer')]);
  // "did this help?" is pending: "oui" is the feedback.
  const [thanks] = await c.say('oui', 1);
  expect(thanks!.activity.text).toBe(fr('feedback.thanks'));
});

it('asks only what the message leaves open: "encore" means not the first time, so no question at all', async () => {
  const c = served.conversation();
  // The card, no question to close on; then the conclusion with "did this help?".
  const replies = await c.say("j'ai encore acheté le mauvais timbre fiscal, c'est la deuxième fois", 2);
  expect(replies[0]!.activity.text).toBe(fr('rightToError.reassure'));
  expect(cardOf(replies[0]!).body[0].text).toBe(stamp.text.fr.title);
  expect(closingQuestion(replies[0]!)).toBeUndefined();
  expect(replies[1]!.activity.text).toContain(fr('rightToError.conclusion.repeated'));
  expect(replies[1]!.activity.text).toContain(stamp.text.fr.steps[0]);
  expect(replies[1]!.activity.text).toContain(fr('feedback.question'));
  // Those the droit à l'erreur may not cover are offered a human first.
  expect(suggestions(replies[1]!)[0]).toBe(fr('handoff.offer'));
});

it('an already corrected first mistake in good faith is covered; the limits are still named', async () => {
  const c = served.conversation();
  const [first] = await c.say("j'ai oublié de changer l'adresse de ma carte grise mais j'ai déjà corrigé, je vais avoir une amende ?", 1);
  expect(closingQuestion(first!)).toContain(fr('rightToError.introMany', { count: 2 }));
  await c.say("oui c'est la première fois", 1);
  const [conclusion] = await c.say('oui', 1);
  const entry = kb.byId.get('erreur-adresse-carte-grise-non-modifiee')!;
  expect(conclusion!.activity.text).toContain(fr('rightToError.conclusion.applies'));
  expect(conclusion!.activity.text).toContain(entry.text.fr.limits);
});

it('contradictory answers: asked again once, then sent to a human, who can be reached at once', async () => {
  const c = served.conversation();
  await c.say('je me suis trompé de timbre', 1);
  const [again] = await c.say('oui et non', 1);
  expect(again!.activity.text).toContain(fr('rightToError.again'));
  const [unsure] = await c.say('oui non', 1);
  expect(unsure!.activity.text).toContain(fr('rightToError.conclusion.unsure'));
  expect(suggestions(unsure!)[0]).toBe(fr('handoff.offer'));
  const [queued] = await c.say(fr('handoff.offer'), 1);
  expect(queued!.activity.text.startsWith(fr('handoff.queued', { position: '#', minutes: '#' }).split('#')[0])).toBe(true);
});

it('an answer that takes back an earlier one is a contradiction, not a silent overwrite', async () => {
  const c = served.conversation();
  await c.say('je me suis trompé de timbre', 1);
  await c.say('oui', 1);
  const [contradiction] = await c.say("oui mais en fait c'est la deuxième fois", 1);
  expect(contradiction!.activity.text).toContain(fr('rightToError.conclusion.contradiction'));
});

it('in English, "I don\'t know" leads to a human, and a new question leaves the questions', async () => {
  const c = served.conversation('en-US');
  const [card0] = await c.say('I bought the wrong tax stamp', 1);
  expect(card0!.activity.text).toBe(en('rightToError.reassure'));
  expect(cardOf(card0!).body[0].text).toBe(stamp.text.en.title);
  expect(closingQuestion(card0!)).toContain(en('rightToError.ask.firstTime'));
  expect(suggestions(card0!)).toEqual([en('rightToError.yes'), en('rightToError.no'), en('rightToError.unsure')]);
  const [unsure] = await c.say("I don't know", 1);
  expect(unsure!.activity.text).toContain(en('rightToError.conclusion.unsure'));
  expect(unsure!.activity.text).toContain(en('feedback.question'));

  const d = served.conversation('en-US');
  await d.say('I bought the wrong tax stamp', 1);
  const [card] = await d.say('my driving licence was stolen', 1);
  expect(cardOf(card!).body[0].text).toBe(kb.byId.get('permis-conduire-renouvellement')!.text.en.title);
  expect(closingQuestion(card!)).toBe(en('feedback.question'));
});
