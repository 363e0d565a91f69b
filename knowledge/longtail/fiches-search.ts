/**
 * Search over the compact fiches index, for the "long tail": when the curated base has no
 * confident answer, the bot offers the two or three service-public.fr fiches that fit best.
 *
 * Ranking is BM25F-like over the indexed stems (title weighted most). Because the fiches
 * cover almost every word of daily life ("voiture", "temps", "prix"), a best match always
 * exists; what matters is declining when it is weak. A fiche is only offered when the
 * message holds enough evidence for it (see {@link FICHES_SEARCH_DEFAULTS}): otherwise
 * `search` returns [] and the bot says it does not know rather than sending a person to an
 * unrelated page.
 *
 * Pure logic: no bot imports.
 */
import { editDistance } from '../search/edit-distance';
import { Audience, AUDIENCES, FichesIndex, ficheStems, FicheRecord } from './fiches-index';

/** One fiche offered for a message. */
export interface FicheHit {
  id: string;
  title: string;
  url: string;
  audience: Audience;
  /** BM25F relevance, higher is better; only comparable between hits of the same index. */
  score: number;
}

/**
 * The general constants of ranking and declining. They were set by measuring the share of
 * out-of-scope messages that get a fiche and the relevance of in-scope results, never by
 * fitting single questions.
 */
export const FICHES_SEARCH_DEFAULTS = {
  /** Field weights: the title says what a fiche is about, the breadcrumb only where it sits. */
  weights: { t: 3, d: 1, b: 0.7, k: 0.5 },
  /**
   * How much of a message word a fiche explains, by the best field it is found in: a word
   * in the description or the breadcrumb often appears there in passing ("vendu" in a
   * fiche on breeding dogs), so it explains the word less than a title does.
   */
  explains: { t: 1, d: 0.6, b: 0.6, k: 0.4 },
  /** BM25 saturation and length normalisation. */
  k1: 1.2,
  b: 0.75,
  /**
   * Multipliers by the publisher's type. The "Fiche pratique" explaining a procedure is what
   * a person needs first; a "Question-réponse" covers one narrow case of it, folders and
   * themes only list fiches, and forms and online services (many of them local to one
   * département) are reached from the fiche anyway.
   */
  typePrior: {
    'Fiche pratique': 1,
    'Comment faire si...': 1,
    'Question-réponse': 0.85,
    Dossier: 0.85,
    Thème: 0.7,
  } as Record<string, number>,
  /** Multiplier for the types not listed (forms, online services, simulators, models). */
  otherTypePrior: 0.8,
  /**
   * Types never offered: the guided searches are interactive questionnaires whose titles
   * are internal working names ("**CNI Mineur-1ère dde", "Perceval").
   */
  excludedTypes: ['Recherche guidée'] as string[],
  /** Query stems at least this long (and not in the index) are corrected to indexed stems... */
  minFuzzyLength: 5,
  /** ...counting for this share of an exact match, per edit. */
  fuzzyFactor: 0.75,
  /**
   * Weight, as a share of the rarest stem's idf, of a query word the fiches do not know
   * at all ("pizza", "Pontoise"): a message mostly made of such words is not administrative.
   */
  unknownWordWeight: 0.5,
  /**
   * A fiche matching two or more message words in its title must explain at least this
   * share of the message's weight (all fields together)...
   */
  minCoverage: 0.5,
  /**
   * ...one matching a single word in its title and others elsewhere, this larger share:
   * a word shared with a title is weak evidence on its own ("vente" in "Élevage et vente
   * de chiens" for a question about selling a car)...
   */
  minCoverageOneTitleWord: 0.7,
  /**
   * ...and one matching a single word of the message in all, that word must be rare (idf at
   * least this, i.e. in under ~1% of the fiches), make up at least `minTitleCoverage` of
   * the title's words and this share of the message's weight.
   */
  rareIdf: 4.5,
  minTitleCoverage: 0.5,
  minCoverageSingleWord: 0.75,
};
export type FichesSearchOptions = typeof FICHES_SEARCH_DEFAULTS;

/** Distinct message words considered. */
const MAX_QUERY_STEMS = 64;

type Field = 't' | 'd' | 'b' | 'k';
const FIELDS: readonly Field[] = ['t', 'd', 'b', 'k'];
const FIELD_BIT: Record<Field, number> = { t: 1, d: 2, b: 4, k: 8 };

