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

/** A phrase people use for an entry, as stems. */
export interface Phrase {
  entry: number;
  stems: string[];
}

/** The built index. Immutable once built. */
export interface InvertedIndex {
  readonly ids: readonly string[];
  readonly postings: ReadonlyMap<string, ReadonlyMap<number, FieldCounts>>;
  readonly idf: ReadonlyMap<string, number>;
  /** Multi-word phrases from the entries' `terms`. */
  readonly phrases: readonly Phrase[];
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

/** Builds the index from validated entries. */
export function buildIndex(entries: readonly Entry[]): InvertedIndex {
  const postings = new Map<string, Map<number, FieldCounts>>();
  const vocabulary = new Map<string, string[]>();
  const phrases: Phrase[] = [];

  const add = (entry: number, field: Field, text: string, lang: StemLanguage): string[] => {
    const stems: string[] = [];
    for (const tok of contentTokens(text)) {
      if (/^\d+$/.test(tok)) continue;
      const s = keyed(lang, stem(tok, lang));
      stems.push(s);
      let byEntry = postings.get(s);
      if (!byEntry) postings.set(s, (byEntry = new Map()));
      let counts = byEntry.get(entry);
      if (!counts) byEntry.set(entry, (counts = { term: 0, title: 0, summary: 0, body: 0 }));
      counts[field] += 1;
      const known = vocabulary.get(tok);
      if (!known) vocabulary.set(tok, [s]);
      else if (!known.includes(s)) known.push(s);
    }
    return stems;
  };

  entries.forEach((e, i) => {
    for (const lang of TEXT_LANGS) {
      for (const term of e.terms[lang] ?? []) {
        const stems = add(i, 'term', term, lang);
        const distinct = [...new Set(stems)];
        if (distinct.length >= 2) phrases.push({ entry: i, stems: distinct });
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
  for (const [s, byEntry] of postings) {
    const df = byEntry.size;
    idf.set(s, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
  }
  return { ids: entries.map((e) => e.id), postings, idf, phrases, vocabulary };
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
