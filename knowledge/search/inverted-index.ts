/**
 * The inverted index over the entries: stems to the entries and fields they occur in, with
 * inverse document frequencies, the phrases people use for each entry, and the vocabulary
 * (surface words) used for typo tolerance.
 */
import { Entry } from '../schema';
import { contentTokens, stem, StemLanguage } from '../normalise';

/** Fields of an entry, with the weight a match in each carries. */
export const FIELD_WEIGHTS = {
  term: 3,
  title: 2.5,
  summary: 1,
  body: 0.35,
} as const;
export type Field = keyof typeof FIELD_WEIGHTS;
const FIELDS = Object.keys(FIELD_WEIGHTS) as Field[];

/** Term frequencies of one stem in one entry, per field. */
export type FieldCounts = Record<Field, number>;

/**
 * A phrase people use for entries, as stems, with every entry whose terms hold it. Entries
 * of a large base share phrases ("services en ligne et formulaires" is in thousands of
 * them): the phrase is checked against a query once, not once per entry.
 */
export interface Phrase {
  /** Distinct stems, in the order of the words. */
  readonly stems: readonly string[];
  /** Entries whose terms hold the phrase, in entry order. */
  readonly entries: Int32Array;
}

/**
 * The entries one stem occurs in, in entry order, with how strongly the stem ties each of
 * them ({@link fieldScore} of its counts). Typed arrays rather than a map of per-field
 * counts: ranking walks these lists for every query word, and at tens of thousands of
 * entries a common word has thousands of postings; the weight never changes once built.
 */
export interface PostingList {
  readonly entries: Int32Array;
  readonly weights: Float64Array;
}

/** The built index. Immutable once built. */
export interface InvertedIndex {
  readonly ids: readonly string[];
  readonly postings: ReadonlyMap<string, PostingList>;
  readonly idf: ReadonlyMap<string, number>;
  /**
   * Multi-word phrases from the entries' `terms`, by their rarest stem (in the fewest entries;
   * the first of them on a tie). A phrase only counts when every one of its stems is in the
   * query, so the query's own stems find all the phrases that can count without looking at
   * the others. The rarest stem keeps the lists short: a query word common to half the base
   * only brings the phrases made of common words alone.
   */
  readonly phrasesByRarestStem: ReadonlyMap<string, readonly Phrase[]>;
  /** Surface word to the stems it was indexed under. */
  readonly vocabulary: ReadonlyMap<string, readonly string[]>;
}

const TEXT_LANGS = ['fr', 'en', 'es', 'pt', 'ar'] as const;

/**
 * Stems are kept per language ("fr:born" is not "en:born"): a French stem must not match
 * an English word that happens to share it.
 */
export function keyed(lang: StemLanguage, s: string): string {
  return `${lang}:${s}`;
}

/** A posting list while the index is built: entries in order, four field counts each. */
interface PostingBuilder {
  entries: number[];
  /** Counts of the fields in {@link FIELDS} order, four per entry of `entries`. */
  counts: number[];
}

const FIELD_SLOT: Record<Field, number> = { term: 0, title: 1, summary: 2, body: 3 };

/** Builds the index from validated entries. */
export function buildIndex(entries: readonly Entry[]): InvertedIndex {
  const building = new Map<string, PostingBuilder>();
  const vocabulary = new Map<string, string[]>();
  /** Phrases by their stems joined, each with its entries (each entry once, in order). */
  const phrases = new Map<string, { stems: string[]; entries: number[] }>();

  // Per language, each word seen to its stem and posting list: a large base repeats few
  // words many times, and stemming, keying and looking the stem up once per word instead of
  // once per occurrence is most of the build.
  const seen = new Map<StemLanguage, Map<string, { stem: string; list: PostingBuilder }>>();

  const add = (entry: number, field: Field, text: string, lang: StemLanguage): string[] => {
    const stems: string[] = [];
    let words = seen.get(lang);
    if (!words) seen.set(lang, (words = new Map()));
    for (const tok of contentTokens(text)) {
      let known = words.get(tok);
      if (!known) {
        if (/^\d+$/.test(tok)) continue;
        const s = keyed(lang, stem(tok, lang));
        let list = building.get(s);
        if (!list) building.set(s, (list = { entries: [], counts: [] }));
        words.set(tok, (known = { stem: s, list }));
        const stemsOfWord = vocabulary.get(tok);
        if (!stemsOfWord) vocabulary.set(tok, [s]);
        else if (!stemsOfWord.includes(s)) stemsOfWord.push(s);
      }
      stems.push(known.stem);
      const list = known.list;
      // Entries are indexed one after the other, so the entry is either the list's last or new.
      if (list.entries[list.entries.length - 1] !== entry) {
        list.entries.push(entry);
        list.counts.push(0, 0, 0, 0);
      }
      list.counts[list.counts.length - 4 + FIELD_SLOT[field]]! += 1;
    }
    return stems;
  };

  entries.forEach((e, i) => {
    for (const lang of TEXT_LANGS) {
      for (const term of e.terms[lang] ?? []) {
        const stems = add(i, 'term', term, lang);
        const distinct = [...new Set(stems)];
        if (distinct.length < 2) continue;
        const key = distinct.join(' ');
        const phrase = phrases.get(key);
        if (!phrase) phrases.set(key, { stems: distinct, entries: [i] });
        else if (phrase.entries[phrase.entries.length - 1] !== i) phrase.entries.push(i);
      }
      const t = e.text[lang];
      if (!t) continue;
      add(i, 'title', t.title, lang);
      add(i, 'summary', t.summary, lang);
      const body = [...t.prepare, ...t.steps, t.delays ?? '', t.rightToError ?? '', t.limits ?? '', ...t.avoid].join(' ');
      add(i, 'body', body, lang);
    }
  });

  const n = entries.length;
  const idf = new Map<string, number>();
  const postings = new Map<string, PostingList>();
  for (const [s, list] of building) {
    const df = list.entries.length;
    idf.set(s, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    const weights = new Float64Array(df);
    for (let k = 0; k < df; k++) {
      const c = list.counts;
      weights[k] = fieldScore({ term: c[4 * k]!, title: c[4 * k + 1]!, summary: c[4 * k + 2]!, body: c[4 * k + 3]! });
    }
    postings.set(s, { entries: Int32Array.from(list.entries), weights });
  }
  const phrasesByRarestStem = new Map<string, Phrase[]>();
  for (const { stems, entries: holders } of phrases.values()) {
    let rarest = stems[0] as string;
    for (const s of stems) if (postings.get(s)!.entries.length < postings.get(rarest)!.entries.length) rarest = s;
    const phrase: Phrase = { stems, entries: Int32Array.from(holders) };
    const list = phrasesByRarestStem.get(rarest);
    if (list) list.push(phrase);
    else phrasesByRarestStem.set(rarest, [phrase]);
  }
  return { ids: entries.map((e) => e.id), postings, idf, phrasesByRarestStem, vocabulary };
}

/** How strongly one stem ties a query to an entry, from its counts in the entry's fields. */
export function fieldScore(counts: FieldCounts): number {
  let s = 0;
  for (const f of FIELDS) {
    const tf = counts[f];
    if (tf > 0) s += FIELD_WEIGHTS[f] * (tf / (tf + 1));
  }
  return s;
}
