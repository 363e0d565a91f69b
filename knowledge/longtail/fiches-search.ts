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

/**
 * One stem's postings, in fiche order: the fiche, the fields the stem occurs in (bit mask),
 * and what a query word matching it earns there whatever the query (the fields' weights
 * normalised by their lengths, and the share of the word the best field explains), so that
 * a query does only the part that depends on it.
 */
interface Postings {
  docs: Int32Array;
  fields: Uint8Array;
  /** BM25F's weighted, length-normalised frequency (before saturation). */
  weight: Float64Array;
  explains: Float64Array;
}

/** Ranks fiches for a message and declines non-administrative ones. Build once per index. */
export class FichesSearch {
  private readonly opts: FichesSearchOptions;
  private readonly fiches: readonly FicheRecord[];
  /** Stem → its postings. */
  private readonly postings = new Map<string, Postings>();
  private readonly idf = new Map<string, number>();
  /** Per fiche and field, the number of stems (for length normalisation). */
  private readonly lengths: Record<Field, Uint16Array>;
  private readonly avgLength: Record<Field, number>;
  /** Indexed stems by first letter, for typo correction. */
  private readonly byInitial = new Map<string, string[]>();
  private readonly maxIdf: number;
  private readonly fuzzyCache = new Map<string, StemMatch[]>();

  // Scratch space of `search`, one slot per fiche. A common word holds thousands of fiches:
  // an object and two map entries per fiche and word made a search of the whole long tail
  // cost about 0.65 ms (issue 8). A slot counts as set when its stamp is the current one.
  /** Per fiche, the best of the current word's matches (a typo may match several stems). */
  private readonly bestScore: Float64Array;
  private readonly bestMass: Float64Array;
  /** Bit 1: in the title; bit 2: exactly in the title. */
  private readonly bestTitle: Uint8Array;
  private readonly bestStamp: Int32Array;
  private readonly bestDocs: Int32Array;
  /** Per fiche, the evidence of the whole message. */
  private readonly evScore: Float64Array;
  /** The matched words' weight, each counted for the share its best field explains. */
  private readonly evMass: Float64Array;
  /** Query words matched anywhere. */
  private readonly evTerms: Int32Array;
  /** Query words matched in the title, exactly or corrected. */
  private readonly evTitleTerms: Int32Array;
  /** Query words matched exactly in the title. */
  private readonly evExactTitle: Int32Array;
  private readonly evStamp: Int32Array;
  private readonly evDocs: Int32Array;
  private stamp = 0;

