/**
 * The right place and time: a commune leads to the site serving it, open now or when it
 * opens (Europe/Paris, public holidays), with the clock under the test's control; unknown
 * communes get close names and the general reception; communes elsewhere in France are told
 * which préfecture is theirs.
 */
import { translator } from '../../bot/i18n';
import { cardOf, cardTexts, closingQuestion, serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
let clock = new Date('2026-11-23T09:00:00Z');
const served = serveBot('places-', {}, () => clock);

const texts = (replies: { activity: any }[]): string => replies.map((r) => [r.activity.text ?? '', ...cardTexts(cardOf(r as any))].join('\n')).join('\n');

it('"j\'habite à Sarcelles, où dois-je aller ?" on a Monday at 10:00 in Paris: the sous-préfecture, open now', async () => {
  clock = new Date('2026-11-23T09:00:00Z');
  const c = served.conversation();
  const replies = await c.say("j'habite à Sarcelles, où dois-je aller ?", 1);
  expect(replies).toHaveLength(1);
  expect(closingQuestion(replies[0]!)).toBe(fr('feedback.question'));
  const all = texts(replies);
  expect(all).toContain(fr('card.yourSite', { commune: 'Sarcelles' }));
  expect(all).toContain('1 boulevard Maurice Ravel');
  expect(all).toContain(fr('card.openNow'));
});

it('on Saturday the same question says it is closed and when it opens (Monday)', async () => {
  clock = new Date('2026-11-28T10:00:00Z');
  const c = served.conversation();
  const all = texts(await c.say("j'habite à Sarcelles, où dois-je aller ?", 1));
  expect(all).not.toContain(fr('card.openNow'));
  expect(all).toMatch(/Fermé en ce moment ; ouvre lundi 30 novembre/);
});

it('on Christmas Day (a Friday) it is closed too, and opens again on Monday 28 December', async () => {
  clock = new Date('2026-12-25T10:00:00Z');
  const c = served.conversation();
  const all = texts(await c.say("j'habite à Cergy, où dois-je aller ?", 1));
  expect(all).toContain('5 avenue Bernard Hirsch');
  expect(all).toMatch(/ouvre lundi 28 décembre/);
});

it('a misspelt commune: not found, close names offered, the general reception given; choosing one gives its site', async () => {
  clock = new Date('2026-11-23T09:00:00Z');
  const c = served.conversation();
  const replies = await c.say("j'habite à Sarcells, où dois-je aller ?", 2);
  expect(replies).toHaveLength(2);
  expect(replies[0]!.activity.text).toContain(fr('place.notFound', { said: 'sarcells' }));
  expect(suggestions(replies[0]!)).toContain('Sarcelles');
  // Written in the text as well: the answer card that follows replaces the suggestions on screen.
  expect(replies[0]!.activity.text).toContain(fr('place.suggest', { names: suggestions(replies[0]!).join(', ') }));
  expect(replies[0]!.activity.text).toContain(fr('fallback.contact', { contact: '#' }).split('#')[0]);
  expect(closingQuestion(replies[1]!)).toBe(fr('feedback.question'));
  const [site] = await c.say('Sarcelles', 1);
  expect(site!.activity.text).toContain('1 boulevard Maurice Ravel');
  expect(site!.activity.text).toContain(fr('card.openNow'));
});

it('a commune elsewhere in France: its département named, no Val-d\'Oise address given as theirs', async () => {
  const c = served.conversation();
  const [reply] = await c.say("j'habite à Lyon, où dois-je aller pour mon titre de séjour ?", 1);
  expect(reply!.activity.text).toContain(fr('place.elsewhere', { name: 'Lyon', departement: 'Rhône', code: '69' }));
  const e = served.conversation('en-US');
  const [english] = await e.say('I live in Marseille, where do I go?', 1);
  expect(english!.activity.text).toContain(en('place.elsewhere', { name: 'Marseille', departement: 'Bouches-du-Rhône', code: '13' }));
});

it('an invented name is said not to be found, with the general reception', async () => {
  const c = served.conversation();
  const replies = await c.say("j'habite à Trucville-sur-Mer", 1);
  expect(replies[0]!.activity.text).toContain(fr('place.notFound', { said: 'trucville sur mer' }));
});

it('in English, a commune alone gives its site, and is kept: "where do I go?" then answers for it', async () => {
  clock = new Date('2026-11-23T09:00:00Z');
  const c = served.conversation('en-US');
  const [site] = await c.say('Argenteuil', 1);
  expect(site!.activity.text).toContain(en('card.yourSite', { commune: 'Argenteuil' }));
  expect(site!.activity.text).toContain('88 rue Paul Vaillant-Couturier');
  expect(site!.activity.text).toContain(en('card.openNow'));
  const [where] = await c.say('where do I go?', 1);
  expect(where!.activity.text).toContain('88 rue Paul Vaillant-Couturier');
});
