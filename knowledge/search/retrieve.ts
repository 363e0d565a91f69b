/**
 * Retrieval and ranking: a query's tokens are stemmed in the likely languages, matched
 * exactly in the inverted index or, for unknown words, to the closest indexed words with
 * Fuse.js (typo tolerance on the vocabulary, where fuzzy matching is strong), then every
 * entry is scored by the weighted evidence it holds for the query.
 */
import { contentTokens, stem, StemLanguage } from '../normalise';
import { Corrector } from './corrections';
import { InvertedIndex, keyed, PostingList } from './inverted-index';

/**
 * One stem a query token was matched to, with how sure the match is (1 for exact), and what
 * the index holds for the stem, resolved when the match is made (and kept with it).
 */
interface StemMatch {
  readonly stem: StemInfo;
  readonly similarity: number;
}

/**
 * What the index holds for one stem, reached from a query word in one step: ranking a
 * message looked each of its stems up three to five times in maps keyed by text (idf,
 * postings, phrases, the query's own stems): about a tenth of a message's search in process
 * (issue 8).
 */
interface StemInfo {
  /** Dense number of the stem in this retriever, an index into the query's scratch arrays. */
  readonly id: number;
  readonly idf: number;
  readonly postings: PostingList;
  /** The phrases whose rarest stem this is. */
  readonly phrases: readonly CompiledPhrase[];
}

/** A {@link Phrase} with its stems resolved. */
interface CompiledPhrase {
  readonly stems: readonly StemInfo[];
  readonly entries: Int32Array;
}

const NO_PHRASES: readonly CompiledPhrase[] = Object.freeze([]);
const NO_MATCHES: readonly StemMatch[] = Object.freeze([]);

/** Words whose exact stems are kept per language order (a word takes about 100 bytes). */
const EXACT_CACHE_MAX = 20_000;

/** The per-entry evidence for a query, before the decision. */
export interface Scored {
  entry: number;
  /** Evidence in [0, 1], growing with matched informative words and phrases. */
  score: number;
}

/** Constants of the ranking, fixed in code (options exist for experiments only). */
export const RANKING = {
  /** Words shorter than this are never corrected. */
  minFuzzyLength: 5,
  /** Fuse.js score above which a candidate correction is not even considered (0 is perfect). */
  fuzzyThreshold: 0.4,
  /** A corrected word counts for this share of an exact one, times its closeness. */
  correctionFactor: 0.9,
  /** Weight of a phrase of the content found whole in the query. */
  phraseWeight: 1.2,
  /** Raw evidence at which the score reaches 0.5. */
  halfScore: 6,
  /** Share of the score that depends on how much of the query the entry explains. */
  coverageShare: 0.6,
  /** Weight, relative to the rarest word of the base, of a word the base does not know. */
  unknownWordWeight: 0.8,
  /** Common-error entries gain this share when the message mentions a mistake... */
  errorCueBoost: 0.25,
  /** ...and lose this share when it does not. */
  errorNoCuePenalty: 0.15,
};
export type RankingOptions = typeof RANKING;

/**
 * Ranks entries for queries against one index. Build once per index; cheap to query.
 *
 * Query cost grows with the postings of the query's own stems, not with the size of the base:
 * candidates come only from those postings and the phrases keyed by a query stem, the
 * per-entry sums live in arrays allocated once, and typo correction only asks Fuse.js about
 * the part of the vocabulary that decides the correction ({@link Corrector}).
 */
export class Retriever {
  private readonly corrector: Corrector;
  private readonly fuzzyCache = new Map<string, readonly StemMatch[]>();
  /** {@link matchExact}'s answers, by language order then word (callers never change them). */
  private readonly exactCache = new Map<string, Map<string, readonly StemMatch[]>>();
  /** Every stem of the index, resolved ({@link StemInfo}). */
  private readonly stems: ReadonlyMap<string, StemInfo>;
  private readonly maxIdf: number;

  // Scratch space of `score`, one slot per entry, zero between queries. Ranking is
  // synchronous, so one set per retriever is enough; reusing it avoids allocating and
  // hashing per candidate entry on every message.
  private readonly raw: Float64Array;
  private readonly explained: Float64Array;
  private readonly best: Float64Array;
  private readonly phraseBonus: Float64Array;
  private readonly touched: Int32Array;
  private readonly bestTouched: Int32Array;
  private readonly phraseTouched: Int32Array;
  // The query's stems, one slot per stem of the index: a slot holds the stem's similarity
  // when its stamp is the current query's. A stamp per query instead of clearing.
  private readonly querySimilarity: Float64Array;
  private readonly queryStamp: Int32Array;
  private readonly queryStems: StemInfo[] = [];
  private stamp = 0;

  private readonly opts: RankingOptions;
  /** The options in force. */
  get options(): RankingOptions {
    return this.opts;
  }

