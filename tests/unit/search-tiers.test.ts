/**
 * The long tail of the search engine: imported entries ranked on an index of their own,
 * after the curated results, so that a big long tail never changes the curated answer.
 */
import { defaultContentDir } from '../../knowledge/paths';
import { KnowledgeSearch } from '../../knowledge/search/engine';
import { mergeTiers } from '../../knowledge/search/tiers';
import { loadKnowledge } from '../../knowledge/load';
import { Entry } from '../../knowledge/schema';

const kb = loadKnowledge(defaultContentDir());
const curatedIds = new Set(kb.entries.map((e) => e.id));

/** An imported entry about `title`, the way a fiche import would write it. */
function imported(id: string, title: string, terms: string[]): Entry {
  const text = { title, summary: title, prepare: [], steps: [], avoid: [] };
  const url = `https://www.service-public.fr/particuliers/vosdroits/${id}`;
  return {
    id,
    kind: 'external',
    reviewed: '2024-01-01',
    handler: { body: 'service-public' },
    channels: [{ type: 'online', url, body: 'service-public' }],
    sources: [{ url, title }],
    relatedErrors: [],
    see: [],
    terms: { fr: terms, en: terms },
    text: { fr: text, en: text },
  } as Entry;
}

describe('long tail', () => {
  const tail = [
    // Competes with a curated entry on its own words, many times over.
    ...Array.from({ length: 30 }, (_, i) => imported(`sp-passeport-${i}`, 'Passeport renouvellement passeport', ['passeport', 'renouveler passeport', 'passeport perdu'])),
    // Something the curated base does not hold.
    imported('sp-peche', 'Pêche de la truite en rivière', ['pêche truite', 'pêcher en rivière', 'truite']),
  ];
  const base = { ...kb, entries: [...kb.entries, ...tail] };
  const tiered = new KnowledgeSearch(base, base.decision, {}, { longTail: (e) => !curatedIds.has(e.id) });
  const shipped = new KnowledgeSearch(kb);

  it('leaves the curated ranking and decision as they are without the long tail', () => {
    for (const text of ['renouveler mon passeport', 'carte grise changement adresse', 'titre de séjour étudiant']) {
      const a = shipped.rank(text);
      const b = tiered.rank(text);
      expect(b.results.slice(0, a.results.length)).toEqual(a.results);
      expect(b.decision).toBe(a.decision);
    }
  });

  it('answers from the long tail what the curated base holds nothing for', () => {
    expect(shipped.rank('pêche truite rivière').results).toEqual([]);
    expect(tiered.rank('pêche truite rivière').results[0]?.id).toBe('sp-peche');
  });

  it('puts the long tail after every curated result, up to the limit', () => {
    const c = [{ id: 'a', score: 0.3 }, { id: 'b', score: 0.1 }];
    const t = [{ id: 'x', score: 0.9 }, { id: 'y', score: 0.8 }, { id: 'z', score: 0.7 }, { id: 'w', score: 0.6 }];
    expect(mergeTiers(c, t, 5).map((r) => r.id)).toEqual(['a', 'b', 'x', 'y', 'z']);
  });
});
