/**
 * Groups the questions the bot could not answer, so that editors see "horaires piscine,
 * asked 40 times" once instead of forty spellings of it, and know which words to add to an
 * entry.
 */
import { contentTokens, normalise, stem, StemLanguage } from './normalise';

/** An unanswered question as the insights store keeps it. */
export interface UnansweredInput {
  id: number | string;
  text: string;
  /** Language detected for the question (`fr`, `en`, `fr-FR`...). */
  lang: string;
  /** ISO 8601 date-time. */
  at: string;
  reason: string;
}

/** Questions that are taken to ask the same thing. */
export interface UnansweredGroup {
  /**
   * The group's most frequent stems, space-separated. Stable for the same questions, so an
   * editor's screen can refer to a group across refreshes; made unique by a ` ~2`, ` ~3`...
   * suffix in the rare case two groups share their main stems.
   */
  key: string;
  count: number;
  /** Up to 5 distinct wordings (differing after normalisation), most recent first. */
  texts: string[];
  /** Every question of the group, most recent first. */
  ids: Array<number | string>;
  /** Distinct languages, in order of the most recent question asked in each. */
  langs: string[];
  lastAt: string;
  /** Distinct reasons, in order of the most recent question with each. */
  reasons: string[];
}

/** Options of {@link groupUnanswered}. */
export interface GroupOptions {
  /** Jaccard similarity of stem sets from which two questions join; in (0, 1]. */
  threshold?: number;
}

/**
 * Half the stems in common: "horaires piscine" and "horaires piscine municipale" join
 * (2/3), "titre de séjour perdu" and "carte grise perdue" do not (1/5). Lower values let
 * single-link chains merge unrelated questions; higher ones split questions that only add a
 * word or two.
 */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.5;

const MAX_TEXTS = 5;
const KEY_STEMS = 3;
const STEM_LANGS: readonly StemLanguage[] = ['fr', 'en', 'es', 'pt', 'ar'];

/**
 * Redaction placeholders (`[email]`, `[phone]`) say nothing about what was asked; left in,
 * they would make every question that happened to contain an e-mail address alike.
 */
export function withoutPlaceholders(text: string): string {
  return text.replace(/\[\w+\]/g, ' ');
}

/**
 * The question's own language stems it when the engine knows that language; French
 * otherwise, since most questions to a préfecture are asked in French whatever the
 * detector guessed for a three-word message.
 */
function stemLang(lang: string): StemLanguage {
  const primary = lang.toLowerCase().split(/[-_]/)[0] as StemLanguage;
  return STEM_LANGS.includes(primary) ? primary : 'fr';
}

function stemsOfQuestion(q: UnansweredInput): string[] {
  const lang = stemLang(q.lang);
  return [...new Set(contentTokens(withoutPlaceholders(q.text)).map((t) => stem(t, lang)))].sort();
}