  constructor(index: FichesIndex, options: Partial<FichesSearchOptions> = {}) {
    this.opts = { ...FICHES_SEARCH_DEFAULTS, ...options };
    this.fiches = index.fiches;
    const n = this.fiches.length;
    this.lengths = { t: new Uint16Array(n), d: new Uint16Array(n), b: new Uint16Array(n), k: new Uint16Array(n) };
    const total: Record<Field, number> = { t: 0, d: 0, b: 0, k: 0 };
    // Stem → fiche and field mask, in pairs, until the lengths are known.
    const building = new Map<string, number[]>();
    this.fiches.forEach((f, doc) => {
      const masks = new Map<string, number>();
      for (const field of FIELDS) {
        const stems = f.terms[field].split(' ').filter((x) => x !== '');
        this.lengths[field][doc] = Math.min(stems.length, 0xffff);
        total[field] += stems.length;
        for (const s of stems) masks.set(s, (masks.get(s) ?? 0) | FIELD_BIT[field]);
      }
      for (const [s, fields] of masks) {
        let list = building.get(s);
        if (!list) building.set(s, (list = []));
        list.push(doc, fields);
      }
    });
    this.avgLength = { t: 1, d: 1, b: 1, k: 1 };
    for (const field of FIELDS) this.avgLength[field] = Math.max(1, total[field] / Math.max(1, n));
    const o = this.opts;
    for (const [s, list] of building) {
      const size = list.length / 2;
      const postings: Postings = { docs: new Int32Array(size), fields: new Uint8Array(size), weight: new Float64Array(size), explains: new Float64Array(size) };
      for (let k = 0; k < size; k++) {
        const doc = list[2 * k] as number;
        const fields = list[2 * k + 1] as number;
        let w = 0;
        let explained = 0;
        for (const field of FIELDS) {
          if ((fields & FIELD_BIT[field]) === 0) continue;
          const norm = 1 - o.b + (o.b * (this.lengths[field][doc] as number)) / this.avgLength[field];
          w += o.weights[field] / norm;
          explained = Math.max(explained, o.explains[field]);
        }
        postings.docs[k] = doc;
        postings.fields[k] = fields;
        postings.weight[k] = w;
        postings.explains[k] = explained;
      }
      this.postings.set(s, postings);
    }
    this.bestScore = new Float64Array(n);
    this.bestMass = new Float64Array(n);
    this.bestTitle = new Uint8Array(n);
    this.bestStamp = new Int32Array(n);
    this.bestDocs = new Int32Array(n);
    this.evScore = new Float64Array(n);
    this.evMass = new Float64Array(n);
    this.evTerms = new Int32Array(n);
    this.evTitleTerms = new Int32Array(n);
    this.evExactTitle = new Int32Array(n);
    this.evStamp = new Int32Array(n);
    this.evDocs = new Int32Array(n);
    let maxIdf = 0;
    for (const [s, list] of this.postings) {
      const idf = Math.log(1 + (n - list.docs.length + 0.5) / (list.docs.length + 0.5));
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
    const { bestScore, bestMass, bestTitle, bestStamp, bestDocs, evScore, evMass, evTerms, evTitleTerms, evExactTitle, evStamp, evDocs } = this;
    // Stamps: one for the message's evidence, one per word for its best matches.
    if (this.stamp > 0x7fff0000) {
      bestStamp.fill(0);
      evStamp.fill(0);
      this.stamp = 0;
    }
    const evidenceStamp = ++this.stamp;
    let evCount = 0;
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
      const wordStamp = ++this.stamp;
      let bestCount = 0;
      for (const m of matches) {
        const idf = (this.idf.get(m.stem) ?? 0) * m.similarity;
        const list = this.postings.get(m.stem);
        if (!list) continue;
        const { docs, fields, weight: weights, explains } = list;
        for (let k = 0; k < docs.length; k++) {
          const doc = docs[k] as number;
          const w = weights[k] as number;
          const score = (idf * (w * (o.k1 + 1))) / (w + o.k1);
          const seen = bestStamp[doc] === wordStamp;
          if (!seen || score > (bestScore[doc] as number)) {
            if (!seen) {
              bestStamp[doc] = wordStamp;
              bestDocs[bestCount++] = doc;
            }
            const inTitle = ((fields[k] as number) & FIELD_BIT.t) !== 0;
            bestScore[doc] = score;
            bestMass[doc] = idf * (explains[k] as number);
            bestTitle[doc] = (inTitle ? 1 : 0) | (inTitle && m.similarity === 1 ? 2 : 0);
          }
        }
      }
      for (let k = 0; k < bestCount; k++) {
        const doc = bestDocs[k] as number;
        if (evStamp[doc] !== evidenceStamp) {
          evStamp[doc] = evidenceStamp;
          evDocs[evCount++] = doc;
          evScore[doc] = 0;
          evMass[doc] = 0;
          evTerms[doc] = 0;
          evTitleTerms[doc] = 0;
          evExactTitle[doc] = 0;
        }
        evScore[doc] = (evScore[doc] as number) + (bestScore[doc] as number);
        evTerms[doc] = (evTerms[doc] as number) + 1;
        evMass[doc] = (evMass[doc] as number) + (bestMass[doc] as number);
        const title = bestTitle[doc] as number;
        if (title & 1) evTitleTerms[doc] = (evTitleTerms[doc] as number) + 1;
        if (title & 2) evExactTitle[doc] = (evExactTitle[doc] as number) + 1;
      }
    }

    const hits: { doc: number; score: number }[] = [];
    for (let k = 0; k < evCount; k++) {
      const doc = evDocs[k] as number;
      const fiche = this.fiches[doc] as FicheRecord;
      if (o.excludedTypes.includes(fiche.type) || !this.enough(doc, queryMass)) continue;
      hits.push({ doc, score: (evScore[doc] as number) * (o.typePrior[fiche.type] ?? o.otherTypePrior) });
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
  private enough(doc: number, queryMass: number): boolean {
    const o = this.opts;
    if (this.evExactTitle[doc] === 0 || queryMass <= 0) return false;
    const mass = this.evMass[doc] as number;
    const coverage = mass / queryMass;
    if ((this.evTitleTerms[doc] as number) >= 2) return coverage >= o.minCoverage;
    if ((this.evTerms[doc] as number) >= 2) return coverage >= o.minCoverageOneTitleWord;
    const titleLength = Math.max(1, this.lengths.t[doc] as number);
    return mass >= o.rareIdf && 1 / titleLength >= o.minTitleCoverage && coverage >= o.minCoverageSingleWord;
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