/** One way a query word matched the index. */
interface StemMatch {
  stem: string;
  similarity: number;
}

/** The evidence one fiche holds for a query. */
interface Evidence {
  score: number;
  /** Query words matched anywhere. */
  terms: number;
  /** Query words matched exactly in the title. */
  exactTitle: number;
  /** Query words matched in the title, exactly or corrected. */
  titleTerms: number;
  /** The matched words' weight, each counted for the share its best field explains. */
  mass: number;
}

/** Ranks fiches for a message and declines non-administrative ones. Build once per index. */
export class FichesSearch {
  private readonly opts: FichesSearchOptions;
  private readonly fiches: readonly FicheRecord[];
  /** Stem → fiche numbers and, for each, the bit mask of the fields it occurs in. */
  private readonly postings = new Map<string, { doc: number; fields: number }[]>();
  private readonly idf = new Map<string, number>();
  /** Per fiche and field, the number of stems (for length normalisation). */
  private readonly lengths: Record<Field, Uint16Array>;
  private readonly avgLength: Record<Field, number>;
  /** Indexed stems by first letter, for typo correction. */
  private readonly byInitial = new Map<string, string[]>();
  private readonly maxIdf: number;
  private readonly fuzzyCache = new Map<string, StemMatch[]>();

  constructor(index: FichesIndex, options: Partial<FichesSearchOptions> = {}) {
    this.opts = { ...FICHES_SEARCH_DEFAULTS, ...options };
    this.fiches = index.fiches;
    const n = this.fiches.length;
    this.lengths = { t: new Uint16Array(n), d: new Uint16Array(n), b: new Uint16Array(n), k: new Uint16Array(n) };
    const total: Record<Field, number> = { t: 0, d: 0, b: 0, k: 0 };
    this.fiches.forEach((f, doc) => {
      const masks = new Map<string, number>();
      for (const field of FIELDS) {
        const stems = f.terms[field].split(' ').filter((x) => x !== '');
        this.lengths[field][doc] = Math.min(stems.length, 0xffff);
        total[field] += stems.length;
        for (const s of stems) masks.set(s, (masks.get(s) ?? 0) | FIELD_BIT[field]);
      }
      for (const [s, fields] of masks) {
        let list = this.postings.get(s);
        if (!list) this.postings.set(s, (list = []));
        list.push({ doc, fields });
      }
    });
    this.avgLength = { t: 1, d: 1, b: 1, k: 1 };
    for (const field of FIELDS) this.avgLength[field] = Math.max(1, total[field] / Math.max(1, n));
    let maxIdf = 0;
    for (const [s, list] of this.postings) {
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      this.idf.set(s, idf);
      maxIdf = Math.max(maxIdf, idf);
      const initial = s[0] as string;
      let group = this.byInitial.get(initial);
      if (!group) this.byInitial.set(initial, (group = []));
      group.push(s);
    }
    this.maxIdf = maxIdf;
  }

  /** Number of fiches searched. */
  get size(): number {
    return this.fiches.length;
  }