  constructor(private readonly index: InvertedIndex, options: Partial<RankingOptions> = {}) {
    this.opts = { ...RANKING, ...options };
    this.corrector = new Corrector(index.vocabulary.keys(), RANKING.fuzzyThreshold);
    let maxIdf = 0;
    for (const v of index.idf.values()) if (v > maxIdf) maxIdf = v;
    this.maxIdf = maxIdf;
    const n = index.ids.length;
    this.raw = new Float64Array(n);
    this.explained = new Float64Array(n);
    this.best = new Float64Array(n);
    this.phraseBonus = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.bestTouched = new Int32Array(n);
    this.phraseTouched = new Int32Array(n);
    this.stems = resolveStems(index);
    this.querySimilarity = new Float64Array(this.stems.size);
    this.queryStamp = new Int32Array(this.stems.size);
  }

  /** Stems a query token may stand for, exact ones first, corrections otherwise. */
  private matchToken(token: string, langs: readonly StemLanguage[], exact: Map<string, readonly StemMatch[]>): readonly StemMatch[] {
    if (/^\d+$/.test(token)) return NO_MATCHES;
    const found = this.matchExact(token, langs, exact);
    if (found.length > 0) return found;
    if (token.length < RANKING.minFuzzyLength) return NO_MATCHES;
    const cached = this.fuzzyCache.get(token);
    if (cached) return cached;
    const out: Array<{ stem: StemInfo; similarity: number }> = [];
    const allowed = token.length >= 8 ? 2 : 1;
    // Fuse.js proposes close words of the vocabulary; a correction is kept only when it is
    // within one or two edits and starts with the same letter, since typos rarely hit the
    // first letter and looser matches turn unrelated words into procedures.
    for (const { word, distance } of this.corrector.corrections(token, allowed)) {
      const similarity = (1 - distance / Math.max(token.length, word.length)) * this.opts.correctionFactor;
      for (const key of this.index.vocabulary.get(word) ?? []) {
        const stem = this.stems.get(key) as StemInfo;
        const prev = out.find((m) => m.stem === stem);
        if (!prev) out.push({ stem, similarity });
        else prev.similarity = Math.max(prev.similarity, similarity);
      }
    }
    if (this.fuzzyCache.size > 5000) this.fuzzyCache.clear();
    this.fuzzyCache.set(token, out);
    return out;
  }

  /**
   * Splits a word typed without its space ("cartegrise") into two known words, when the
   * word itself is unknown.
   */
  private split(token: string, langs: readonly StemLanguage[], exact: Map<string, readonly StemMatch[]>): string[] {
    if (token.length < 7 || this.matchExact(token, langs, exact).length > 0) return [token];
    for (let i = 3; i <= token.length - 3; i++) {
      const a = token.slice(0, i);
      const b = token.slice(i);
      if (this.index.vocabulary.has(a) && this.index.vocabulary.has(b)) return [a, b];
    }
    return [token];
  }

  /** {@link matchExact}'s kept answers for a language order. */
  private exactFor(langs: readonly StemLanguage[]): Map<string, readonly StemMatch[]> {
    const order = langs.join(',');
    let byToken = this.exactCache.get(order);
    if (!byToken) this.exactCache.set(order, (byToken = new Map()));
    return byToken;
  }

  private matchExact(token: string, langs: readonly StemLanguage[], byToken: Map<string, readonly StemMatch[]>): readonly StemMatch[] {
    // Asked two to three times per word of every message (split, match, phrases), each time
    // stemming in every language: kept per language order and word, the index being fixed.
    let out = byToken.get(token);
    if (out === undefined) {
      const keys = langs.map((l) => keyed(l, stem(token, l))).filter((k, i, all) => all.indexOf(k) === i && this.stems.has(k));
      out = keys.length === 0 ? NO_MATCHES : keys.map((k) => ({ stem: this.stems.get(k) as StemInfo, similarity: 1 }));
      if (byToken.size >= EXACT_CACHE_MAX) byToken.clear();
      byToken.set(token, out);
    }
    return out;
  }

  /** Scores every entry that holds evidence for the query, best first. */
  rank(text: string, langs: readonly StemLanguage[]): Scored[] {
    const scored: Scored[] = [];
    this.score(text, langs, (entry, score) => scored.push({ entry, score }));
    return scored.sort(byScore);
  }

  /**
   * The `limit` best entries for the query once `adjust` has rescored them, best first, ties
   * in entry order: what ranking every entry, adjusting, sorting and cutting gives, without
   * sorting the thousands of weak candidates a large base has for a common word.
   */
  top(text: string, langs: readonly StemLanguage[], limit: number, adjust: (entry: number, score: number) => number = (_, s) => s): Scored[] {
    const best: Scored[] = [];
    if (limit <= 0) return best;
    this.score(text, langs, (entry, raw) => {
      const score = adjust(entry, raw);
      const last = best[limit - 1];
      // Most candidates of a large base are weaker than the last kept: no allocation for them.
      if (last && (score < last.score || (score === last.score && entry > last.entry))) return;
      const candidate = { entry, score };
      let at = best.length === limit ? limit - 1 : best.length;
      while (at > 0 && byScore(candidate, best[at - 1] as Scored) < 0) {
        best[at] = best[at - 1] as Scored;
        at--;
      }
      best[at] = candidate;
    });
    return best;
  }

