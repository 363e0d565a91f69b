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
 *    letters to distinct letters of the word, and no alignment of the token with a part of
 *    the word has fewer errors than the best one (Sellers' algorithm computes it): a word
 *    failing either ranks after every word that may be kept. Fuse.js ranks the rest, in
 *    vocabulary order as it breaks ties, which is the ranking of the whole vocabulary as far
 *    as the kept words are concerned. It is asked first about the words with no error, then
 *    one, and so on: as soon as 12 words have at most `e` errors, they are the 12 best.
 *
 * `tests/unit/corrections.test.ts` checks the corrections against one Fuse.js over the whole
 * vocabulary, on the shipped base's words.
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
  /** The same, lower-cased as Fuse.js compares them (the index's words already are). */
  private readonly lower: readonly string[];
  /** Letter counts of each lower-cased word, {@link SLOTS} per word. */
  private readonly counts: Uint8Array;
  /** Word positions by first letter and length. */
  private readonly byStartAndLength = new Map<string, number[]>();
  private readonly fuseOptions: IFuseOptions<string>;
  /** One Fuse.js over the whole vocabulary, for the rare tokens step 2 cannot handle. */
  private whole?: Fuse<string>;

  /**
   * `words` in vocabulary order; words of fewer than three letters are never proposed.
   * `threshold` is Fuse.js's: the score above which a word is not proposed.
   */
  constructor(words: Iterable<string>, threshold: number) {
    this.fuseOptions = { ...FUSE_OPTIONS, threshold };
    this.words = [...words].filter((w) => w.length >= 3);
    this.lower = this.words.map((w) => w.toLowerCase());
    this.counts = new Uint8Array(this.words.length * SLOTS);
    this.words.forEach((w, i) => {
      const l = this.lower[i] as string;
      for (let k = 0; k < l.length; k++) {
        const at = i * SLOTS + slot(l.charCodeAt(k));
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
    // Fuse.js's pattern: the token lower-cased (its length counts the errors).
    const pattern = token.toLowerCase();
    if (pattern.length > FUSE_MAX_PATTERN) {
      this.whole ??= new Fuse(this.words, this.fuseOptions);
      return this.keep(token, allowed, this.whole.search(token, { limit: PROPOSALS }));
    }
    // Step 2: the most errors a possible word has.
    let most = -1;
    for (const hit of new Fuse(possible.map((i) => this.words[i] as string), this.fuseOptions).search(token)) {
      most = Math.max(most, errors(hit.score ?? 0, pattern.length));
    }
    if (most < 0) return []; // Fuse.js proposes none of them: nothing is kept.
    // Step 3, by rising numbers of errors: the words that may have at most `e` errors. When
    // 12 of them do, they are the 12 best of the whole vocabulary and the words with more
    // errors need not be looked at (for a common short word, that spares thousands).
    const { words, fewest } = this.rivals(pattern, most);
    for (let e = 0; ; e++) {
      const group = words.filter((_, k) => (fewest[k] as number) <= e);
      const hits = new Fuse(group, this.fuseOptions).search(token, { limit: PROPOSALS });
      if (e >= most || (hits.length === PROPOSALS && hits.every((h) => errors(h.score ?? 0, pattern.length) <= e))) return this.keep(token, allowed, hits);
    }
  }

  /** The proposals kept: the token's first letter, within `allowed` edits. */
  private keep(token: string, allowed: number, hits: ReadonlyArray<{ item: string }>): Correction[] {
    const out: Correction[] = [];
    for (const hit of hits) {
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
   * Step 3: the words that may have at most `most` errors, in vocabulary order, with the
   * fewest errors they can have. A word sharing too few letters with the pattern is passed
   * over at once; the others get the fewest errors of any alignment of the pattern with a
   * part of them, which Fuse.js cannot go below (its errors are those of one such alignment).
   */
  private rivals(pattern: string, most: number): { words: string[]; fewest: number[] } {
    const need = pattern.length - most;
    const wanted = new Int32Array(SLOTS);
    for (let k = 0; k < pattern.length; k++) wanted[slot(pattern.charCodeAt(k))]! += 1;
    const slots = Int32Array.from(wanted.keys()).filter((s) => (wanted[s] as number) > 0);
    const words: string[] = [];
    const fewest: number[] = [];
    const counts = this.counts;
    for (let i = 0; i < this.words.length; i++) {
      const w = this.lower[i] as string;
      if (w.length < need) continue;
      let shared = 0;
      const base = i * SLOTS;
      for (let k = 0; k < slots.length; k++) {
        const s = slots[k] as number;
        const have = counts[base + s] as number;
        const want = wanted[s] as number;
        shared += have < want ? have : want;
      }
      if (shared < need) continue;
      const e = occurrenceErrors(pattern, w, most);
      if (e <= most) {
        words.push(this.words[i] as string);
        fewest.push(e);
      }
    }
    return { words, fewest };
  }
}

// Two rows of the alignment table of `occurrenceErrors`, reused across calls.
let above = new Int32Array(64);
let current = new Int32Array(64);

/**
 * The fewest edits (insertions, deletions, substitutions) turning `pattern` into some part
 * of `text` (Sellers' approximate matching), or `max + 1` once it must exceed `max`.
 */
function occurrenceErrors(pattern: string, text: string, max: number): number {
  const n = text.length;
  if (above.length <= n) {
    above = new Int32Array(2 * (n + 1));
    current = new Int32Array(2 * (n + 1));
  }
  // Row 0: the empty pattern occurs anywhere, without edits.
  for (let j = 0; j <= n; j++) above[j] = 0;
  for (let i = 1; i <= pattern.length; i++) {
    const c = pattern.charCodeAt(i - 1);
    current[0] = i;
    let best = i;
    for (let j = 1; j <= n; j++) {
      const diagonal = (above[j - 1] as number) + (text.charCodeAt(j - 1) === c ? 0 : 1);
      const up = (above[j] as number) + 1;
      const left = (current[j - 1] as number) + 1;
      const v = diagonal < up ? (diagonal < left ? diagonal : left) : up < left ? up : left;
      current[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    const spare = above;
    above = current;
    current = spare;
  }
  let fewest = max + 1;
  for (let j = 0; j <= n; j++) if ((above[j] as number) < fewest) fewest = above[j] as number;
  return fewest;
}

/** Errors of a Fuse.js score (errors / token length, at least 0.001 for an exact occurrence). */
function errors(score: number, length: number): number {
  return Math.round(score * length);
}
