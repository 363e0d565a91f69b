/**
 * The search engine on the shipped content: normalisation, typo tolerance, vocabulary from
 * the content, intents, the decision, and the rebuild on content change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { decide, KnowledgeSearch } from '../../knowledge/search/engine';
import { loadKnowledge } from '../../knowledge/load';
import { buildIndex } from '../../knowledge/search/inverted-index';
import { Retriever } from '../../knowledge/search/retrieve';
import { tempDir } from '../helpers/bot-harness';

const kb = loadKnowledge(defaultContentDir());
const engine = new KnowledgeSearch(kb);
const top = (text: string, locale?: string): string | undefined => engine.rank(text, locale).results[0]?.id;

describe('ranking', () => {
  it('returns at most five results, best first, with scores in [0, 1]', () => {
    const { results } = engine.rank('carte grise');
    expect(results.length).toBeGreaterThan(1);
    expect(results.length).toBeLessThanOrEqual(5);
    for (const r of results) expect(r.score).toBeGreaterThanOrEqual(0);
    for (const r of results) expect(r.score).toBeLessThanOrEqual(1);
    expect([...results].sort((a, b) => b.score - a.score)).toEqual(results);
  });

  it('ignores case, accents, apostrophes and punctuation', () => {
    const a = engine.rank("Renouvellement de mon titre de séjour, s'il vous plaît !").results;
    const b = engine.rank('renouvellement de mon titre de sejour sil vous plait').results;
    expect(a).toEqual(b);
    expect(a[0]?.id).toBe('titre-sejour-renouvellement');
  });

  it('tolerates typos', () => {
    expect(top('renouvelement titre de sejoure')).toBe('titre-sejour-renouvellement');
    expect(top('naturalisasion francaise')).toBe('naturalisation');
  });

  it('understands abbreviations taken from the content', () => {
    expect(top('jai perdu ma cg')).toBe('immatriculation-duplicata');
  });

  it('understands English', () => {
    expect(top('I want to exchange my foreign driving licence for a French one', 'en')).toBe('permis-conduire-echange-etranger');
  });

  it('tells a procedure from the mistake made in it', () => {
    expect(top("je me suis trompé de timbre fiscal, je peux être remboursé ?")).toBe('erreur-timbre-fiscal');
  });

  it('points to the competent administration when it is not the préfecture', () => {
    expect(top('comment faire ma declaration de revenus')).toBe('autre-impots');
  });
});

describe('retriever', () => {
  it('scores each message for itself: a query leaves nothing behind for the next, however many came before', () => {
    // Messages sharing words and phrases ("carte", "séjour", "perdu"), so that a stem or a
    // phrase left over from one would change the scores of the next.
    const messages = ['carte grise perdue', 'titre de séjour étudiant', 'carte de séjour perdue', 'permis de conduire suspendu', 'naturalisation mariage', 'zzzqqq'];
    const index = buildIndex(kb.entries);
    const alone = messages.map((m) => new Retriever(index).rank(m, ['fr', 'en']));
    expect(alone.filter((scored) => scored.length > 0)).toHaveLength(5);
    const shared = new Retriever(index);
    for (let round = 0; round < 2; round++) expect(messages.map((m) => shared.rank(m, ['fr', 'en']))).toEqual(alone);
    // Its per-query counter wrapping right after the first message, which then comes round
    // again with the number it had: the slots it stamped then must not count as its own.
    const wrapping = new Retriever(index);
    expect(wrapping.rank(messages[0]!, ['fr', 'en'])).toEqual(alone[0]);
    (wrapping as unknown as { stamp: number }).stamp = 0x7fffffff;
    expect(messages.map((m) => wrapping.rank(m, ['fr', 'en']))).toEqual(alone);
  });
});

describe('decision', () => {
  it('hands off when a human is asked for, whatever else is said', () => {
    expect(engine.rank('je veux parler à un agent').decision).toBe('handoff');
    expect(engine.rank('can I talk to a human please').decision).toBe('handoff');
  });

  it('hands off with a typo in the words that ask, but not for a question that only names the préfecture', () => {
    expect(engine.rank('je voudrais parlerr a un conseilller').decision).toBe('handoff');
    expect(engine.rank('passez moi un humainn svp').decision).toBe('handoff');
    expect(engine.rank('parler a quelqu un de la prefecure').decision).toBe('handoff');
    expect(engine.rank('a quelle heure ouvre la prefecture de cergy').decision).not.toBe('handoff');
  });

  it('recognises small talk, but not a question that starts with a greeting', () => {
    expect(engine.rank('Bonjour !')).toMatchObject({ decision: 'smalltalk', smalltalk: 'greeting' });
    expect(engine.rank('merci beaucoup')).toMatchObject({ decision: 'smalltalk', smalltalk: 'thanks' });
    expect(engine.rank('bonjour, jai perdu ma carte grise').decision).not.toBe('smalltalk');
  });

  it('declines what is not administrative', () => {
    expect(engine.rank('quelle est la recette de la tarte aux pommes').decision).toBe('fallback');
    expect(engine.rank('azeqsdfwxc').decision).toBe('fallback');
  });

  it('decides from the thresholds only', () => {
    const config = { answer: 0.5, margin: 0.1, clarify: 0.3, clarifyRatio: 0.7 };
    expect(decide([], config).decision).toBe('fallback');
    expect(decide([{ id: 'a', score: 0.2 }], config).decision).toBe('fallback');
    expect(decide([{ id: 'a', score: 0.8 }, { id: 'b', score: 0.3 }], config).decision).toBe('answer');
    expect(decide([{ id: 'a', score: 0.8 }, { id: 'b', score: 0.75 }, { id: 'c', score: 0.7 }], config)).toEqual({ decision: 'clarify', choices: 3 });
    expect(decide([{ id: 'a', score: 0.4 }, { id: 'b', score: 0.35 }], config)).toEqual({ decision: 'clarify', choices: 2 });
  });
});

describe('rebuild on content change', () => {
  it('a word added to an entry is found after reload; an invalid change keeps the previous base', () => {
    const t = tempDir('kb-live-');
    fs.cpSync(defaultContentDir(), t.dir, { recursive: true });
    try {
      const live = new LiveKnowledge(t.dir);
      const word = 'zorglubification';
      expect(live.current().search.rank(`${word} ${word}`).results.map((r) => r.id)).not.toContain('medaille-travail');
      const file = path.join(t.dir, 'procedures', 'medaille-travail.yaml');
      const src = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, src.replace(/^terms:\n  fr:\n/m, `terms:\n  fr:\n    - ${word}\n`));
      expect(live.reload()).toEqual({ ok: true, entries: kb.entries.length });
      expect(live.current().search.rank(word).results[0]?.id).toBe('medaille-travail');

      fs.writeFileSync(file, 'id: [broken');
      const r = live.reload();
      expect(r.ok).toBe(false);
      expect(live.current().search.rank(word).results[0]?.id).toBe('medaille-travail');
    } finally {
      t.cleanup();
    }
  });
});
