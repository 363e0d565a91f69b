/**
 * The long tail: when the curated base has no confident answer, official service-public.fr
 * fiches are offered by title and link, with the note that the fiche is the reference and
 * the offer of a human; messages that are not administrative get no fiche.
 */
import { translator } from '../../bot/i18n';
import { mainContact } from '../../knowledge/directory';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const { kb } = new LiveKnowledge(defaultContentDir()).current();
const contact = fr('fallback.contact', { contact: mainContact(kb, 'fr') });
const served = serveBot('longtail-', {}, () => new Date('2026-11-23T09:00:00Z'));

it('a question outside the curated base gets official fiches by title and link, and a human at once', async () => {
  const c = served.conversation();
  // One message: the fiches, the note, the préfecture's contact, and a human offered under it.
  const replies = await c.say("combien de temps dure le congé parental d'éducation ?", 1);
  expect(replies).toHaveLength(1);
  const fiches = replies[0]!;
  const text = fiches.activity.text as string;
  expect(text.startsWith(`${fr('longTail.intro')}\n\n`)).toBe(true);
  expect(text).toContain(fr('longTail.note'));
  expect(text.endsWith(`${fr('longTail.note')}\n\n${contact}`)).toBe(true);
  const links = [...text.matchAll(/\]\((https:\/\/[^)]+)\)/g)].map((m) => m[1]);
  expect(links.length).toBeGreaterThanOrEqual(1);
  expect(links.length).toBeLessThanOrEqual(3);
  for (const link of links) expect(link).toMatch(/^https:\/\/www\.service-public\.fr\/(particuliers|professionnels-entreprises|associations)\/vosdroits\/[FNR]\d+$/);
  expect(text.toLowerCase()).toContain('congé parental');
  expect(suggestions(fiches)).toEqual([fr('handoff.offer')]);
  // Kept for editors like any fallback.
  expect((await served.app.insightsStore.unanswered(10)).map((q) => q.text)).toContain("combien de temps dure le congé parental d'éducation ?");
});

it('something that is not administrative gets the ordinary fallback, no fiche', async () => {
  const c = served.conversation();
  const replies = await c.say('quel temps fera-t-il demain ?', 1);
  expect(replies).toHaveLength(1);
  expect(replies[0]!.activity.text).toBe(`${fr('fallback.text')}\n\n${contact}`);
  expect(replies[0]!.activity.text).not.toContain(fr('longTail.intro'));
  expect(suggestions(replies[0]!)).toEqual([]);
});