/** Milliseconds, unparseable dates counting as oldest so that they never hide recent ones. */
function time(at: string): number {
  const t = Date.parse(at);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Newest first; ties keep the input order, so the result does not depend on sort stability. */
function byRecency(a: { at: string; index: number }, b: { at: string; index: number }): number {
  return time(b.at) - time(a.at) || (b.at < a.at ? -1 : b.at > a.at ? 1 : 0) || a.index - b.index;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[i] !== root) {
      const next = this.parent[i];
      this.parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Links every pair of stem sets whose Jaccard similarity reaches the threshold, without
 * comparing all pairs: with stems ordered rarest first, two sets that similar always share
 * a stem among the first `|s| - ceil(t·|s|) + 1` of each (prefix filtering, as in the
 * AllPairs set-similarity join). Only those prefixes are indexed and probed, and sets too
 * different in size are skipped before counting, so frequent stems such as "titr" rarely
 * turn the join back into comparing every pair.
 */
function linkSimilar(sets: readonly string[][], threshold: number, uf: UnionFind): void {
  const frequency = new Map<string, number>();
  for (const s of sets) for (const x of s) frequency.set(x, (frequency.get(x) ?? 0) + 1);
  const order = (a: string, b: string): number => frequency.get(a)! - frequency.get(b)! || (a < b ? -1 : a > b ? 1 : 0);
  const members = sets.map((s) => new Set(s));
  const index = new Map<string, number[]>();
  const minOverlap = (size: number): number => Math.ceil(threshold * size - 1e-9);
  // probedBy[j] === i once set j has been looked at for set i: candidates come once per
  // shared prefix stem, and a typed array is much cheaper than a Set per probe.
  const probedBy = new Int32Array(sets.length).fill(-1);
  sets.forEach((set, i) => {
    if (set.length === 0) return;
    const ordered = [...set].sort(order);
    const prefix = ordered.slice(0, set.length - minOverlap(set.length) + 1);
    for (const x of prefix) {
      for (const j of index.get(x) ?? []) {
        if (probedBy[j] === i) continue;
        probedBy[j] = i;
        const other = sets[j];
        if (Math.min(set.length, other.length) < threshold * Math.max(set.length, other.length) - 1e-9) continue;
        if (uf.find(i) === uf.find(j)) continue;
        let common = 0;
        for (const y of other) if (members[i].has(y)) common++;
        if (common >= threshold * (set.length + other.length - common) - 1e-9) uf.union(i, j);
      }
    }
    for (const x of prefix) {
      const list = index.get(x);
      if (list) list.push(i);
      else index.set(x, [i]);
    }
  });
}

function distinctInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/**
 * Groups unanswered questions that ask the same thing, biggest and most recent groups first.
 *
 * Two questions join when their stem sets are equal or similar enough (Jaccard, see
 * {@link DEFAULT_SIMILARITY_THRESHOLD}), and groups are closed under that link (single-link):
 * a question reworded step by step stays one group. Stems rather than words so that
 * "horaire"/"horaires" or "renouveler"/"renouvellement" count as the same; sets rather than
 * sequences so that word order ("piscine horaires") does not matter. Questions without any
 * meaningful word ("bonjour ?") group by their normalised text, since there is nothing else
 * to compare. Fast enough for the few thousand questions a period holds (5,000 in well under
 * a second), since pairs are only compared when they share a rare enough stem.
 */
export function groupUnanswered(questions: readonly UnansweredInput[], options: GroupOptions = {}): UnansweredGroup[] {
  const threshold = options.threshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError(`similarity threshold must be in (0, 1], got ${threshold}`);

  // Questions with the same stem set (or, without stems, the same normalised text) are one
  // node: the similarity join then only sees distinct sets.
  const nodeOf = new Map<string, number>();
  const nodeSets: string[][] = [];
  const questionNode: number[] = [];
  const questionStems: string[][] = [];
  for (const q of questions) {
    const stems = stemsOfQuestion(q);
    const signature = stems.length > 0 ? `s:${stems.join(' ')}` : `t:${normalise(withoutPlaceholders(q.text))}`;
    let node = nodeOf.get(signature);
    if (node === undefined) {
      node = nodeSets.length;
      nodeOf.set(signature, node);
      nodeSets.push(stems);
    }
    questionNode.push(node);
    questionStems.push(stems);
  }
  const uf = new UnionFind(nodeSets.length);
  linkSimilar(nodeSets, threshold, uf);

  const clusters = new Map<number, number[]>();
  questions.forEach((_, i) => {
    const root = uf.find(questionNode[i]);
    const list = clusters.get(root);
    if (list) list.push(i);
    else clusters.set(root, [i]);
  });

  const groups: UnansweredGroup[] = [];
  for (const indexes of clusters.values()) {
    const ordered = indexes.map((index) => ({ index, at: questions[index].at })).sort(byRecency).map((o) => questions[o.index]);
    const stemCount = new Map<string, number>();
    for (const i of indexes) for (const s of questionStems[i]) stemCount.set(s, (stemCount.get(s) ?? 0) + 1);
    const topStems = [...stemCount.entries()]
      .sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, KEY_STEMS)
      .map(([s]) => s);
    const texts: string[] = [];
    const seenTexts = new Set<string>();
    for (const q of ordered) {
      if (texts.length >= MAX_TEXTS) break;
      const n = normalise(q.text);
      if (seenTexts.has(n)) continue;
      seenTexts.add(n);
      texts.push(q.text);
    }
    groups.push({
      key: topStems.length > 0 ? topStems.join(' ') : normalise(withoutPlaceholders(ordered[0].text)),
      count: indexes.length,
      texts,
      ids: ordered.map((q) => q.id),
      langs: distinctInOrder(ordered.map((q) => q.lang)),
      lastAt: ordered[0].at,
      reasons: distinctInOrder(ordered.map((q) => q.reason)),
    });
  }

  groups.sort((a, b) => b.count - a.count || time(b.lastAt) - time(a.lastAt) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || compareIds(a.ids[0], b.ids[0]));
  const used = new Map<string, number>();
  for (const g of groups) {
    const n = (used.get(g.key) ?? 0) + 1;
    used.set(g.key, n);
    if (n > 1) g.key = `${g.key} ~${n}`;
  }
  return groups;
}

function compareIds(a: number | string, b: number | string): number {
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Words an editor could add to an entry's `terms` so that these questions are answered next
 * time: the meaningful words, as typed but normalised (not stems, which are not words),
 * found in at least half of the group's example texts. Taken from the examples the editor
 * is shown, so every suggestion can be checked against them; most widespread first.
 */
export function suggestWords(group: Pick<UnansweredGroup, 'texts'>): string[] {
  const inTexts = new Map<string, number>();
  for (const text of group.texts) {
    for (const word of new Set(contentTokens(withoutPlaceholders(text)))) inTexts.set(word, (inTexts.get(word) ?? 0) + 1);
  }
  const needed = group.texts.length / 2;
  // Map iteration keeps first appearance, i.e. the most recent text first, for ties.
  return [...inTexts.entries()]
    .filter(([, n]) => n >= needed)
    .sort(([, a], [, b]) => b - a)
    .map(([w]) => w);
}
