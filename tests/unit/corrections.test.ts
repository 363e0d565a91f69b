/**
 * Typo correction asks Fuse.js about a small part of the vocabulary only: it must keep
 * exactly the corrections one Fuse.js over the whole vocabulary gives (its 12 best, then the
 * same first letter within one or two edits), on which the shipped base was tuned.
 */
import * as fs from 'fs';
import * as path from 'path';
import Fuse from 'fuse.js';
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';
import { contentTokens } from '../../knowledge/normalise';
import { buildIndex } from '../../knowledge/search/inverted-index';
import { Corrector } from '../../knowledge/search/corrections';
import { editDistance } from '../../knowledge/search/edit-distance';
import { RANKING } from '../../knowledge/search/retrieve';

const index = buildIndex(loadKnowledge(defaultContentDir()).entries);
const words = [...index.vocabulary.keys()].filter((w) => w.length >= 3);
const whole = new Fuse(words, { includeScore: true, threshold: RANKING.fuzzyThreshold, ignoreLocation: true, minMatchCharLength: 3 });
const corrector = new Corrector(index.vocabulary.keys(), RANKING.fuzzyThreshold);

/** The rule as the engine first applied it, on one Fuse.js over the whole vocabulary. */
function reference(token: string, allowed: number): Array<{ word: string; distance: number }> {
  return whole
    .search(token, { limit: 12 })
    .filter((h) => h.item[0] === token[0])
    .map((h) => ({ word: h.item, distance: editDistance(token, h.item, allowed) }))
    .filter((c) => c.distance <= allowed);
}

/** Deterministic misspellings of vocabulary words: a letter dropped, added, changed or swapped. */
function misspellings(count: number): string[] {
  let seed = 12345;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  const letters = 'abcdefghijklmnopqrstuvwxyzeaiost';
  const out = new Set<string>();
  while (out.size < count) {
    let w = words[next(words.length)] as string;
    for (let edits = 1 + next(2); edits > 0; edits--) {
      const i = next(w.length);
      const c = letters[next(letters.length)] as string;
      const kind = next(4);
      if (kind === 0) w = w.slice(0, i) + w.slice(i + 1);
      else if (kind === 1) w = w.slice(0, i) + c + w.slice(i);
      else if (kind === 2) w = w.slice(0, i) + c + w.slice(i + 1);
      else if (i < w.length - 1) w = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    }
    if (w.length >= 5 && !index.vocabulary.has(w)) out.add(w);
  }
  return [...out];
}

describe('typo corrections', () => {
  const evalWords = ['dev.jsonl', 'holdout.jsonl', 'mistakes.jsonl', 'communes.jsonl']
    .flatMap((f) => fs.readFileSync(path.join(__dirname, '..', 'eval', f), 'utf8').split('\n').filter(Boolean))
    .flatMap((line) => contentTokens((JSON.parse(line) as { text: string }).text))
    // Only words the base does not know are ever corrected.
    .filter((t) => t.length >= 5 && !index.vocabulary.has(t));

  it.each([
    ['the unknown words of the evaluation sets', [...new Set(evalWords)]],
    ['misspelt words of the base', misspellings(200)],
    ['words longer than Fuse.js patterns', ['renouvellementdetitredesejourpourlesetudiants', 'abcdefghijklmnopqrstuvwxyzabcdefgh']],
  ])('are those of one Fuse.js over the whole vocabulary, for %s', (_, tokens) => {
    let corrected = 0;
    for (const token of tokens) {
      const allowed = token.length >= 8 ? 2 : 1;
      const expected = reference(token, allowed);
      expect({ token, corrections: corrector.corrections(token, allowed) }).toEqual({ token, corrections: expected });
      if (expected.length > 0) corrected++;
    }
    if (tokens.length > 10) expect(corrected).toBeGreaterThan(tokens.length / 10);
    // The reference scans the whole vocabulary for every word: about 15 ms each.
  }, 120_000);
});
