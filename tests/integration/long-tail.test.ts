/**
 * The long tail: when the curated base has no confident answer, official service-public.fr
 * fiches are offered by title and link, with the note that the fiche is the reference and
 * the offer of a human; messages that are not administrative get no fiche.
 */
import { translator } from '../../bot/i18n';
import { serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const served = serveBot('longtail-', {}, () => new Date('2026-11-23T09:00:00Z'));

it('a question outside the curated base gets official fiches by title and link, and a human at once', async () => {
  const c = served.conversation();
  const [fiches, contact] = await c.say("combien de temps dure le congé parental d'éducation ?", 2);
  const text = fiches!.activity.text as string;
  expect(text).toContain(fr('longTail.intro'));
  expect(text).toContain(fr('longTail.note'));
  const links = [...text.matchAll(/\]\((https:\/\/[^)]+)\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThanOrEqual(1);
  expect(links.length).toBeLessThanOrEqual(3);
  for (const link of links) expect(link).toMatch(/^https:\/\/www\.service-public\.fr\/(particuliers|professionnels-entreprises|associations)\/vosdroits\/[FNR]\d+$/);
  expect(text.toLowerCase()).toContain('congé parental');
  expect(suggestions(contact!)).toEqual([fr('handoff.offer')]);
  // Kept for editors like any fallback.
  expect((await served.app.insightsStore.unanswered(10)).map((q) => q.text)).toContain("combien de temps dure le congé parental d'éducation ?");
});

it('something that is not administrative gets the ordinary fallback, no fiche', async () => {
  const c = served.conversation();
  const [reply] = await c.say('quel temps fera-t-il demain ?', 2);
  expect(reply!.activity.text).toBe(fr('fallback.text'));
});