  /**
   * Scores the query and hands every entry holding evidence for it to `emit`, in no order.
   * `emit` must not rank again: the scratch arrays are in use until this returns.
   */
  private score(text: string, langs: readonly StemLanguage[], emit: (entry: number, score: number) => void): void {
    const exact = this.exactFor(langs);
    const queryTokens = [...new Set(contentTokens(text).flatMap((t) => this.split(t, langs, exact)))];
    if (queryTokens.length === 0) return;
    const { raw, explained, best, phraseBonus, touched, bestTouched, phraseTouched, querySimilarity, queryStamp, queryStems } = this;
    let touchedCount = 0;
    if (this.stamp === 0x7fffffff) {
      queryStamp.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    queryStems.length = 0;
    let queryMass = 0;

    for (const token of queryTokens) {
      const matches = this.matchToken(token, langs, exact);
      if (matches.length === 0) {
        // An unknown word still counts in the query's mass: a message mostly made of words
        // the base does not know is probably not for us.
        queryMass += this.maxIdf * this.opts.unknownWordWeight;
        continue;
      }
      let tokenIdf = -Infinity;
      for (const m of matches) tokenIdf = Math.max(tokenIdf, m.stem.idf * m.similarity);
      queryMass += tokenIdf;
      // An entry counts a token once, by the best of the stems the token stands for.
      let bestCount = 0;
      for (const m of matches) {
        const { id, idf, postings: list } = m.stem;
        if (queryStamp[id] !== stamp) {
          queryStamp[id] = stamp;
          querySimilarity[id] = m.similarity;
          queryStems.push(m.stem);
        } else if (m.similarity > (querySimilarity[id] as number)) {
          querySimilarity[id] = m.similarity;
        }
        const factor = idf * m.similarity;
        for (let k = 0; k < list.entries.length; k++) {
          const entry = list.entries[k] as number;
          const s = factor * (list.weights[k] as number);
          if (s > (best[entry] as number)) {
            if (best[entry] === 0) bestTouched[bestCount++] = entry;
            best[entry] = s;
          }
        }
      }
      for (let k = 0; k < bestCount; k++) {
        const entry = bestTouched[k] as number;
        if (raw[entry] === 0) touched[touchedCount++] = entry;
        raw[entry] = (raw[entry] as number) + (best[entry] as number);
        explained[entry] = (explained[entry] as number) + tokenIdf;
        best[entry] = 0;
      }
    }

    // Only the phrases whose rarest stem is in the query can be whole in it. An entry gets
    // the bonus of its best whole phrase.
    let phraseCount = 0;
    for (let q = 0; q < queryStems.length; q++) {
      for (const p of (queryStems[q] as StemInfo).phrases) {
        let bonus = 0;
        let whole = true;
        for (const s of p.stems) {
          if (queryStamp[s.id] !== stamp) {
            whole = false;
            break;
          }
          bonus += s.idf * (querySimilarity[s.id] as number);
        }
        if (!whole) continue;
        for (let k = 0; k < p.entries.length; k++) {
          const entry = p.entries[k] as number;
          if (bonus > (phraseBonus[entry] as number)) {
            if (phraseBonus[entry] === 0) phraseTouched[phraseCount++] = entry;
            phraseBonus[entry] = bonus;
          }
        }
      }
    }
    for (let k = 0; k < phraseCount; k++) {
      const entry = phraseTouched[k] as number;
      if (raw[entry] === 0) touched[touchedCount++] = entry;
      raw[entry] = (raw[entry] as number) + this.opts.phraseWeight * (phraseBonus[entry] as number);
      phraseBonus[entry] = 0;
    }

    for (let k = 0; k < touchedCount; k++) {
      const entry = touched[k] as number;
      const r = raw[entry] as number;
      const strength = r / (r + this.opts.halfScore);
      const coverage = queryMass > 0 ? Math.min(1, (explained[entry] as number) / queryMass) : 0;
      raw[entry] = 0;
      explained[entry] = 0;
      emit(entry, strength * (1 - this.opts.coverageShare + this.opts.coverageShare * coverage));
    }
  }
}

/**
 * Every stem of the index with its idf, postings and the phrases it is the rarest stem of,
 * numbered densely in the order of the postings.
 */
function resolveStems(index: InvertedIndex): ReadonlyMap<string, StemInfo> {
  const stems = new Map<string, StemInfo & { phrases: CompiledPhrase[] }>();
  for (const [key, postings] of index.postings) {
    stems.set(key, { id: stems.size, idf: index.idf.get(key) ?? 0, postings, phrases: [] });
  }
  for (const [key, phrases] of index.phrasesByRarestStem) {
    const info = stems.get(key);
    if (!info) continue;
    for (const p of phrases) {
      // A phrase's stems are all in the index (its terms were indexed): none is dropped.
      info.phrases.push({ stems: p.stems.map((s) => stems.get(s) as StemInfo), entries: p.entries });
    }
  }
  for (const info of stems.values()) if (info.phrases.length === 0) info.phrases = NO_PHRASES as CompiledPhrase[];
  return stems;
}

/** Best first: higher score, then lower entry index. */
function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || a.entry - b.entry;
}