  /**
   * The fiches that best fit a message, best first, at most `limit`, one per fiche id
   * (a fiche published for several audiences is offered once, `particuliers` first).
   * Returns [] when no fiche holds enough evidence: small talk, other topics, gibberish.
   */
  search(text: string, limit = 3): FicheHit[] {
    if (limit <= 0) return [];
    // Capped: a pasted letter must not cost more than a question; its first words say enough.
    const query = [...new Set(ficheStems(text))].slice(0, MAX_QUERY_STEMS);
    if (query.length === 0) return [];
    const o = this.opts;
    const evidence = new Map<number, Evidence>();
    let queryMass = 0;

    for (const q of query) {
      const matches = this.match(q);
      if (matches.length === 0) {
        queryMass += this.maxIdf * o.unknownWordWeight;
        continue;
      }
      const weight = Math.max(...matches.map((m) => (this.idf.get(m.stem) ?? 0) * m.similarity));
      queryMass += weight;
      // Per fiche, the best of the word's matches (a typo may match several stems).
      const best = new Map<number, { score: number; mass: number; inTitle: boolean; exactTitle: boolean }>();
      for (const m of matches) {
        const idf = (this.idf.get(m.stem) ?? 0) * m.similarity;
        for (const { doc, fields } of this.postings.get(m.stem) ?? []) {
          let w = 0;
          for (const field of FIELDS) {
            if ((fields & FIELD_BIT[field]) === 0) continue;
            const norm = 1 - o.b + (o.b * (this.lengths[field][doc] as number)) / this.avgLength[field];
            w += o.weights[field] / norm;
          }
          const score = (idf * (w * (o.k1 + 1))) / (w + o.k1);
          let explained = 0;
          for (const field of FIELDS) if ((fields & FIELD_BIT[field]) !== 0) explained = Math.max(explained, o.explains[field]);
          const inTitle = (fields & FIELD_BIT.t) !== 0;
          const prev = best.get(doc);
          if (!prev || score > prev.score) {
            best.set(doc, { score, mass: idf * explained, inTitle, exactTitle: inTitle && m.similarity === 1 });
          }
        }
      }
      for (const [doc, b] of best) {
        let e = evidence.get(doc);
        if (!e) evidence.set(doc, (e = { score: 0, terms: 0, exactTitle: 0, titleTerms: 0, mass: 0 }));
        e.score += b.score;
        e.terms += 1;
        e.mass += b.mass;
        if (b.inTitle) e.titleTerms += 1;
        if (b.exactTitle) e.exactTitle += 1;
      }
    }

    const hits: { doc: number; score: number }[] = [];
    for (const [doc, e] of evidence) {
      const fiche = this.fiches[doc] as FicheRecord;
      if (o.excludedTypes.includes(fiche.type) || !this.enough(doc, e, queryMass)) continue;
      hits.push({ doc, score: e.score * (o.typePrior[fiche.type] ?? o.otherTypePrior) });
    }
    hits.sort((a, b) => b.score - a.score || this.tieOrder(a.doc) - this.tieOrder(b.doc));

    const out: FicheHit[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      const f = this.fiches[h.doc] as FicheRecord;
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      out.push({ id: f.id, title: f.title, url: f.url, audience: f.audience, score: Math.round(h.score * 1000) / 1000 });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * The minimum-evidence rules. A fiche sharing one common word with the message ("temps",
   * "voiture") is not an answer: it needs a word of the message exactly in its title, and
   * the more of the message it leaves unexplained, the more title words it needs.
   */
  private enough(doc: number, e: Evidence, queryMass: number): boolean {
    const o = this.opts;
    if (e.exactTitle === 0 || queryMass <= 0) return false;
    const coverage = e.mass / queryMass;
    if (e.titleTerms >= 2) return coverage >= o.minCoverage;
    if (e.terms >= 2) return coverage >= o.minCoverageOneTitleWord;
    const titleLength = Math.max(1, this.lengths.t[doc] as number);
    return e.mass >= o.rareIdf && 1 / titleLength >= o.minTitleCoverage && coverage >= o.minCoverageSingleWord;
  }

  /** On equal scores: `particuliers` first (the bot serves individuals), then fiches before folders and forms. */
  private tieOrder(doc: number): number {
    const f = this.fiches[doc] as FicheRecord;
    const kind = f.id[0] === 'F' ? 0 : f.id[0] === 'N' ? 1 : 2;
    return AUDIENCES.indexOf(f.audience) * 10 + kind;
  }

  /** The indexed stems a query stem stands for: itself, or its close corrections. */
  private match(q: string): StemMatch[] {
    if (this.postings.has(q)) return [{ stem: q, similarity: 1 }];
    if (q.length < this.opts.minFuzzyLength) return [];
    const cached = this.fuzzyCache.get(q);
    if (cached) return cached;
    // Corrections keep the first letter (typos rarely hit it) and allow one edit, two for
    // long words; only the closest candidates count, so "adrese" finds "adress" and not
    // every word one more edit away.
    const allowed = q.length >= 8 ? 2 : 1;
    let bestDistance = allowed + 1;
    let out: StemMatch[] = [];
    for (const s of this.byInitial.get(q[0] as string) ?? []) {
      if (Math.abs(s.length - q.length) > allowed || s.length < 4) continue;
      const d = editDistance(q, s, allowed);
      if (d > allowed || d > bestDistance) continue;
      const m = { stem: s, similarity: Math.pow(this.opts.fuzzyFactor, d) };
      if (d < bestDistance) {
        bestDistance = d;
        out = [m];
      } else out.push(m);
    }
    if (this.fuzzyCache.size > 5000) this.fuzzyCache.clear();
    this.fuzzyCache.set(q, out);
    return out;
  }
}
