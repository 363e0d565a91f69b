/**
 * Retrieval and ranking: a query's tokens are stemmed in the likely languages, matched
 * exactly in the inverted index or, for unknown words, to the closest indexed words with
 * Fuse.js (typo tolerance on the vocabulary, where fuzzy matching is strong), then every
 * entry is scored by the weighted evidence it holds for the query.
 */
import Fuse from 'fuse.js';
import { contentTokens, stem, StemLanguage } from '../normalise';
import { editDistance } from './edit-distance';
import { fieldScore, InvertedIndex, keyed } from './inverted-index';

/** One stem a query token was matched to, with how sure the match is (1 for exact). */
interface StemMatch {
  stem: string;
  similarity: number;
}

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

/** Ranks entries for queries against one index. Build once per index; cheap to query. */
export class Retriever {
  private readonly fuse: Fuse<string>;
  private readonly fuzzyCache = new Map<string, StemMatch[]>();
  private readonly maxIdf: number;

  private readonly opts: RankingOptions;
  /** The options in force. */
  get options(): RankingOptions {
    return this.opts;
  }

  constructor(private readonly index: InvertedIndex, options: Partial<RankingOptions> = {}) {
    this.opts = { ...RANKING, ...options };
    const words = [...index.vocabulary.keys()].filter((w) => w.length >= 3);
    this.fuse = new Fuse(words, {
      includeScore: true,
      threshold: RANKING.fuzzyThreshold,
      ignoreLocation: true,
      minMatchCharLength: 3,
    });
    this.maxIdf = Math.max(0, ...index.idf.values());
  }

  /** Stems a query token may stand for, exact ones first, corrections otherwise. */
  private matchToken(token: string, langs: readonly StemLanguage[]): StemMatch[] {
    if (/^\d+$/.test(token)) return [];
    const exact = this.matchExact(token, langs);
    if (exact.length > 0) return exact.map((stem) => ({ stem, similarity: 1 }));
    if (token.length < RANKING.minFuzzyLength) return [];
    const cached = this.fuzzyCache.get(token);
    if (cached) return cached;
    const out: StemMatch[] = [];
    const allowed = token.length >= 8 ? 2 : 1;
    // Fuse.js proposes close words of the vocabulary; a correction is kept only when it is
    // within one or two edits and starts with the same letter, since typos rarely hit the
    // first letter and looser matches turn unrelated words into procedures.
    for (const hit of this.fuse.search(token, { limit: 12 })) {
      if (hit.item[0] !== token[0]) continue;
      const distance = editDistance(token, hit.item, allowed);
      if (distance > allowed) continue;
      const similarity = (1 - distance / Math.max(token.length, hit.item.length)) * this.opts.correctionFactor;
      for (const stem of this.index.vocabulary.get(hit.item) ?? []) {
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
  private split(token: string, langs: readonly StemLanguage[]): string[] {
    if (token.length < 7 || this.matchExact(token, langs).length > 0) return [token];
    for (let i = 3; i <= token.length - 3; i++) {
      const a = token.slice(0, i);
      const b = token.slice(i);
      if (this.index.vocabulary.has(a) && this.index.vocabulary.has(b)) return [a, b];
    }
    return [token];
  }

  private matchExact(token: string, langs: readonly StemLanguage[]): string[] {
    return langs.map((l) => keyed(l, stem(token, l))).filter((k, i, all) => all.indexOf(k) === i && this.index.postings.has(k));
  }

  /** Scores every entry that holds evidence for the query, best first. */
  rank(text: string, langs: readonly StemLanguage[]): Scored[] {
    const queryTokens = [...new Set(contentTokens(text).flatMap((t) => this.split(t, langs)))];
    if (queryTokens.length === 0) return [];
    const raw = new Map<number, number>();
    const explained = new Map<number, number>();
    const queryStems = new Map<string, number>();
    let queryMass = 0;

    for (const token of queryTokens) {
      const matches = this.matchToken(token, langs);
      if (matches.length === 0) {
        // An unknown word still counts in the query's mass: a message mostly made of words
        // the base does not know is probably not for us.
        queryMass += this.maxIdf * this.opts.unknownWordWeight;
        continue;
      }
      const tokenIdf = Math.max(...matches.map((m) => (this.index.idf.get(m.stem) ?? 0) * m.similarity));
      queryMass += tokenIdf;
      const best = new Map<number, number>();
      for (const m of matches) {
        const idf = this.index.idf.get(m.stem) ?? 0;
        const prev = queryStems.get(m.stem) ?? 0;
        queryStems.set(m.stem, Math.max(prev, m.similarity));
        for (const [entry, counts] of this.index.postings.get(m.stem) ?? []) {
          const s = idf * m.similarity * fieldScore(counts);
          if (s > (best.get(entry) ?? 0)) best.set(entry, s);
        }
      }
      for (const [entry, s] of best) {
        raw.set(entry, (raw.get(entry) ?? 0) + s);
        explained.set(entry, (explained.get(entry) ?? 0) + tokenIdf);
      }
    }

    const phraseBonus = new Map<number, number>();
    for (const p of this.index.phrases) {
      let bonus = 0;
      let whole = true;
      for (const s of p.stems) {
        const sim = queryStems.get(s);
        if (sim === undefined) {
          whole = false;
          break;
        }
        bonus += (this.index.idf.get(s) ?? 0) * sim;
      }
      if (whole && bonus > (phraseBonus.get(p.entry) ?? 0)) phraseBonus.set(p.entry, bonus);
    }
    for (const [entry, bonus] of phraseBonus) raw.set(entry, (raw.get(entry) ?? 0) + this.opts.phraseWeight * bonus);

    const scored: Scored[] = [];
    for (const [entry, r] of raw) {
      const strength = r / (r + this.opts.halfScore);
      const coverage = queryMass > 0 ? Math.min(1, (explained.get(entry) ?? 0) / queryMass) : 0;
      const score = strength * (1 - this.opts.coverageShare + this.opts.coverageShare * coverage);
      scored.push({ entry, score });
    }
    scored.sort((a, b) => b.score - a.score || a.entry - b.entry);
    return scored;
  }
}
