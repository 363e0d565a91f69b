/**
 * Grouping unanswered questions for editors: rewordings of one question come together,
 * different questions stay apart, and the suggested words are the ones people typed.
 */
import { DEFAULT_SIMILARITY_THRESHOLD, groupUnanswered, suggestWords, UnansweredInput } from '../../knowledge/unanswered-groups';

let nextId = 1;
function q(text: string, at: string, extra: Partial<UnansweredInput> = {}): UnansweredInput {
  return { id: nextId++, text, lang: 'fr', at, reason: 'no-match', ...extra };
}

describe('groupUnanswered', () => {
  it('groups rewordings of the same question and keeps unrelated ones apart', () => {
    const questions = [
      q('horaires piscine', '2026-03-01T09:00:00Z'),
      q('Horaires de la piscine ?', '2026-03-02T09:00:00Z'),
      q('piscine horaires svp', '2026-03-03T09:00:00Z', { reason: 'low-confidence' }),
      q('carte grise perdue', '2026-03-01T10:00:00Z'),
      q("Où se trouve l'aéroport ?", '2026-03-04T10:00:00Z', { lang: 'fr-FR' }),
    ];
    const groups = groupUnanswered(questions);
    expect(groups.map((g) => g.count)).toEqual([3, 1, 1]);
    const [pool] = groups;
    expect(pool.texts).toEqual(['piscine horaires svp', 'Horaires de la piscine ?', 'horaires piscine']);
    expect(pool.ids).toEqual([questions[2].id, questions[1].id, questions[0].id]);
    expect(pool.lastAt).toBe('2026-03-03T09:00:00Z');
    expect(pool.reasons).toEqual(['low-confidence', 'no-match']);
    expect(pool.langs).toEqual(['fr']);
    expect(pool.key.split(' ').sort()).toEqual(['horair', 'piscin']);
    // Equal counts: the most recent group first.
    expect(groups[1].texts).toEqual(["Où se trouve l'aéroport ?"]);
    expect(groups[2].texts).toEqual(['carte grise perdue']);
  });

  it('joins questions that share enough stems, even through inflections, and no others', () => {
    const groups = groupUnanswered([
      q('renouvellement titre de séjour', '2026-03-01T09:00:00Z'),
      q('renouveler mon titre de sejour', '2026-03-01T10:00:00Z'),
      q('titres de séjour renouvelés', '2026-03-01T11:00:00Z'),
      q('titre de séjour perdu', '2026-03-01T12:00:00Z'),
      q('carte grise perdue', '2026-03-01T13:00:00Z'),
    ]);
    const texts = groups.map((g) => [...g.texts].sort());
    // "titre de séjour perdu" shares 2 of 4 stems with the renewals: similar enough at 0.5.
    expect(texts).toContainEqual(['renouvellement titre de séjour', 'renouveler mon titre de sejour', 'titre de séjour perdu', 'titres de séjour renouvelés'].sort());
    expect(texts).toContainEqual(['carte grise perdue']);
    expect(DEFAULT_SIMILARITY_THRESHOLD).toBe(0.5);
  });

  it('is stricter with a higher threshold', () => {
    const questions = [q('horaires piscine', '2026-03-01T09:00:00Z'), q('horaires piscine municipale', '2026-03-01T10:00:00Z')];
    expect(groupUnanswered(questions)).toHaveLength(1);
    expect(groupUnanswered(questions, { threshold: 0.9 })).toHaveLength(2);
    expect(() => groupUnanswered(questions, { threshold: 0 })).toThrow(RangeError);
  });

  it('links groups step by step (single link)', () => {
    const groups = groupUnanswered([
      q('horaires piscine', '2026-03-01T09:00:00Z'),
      q('horaires piscine municipale', '2026-03-01T10:00:00Z'),
      q('piscine municipale fermée', '2026-03-01T11:00:00Z'),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0].count).toBe(3);
  });

  it('groups questions without a meaningful word by their normalised text', () => {
    const groups = groupUnanswered([
      q('Bonjour', '2026-03-01T09:00:00Z'),
      q('bonjour !', '2026-03-01T10:00:00Z'),
      q('???', '2026-03-01T11:00:00Z'),
      q('horaires piscine', '2026-03-01T08:00:00Z'),
    ]);
    const byKey = new Map(groups.map((g) => [g.key, g]));
    expect(byKey.get('bonjour')?.count).toBe(2);
    expect(byKey.get('bonjour')?.texts).toEqual(['bonjour !']);
    expect(byKey.get('')?.texts).toEqual(['???']);
    expect(groups).toHaveLength(3);
  });

  it('ignores redaction placeholders', () => {
    const groups = groupUnanswered([q('[email] [phone] impots', '2026-03-01T09:00:00Z'), q('[email] [phone] piscine', '2026-03-01T10:00:00Z')]);
    expect(groups.map((g) => g.key)).toEqual(['piscin', 'impot']);
    expect(suggestWords(groups[0])).toEqual(['piscine']);
  });

  it('keeps at most 5 distinct examples, most recent first, and every id', () => {
    const questions = Array.from({ length: 8 }, (_, i) => q(i % 2 ? `horaires piscine ${i}` : 'Horaires piscine', `2026-03-0${i + 1}T09:00:00Z`));
    const [group] = groupUnanswered(questions);
    expect(group.count).toBe(8);
    expect(group.ids).toHaveLength(8);
    expect(group.texts).toEqual(['horaires piscine 7', 'Horaires piscine', 'horaires piscine 5', 'horaires piscine 3', 'horaires piscine 1']);
  });

  it('gives the same groups and keys whatever the input order', () => {
    const questions = [
      q('horaires piscine', '2026-03-01T09:00:00Z'),
      q('piscine horaires svp', '2026-03-03T09:00:00Z'),
      q('carte grise perdue', '2026-03-01T10:00:00Z'),
      q('cartes grises perdues', '2026-03-02T10:00:00Z'),
      q('naturalisation dossier', '2026-03-02T10:00:00Z'),
    ];
    expect(groupUnanswered([...questions].reverse())).toEqual(groupUnanswered(questions));
  });

  it('handles 5,000 questions quickly', () => {
    const subjects = ['piscine', 'carte grise', 'titre séjour', 'passeport', 'permis conduire', 'naturalisation', 'impôts', 'cantine', 'vaccin', 'mariage'];
    const extras = ['horaires', 'perdu', 'délai', 'prix', 'adresse', 'rendez vous', 'renouveler', 'dossier', 'urgent', 'enfant'];
    const questions: UnansweredInput[] = [];
    for (let i = 0; i < 5000; i++) {
      const words = [subjects[i % 10], extras[Math.floor(i / 10) % 10], `mot${i % 997}`];
      questions.push(q(words.join(' '), new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString()));
    }
    const start = Date.now();
    const groups = groupUnanswered(questions);
    expect(Date.now() - start).toBeLessThan(5000);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(5000);
    expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length);
  });
});

describe('suggestWords', () => {
  it('suggests the words typed in at least half of the examples, normalised, not stems', () => {
    const [group] = groupUnanswered([
      q('horaires piscine', '2026-03-01T09:00:00Z'),
      q('Horaires de la piscine ?', '2026-03-02T09:00:00Z'),
      q('piscine horaires svp', '2026-03-03T09:00:00Z'),
      q('Piscine municipale : horaires', '2026-03-04T09:00:00Z'),
      q("L'horaire de la piscine d'été", '2026-03-05T09:00:00Z'),
    ]);
    expect(group.count).toBe(5);
    const words = suggestWords(group);
    expect(words).toEqual(['piscine', 'horaires']);
  });

  it('keeps words found in exactly half, and drops rarer ones', () => {
    expect(suggestWords({ texts: ['Carte grise perdue', 'carte grise volée', 'perte CARTE grise', 'certificat immatriculation'] })).toEqual(['carte', 'grise']);
    expect(suggestWords({ texts: ['Carte grise perdue', 'carte grise volée'] })).toEqual(['carte', 'grise', 'perdue', 'volee']);
  });
});
