/**
 * Typo correction on the vocabulary: the indexed words a misspelt query word may stand for.
 *
 * The rule, unchanged since the shipped base was tuned: Fuse.js proposes the 12 closest
 * words of the whole vocabulary, and a proposal is kept only when it starts with the same
 * letter and is within `allowed` edits (one, two for long words), since typos rarely hit the
 * first letter and looser matches turn unrelated words into procedures.
 *
 * Asking one Fuse.js over the whole vocabulary scans every word: a few milliseconds on the
 * shipped base, tens of milliseconds per misspelt word at 50,000 entries. This gives the
 * same corrections while asking Fuse.js about a small part of the vocabulary:
 *
 * 1. The words that may be kept at all (same first letter, within `allowed` edits, hence
 *    within `allowed` letters of the token's length) come from a table by first letter and
 *    length. Most unknown words (names, words of another language) have none: done.
 * 2. Fuse.js scores a word on its own: for a single word and `ignoreLocation`, the score is
 *    the fewest errors of an approximate occurrence of the token in it, over the token's
 *    length. The words that may be kept have at most `e` such errors (Fuse.js on them says
 *    how many), so only words with at most `e` errors can rank before them among the 12.
 * 3. An occurrence with at most `e` errors matches at least `length - e` of the token's
 *    letters to distinct letters of the word: a word sharing fewer letters with the token
 *    (counted with repeats) ranks after every word that may be kept. Fuse.js ranks the rest,
 *    in vocabulary order as it breaks ties, which is the ranking of the whole vocabulary as
 *    far as the kept words are concerned.
 */
import Fuse, { IFuseOptions } from 'fuse.js';
import { editDistance } from './edit-distance';

/** The options Fuse.js is asked with, but the threshold (the ranking's `fuzzyThreshold`). */
const FUSE_OPTIONS: IFuseOptions<string> = {
  includeScore: true,
  ignoreLocation: true,
  minMatchCharLength: 3,
};
/** Fuse.js proposes this many close words. */
const PROPOSALS = 12;
/**
 * Fuse.js splits longer patterns into pieces scored apart, where step 2 does not hold: such
 * tokens ask Fuse.js about the whole vocabulary (in practice none has a word to correct to).
 */
const FUSE_MAX_PATTERN = 32;
/** Letter count slots: a–z, 0–9, and one for every other character (it can only overcount). */
const SLOTS = 37;

function slot(code: number): number {
  if (code >= 97 && code <= 122) return code - 97;
  if (code >= 48 && code <= 57) return 26 + code - 48;
  return 36;
}

/** A correction of a token: a vocabulary word and its edit distance to the token. */
export interface Correction {
  word: string;
  distance: number;
}

/** Corrections over one vocabulary. Built once per index. */
export class Corrector {
  /** The vocabulary, in the order Fuse.js would hold it. */
  private readonly words: readonly string[];
  /** Letter counts of each word, {@link SLOTS} per word. */
  private readonly counts: Uint8Array;
  /** Word positions by first letter and length. */
  private readonly byStartAndLength = new Map<string, number[]>();
  private readonly fuseOptions: IFuseOptions<string>;

  /**
   * `words` in vocabulary order; words of fewer than three letters are never proposed.
   * `threshold` is Fuse.js's: the score above which a word is not proposed.
   */
  constructor(words: Iterable<string>, threshold: number) {
    this.fuseOptions = { ...FUSE_OPTIONS, threshold };
    this.words = [...words].filter((w) => w.length >= 3);
    this.counts = new Uint8Array(this.words.length * SLOTS);
    this.words.forEach((w, i) => {
      for (let k = 0; k < w.length; k++) {
        const at = i * SLOTS + slot(w.charCodeAt(k));
        if ((this.counts[at] as number) < 255) this.counts[at] = (this.counts[at] as number) + 1;
      }
      const key = `${w[0]}${w.length}`;
      const list = this.byStartAndLength.get(key);
      if (list) list.push(i);
      else this.byStartAndLength.set(key, [i]);
    });
  }

  /**
   * The words the token may be a misspelling of, in Fuse.js's order: among its 12 best over
   * the whole vocabulary, those starting with the token's first letter within `allowed` edits.
   */
  corrections(token: string, allowed: number): Correction[] {
    const possible = this.possible(token, allowed);
    if (possible.length === 0) return [];
    const proposed = token.length > FUSE_MAX_PATTERN ? this.words : this.rivals(token, possible);
    if (proposed.length === 0) return [];
    const out: Correction[] = [];
    for (const hit of new Fuse(proposed, this.fuseOptions).search(token, { limit: PROPOSALS })) {
      if (hit.item[0] !== token[0]) continue;
      const distance = editDistance(token, hit.item, allowed);
      if (distance <= allowed) out.push({ word: hit.item, distance });
    }
    return out;
  }

  /** Step 1: positions of the words with the token's first letter within `allowed` edits. */
  private possible(token: string, allowed: number): number[] {
    const out: number[] = [];
    for (let len = Math.max(3, token.length - allowed); len <= token.length + allowed; len++) {
      for (const i of this.byStartAndLength.get(`${token[0]}${len}`) ?? []) {
        if (editDistance(token, this.words[i] as string, allowed) <= allowed) out.push(i);
      }
    }
    return out;
  }

  /**
   * Steps 2 and 3: the words that may rank before or among the possible ones, in vocabulary
   * order (empty when Fuse.js matches none of the possible words: nothing would be kept).
   */
  private rivals(token: string, possible: readonly number[]): string[] {
    let worst = -1;
    for (const hit of new Fuse(possible.map((i) => this.words[i] as string), this.fuseOptions).search(token)) {
      // The score is errors / length, at least 0.001 (an exact occurrence).
      worst = Math.max(worst, Math.round((hit.score ?? 0) * token.length));
    }
    if (worst < 0) return [];
    const need = token.length - worst;
    const wanted: number[] = new Array<number>(SLOTS).fill(0);
    for (let k = 0; k < token.length; k++) wanted[slot(token.charCodeAt(k))]! += 1;
    const slots = wanted.flatMap((n, s) => (n > 0 ? [s] : []));
    const out: string[] = [];
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i] as string;
      if (w.length < need) continue;
      let shared = 0;
      const base = i * SLOTS;
      for (const s of slots) shared += Math.min(wanted[s] as number, this.counts[base + s] as number);
      if (shared >= need) out.push(w);
    }
    return out;
  }
}
