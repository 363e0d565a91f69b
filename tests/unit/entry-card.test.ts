/**
 * The answer card's layout: with a closing question ("did this help?"), its buttons move into
 * an ActionSet in the body, just before the question, which ends the card set apart by a
 * separator; without one (droit à l'erreur, the editor's preview), the buttons stay the
 * card's own actions and nothing closes it.
 */
import { translator } from '../../bot/i18n';
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';
import { entryCard } from '../../dialogs/cards/entry-card';

const kb = loadKnowledge(defaultContentDir());
const fr = translator('fr');
const en = translator('en');
// Monday 23 November 2026, 10:00 in Paris: the same opening status for every card built here.
const now = new Date('2026-11-23T09:00:00Z');

const card = (id: string, lang: 'fr' | 'en', closingQuestion?: string): any => {
  const entry = kb.byId.get(id);
  if (!entry) throw new Error(`no entry ${id}`);
  return entryCard(kb, entry, lang, lang === 'fr' ? fr : en, { now, closingQuestion }).content;
};

describe('with a closing question', () => {
  const plainCard = card('immatriculation-duplicata', 'fr');
  const closed = card('immatriculation-duplicata', 'fr', fr('feedback.question'));

  it('ends the body with the question, a TextBlock set apart by a separator', () => {
    const last = closed.body.at(-1);
    expect(last).toMatchObject({ type: 'TextBlock', text: fr('feedback.question'), separator: true, wrap: true });
  });

  it('puts the buttons in an ActionSet right before the question, and leaves the card\'s own actions empty', () => {
    const set = closed.body.at(-2);
    expect(set.type).toBe('ActionSet');
    expect(set.actions.length).toBeGreaterThan(0);
    // The same buttons, in the same order, as the card without the question.
    expect(set.actions).toEqual(plainCard.actions);
    expect(set.actions.map((a: any) => a.url)).toContain('https://immatriculation.ants.gouv.fr/');
    for (const a of set.actions) expect(a.type).toBe('Action.OpenUrl');
    expect(closed.actions).toEqual([]);
    // Only one ActionSet, and nothing else is added to the card.
    expect(closed.body.filter((e: any) => e.type === 'ActionSet')).toHaveLength(1);
    expect(closed.body.slice(0, -2)).toEqual(plainCard.body);
  });

  it('is in the card\'s language', () => {
    const english = card('titre-sejour-duplicata', 'en', en('feedback.question'));
    expect(english.lang).toBe('en');
    expect(english.body.at(-1)).toMatchObject({ type: 'TextBlock', text: en('feedback.question'), separator: true });
    expect(english.body.at(-2).type).toBe('ActionSet');
    expect(english.actions).toEqual([]);
  });
});

describe('without a closing question', () => {
  it('keeps the buttons as the card\'s own actions, with no ActionSet and no question', () => {
    const plainCard = card('immatriculation-duplicata', 'fr');
    expect(plainCard.actions.length).toBeGreaterThan(0);
    expect(plainCard.actions.map((a: any) => a.url)).toContain('https://immatriculation.ants.gouv.fr/');
    expect(plainCard.body.some((e: any) => e.type === 'ActionSet')).toBe(false);
    expect(plainCard.body.some((e: any) => e.separator === true)).toBe(false);
    expect(JSON.stringify(plainCard.body)).not.toContain(fr('feedback.question'));
    // The card ends, as before, on when the content was last reviewed.
    expect(plainCard.body.at(-1).text).toBe(fr('card.reviewed', { date: kb.byId.get('immatriculation-duplicata')!.reviewed }));
  });

  it('a droit à l\'erreur card keeps that layout too', () => {
    const stamp = card('erreur-timbre-fiscal', 'fr');
    expect(stamp.actions.length).toBeGreaterThan(0);
    expect(stamp.body.some((e: any) => e.type === 'ActionSet')).toBe(false);
    expect(stamp.body.some((e: any) => e.separator === true)).toBe(false);
  });
});

describe('built once a minute', () => {
  const entry = kb.byId.get('armes')!;
  const at = (iso: string, commune?: { name: string; arrondissement: string }) => entryCard(kb, entry, 'fr', fr, { now: new Date(iso), commune });
  const hours = (c: any): string | undefined => c.content.body.find((b: any) => b.type === 'FactSet').facts.find((f: any) => f.title === fr('card.hours'))?.value;

  it('gives the same card, frozen, to every answer of the same minute', () => {
    const first = at('2026-11-23T09:00:05Z');
    expect(at('2026-11-23T09:00:55Z')).toBe(first);
    expect(Object.isFrozen(first.content.body[0])).toBe(true);
    expect(() => first.content.body.push({ type: 'TextBlock', text: 'ajouté' })).toThrow(TypeError);
  });

  it('follows the opening hours from one minute to another', () => {
    expect(hours(at('2026-11-23T09:00:00Z'))).toBe(fr('card.openNow'));
    // Monday 23:00 in Paris: closed, with the next opening.
    expect(hours(at('2026-11-23T22:00:00Z'))).not.toBe(fr('card.openNow'));
    expect(hours(at('2026-11-23T22:00:00Z'))).toBeDefined();
  });

  it('is another card for another commune or another question', () => {
    const commune = kb.communes.communes[0]!;
    const plain = at('2026-11-23T09:00:00Z');
    const withCommune = at('2026-11-23T09:00:00Z', { name: commune.name, arrondissement: commune.arrondissement });
    expect(withCommune).not.toBe(plain);
    expect(JSON.stringify(withCommune.content)).toContain(commune.name);
    const closed = entryCard(kb, entry, 'fr', fr, { now: new Date('2026-11-23T09:00:00Z'), closingQuestion: fr('feedback.question') });
    expect(closed).not.toBe(plain);
    expect(closed.content.body.at(-1).text).toBe(fr('feedback.question'));
  });
});
