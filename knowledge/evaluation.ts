/**
 * Scoring of evaluation sets, exactly as `../shared/eval-format.md` defines the figures.
 */
import { RankOutcome } from './search/types';

/** One line of an evaluation set. */
export interface EvalQuestion {
  text: string;
  /** A catalogue id, `handoff`, `smalltalk`, or null when the base must not answer. */
  expect: string | null;
  also?: string[];
  lang?: string;
  kind?: string;
}

/** The figures of one slice of an evaluation set, as ratios in [0, 1] with their counts. */
export interface EvalFigures {
  questions: number;
  inScope: number;
  resolved: number;
  top1: number;
  top3: number;
  confidentlyWrong: number;
  nullQuestions: number;
  declined: number;
  handoffQuestions: number;
  handoffRecall: number;
  smalltalkQuestions: number;
  smalltalkRecall: number;
}

/** A question that failed, with what was decided instead. */
export interface EvalFailure {
  question: EvalQuestion;
  outcome: RankOutcome;
  why: string;
}

/** Parses JSONL evaluation questions; throws with the line number on a bad line. */
export function parseEvalSet(source: string): EvalQuestion[] {
  const out: EvalQuestion[] = [];
  source.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let q: unknown;
    try {
      q = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1}: not valid JSON`);
    }
    const o = q as Partial<EvalQuestion>;
    if (typeof o.text !== 'string' || !('expect' in o) || (o.expect !== null && typeof o.expect !== 'string')) {
      throw new Error(`line ${i + 1}: needs "text" and "expect" (an id, "handoff", "smalltalk" or null)`);
    }
    out.push({ text: o.text, expect: o.expect, also: Array.isArray(o.also) ? o.also : [], lang: o.lang, kind: o.kind });
  });
  return out;
}

/** Whether one question counts as a failure, and why. */
export function judge(q: EvalQuestion, o: RankOutcome): string | undefined {
  const ids = o.results.map((r) => r.id);
  if (q.expect === null) {
    if (o.decision === 'answer' || o.decision === 'clarify') return `should decline, got ${o.decision} ${ids.slice(0, o.decision === 'answer' ? 1 : 3).join(',')}`;
    return undefined;
  }
  if (q.expect === 'handoff') return o.decision === 'handoff' ? undefined : `should hand off, got ${o.decision} ${ids[0] ?? ''}`.trim();
  if (q.expect === 'smalltalk') return o.decision === 'smalltalk' ? undefined : `should be small talk, got ${o.decision} ${ids[0] ?? ''}`.trim();
  const right = new Set([q.expect, ...(q.also ?? [])]);
  if (o.decision === 'answer' && right.has(ids[0] ?? '')) return undefined;
  if (o.decision === 'clarify' && ids.slice(0, 3).some((id) => right.has(id))) return undefined;
  return `got ${o.decision} [${ids.slice(0, 3).join(', ')}]`;
}

/** Computes the figures over a list of (question, outcome) pairs. */
export function figures(pairs: ReadonlyArray<{ q: EvalQuestion; o: RankOutcome }>): EvalFigures {
  let inScope = 0, resolved = 0, top1 = 0, top3 = 0, wrong = 0, nulls = 0, declined = 0, hq = 0, hr = 0, sq = 0, sr = 0;
  for (const { q, o } of pairs) {
    const ids = o.results.map((r) => r.id);
    if (q.expect === null) {
      nulls++;
      if (o.decision !== 'answer' && o.decision !== 'clarify') declined++;
      if (o.decision === 'answer') wrong++;
      continue;
    }
    if (q.expect === 'handoff') {
      hq++;
      if (o.decision === 'handoff') hr++;
      continue;
    }
    if (q.expect === 'smalltalk') {
      sq++;
      if (o.decision === 'smalltalk') sr++;
      continue;
    }
    inScope++;
    const right = new Set([q.expect, ...(q.also ?? [])]);
    if (right.has(ids[0] ?? '')) top1++;
    if (ids.slice(0, 3).some((id) => right.has(id))) top3++;
    if (judge(q, o) === undefined) resolved++;
    if (o.decision === 'answer' && !right.has(ids[0] ?? '')) wrong++;
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  const confidentBase = inScope + nulls;
  return {
    questions: pairs.length,
    inScope,
    resolved: ratio(resolved, inScope),
    top1: ratio(top1, inScope),
    top3: ratio(top3, inScope),
    confidentlyWrong: confidentBase === 0 ? 0 : wrong / confidentBase,
    nullQuestions: nulls,
    declined: ratio(declined, nulls),
    handoffQuestions: hq,
    handoffRecall: ratio(hr, hq),
    smalltalkQuestions: sq,
    smalltalkRecall: ratio(sr, sq),
  };
}

/** Groups pairs by a key and computes each group's figures. */
export function figuresBy(
  pairs: ReadonlyArray<{ q: EvalQuestion; o: RankOutcome }>,
  key: (q: EvalQuestion) => string,
): Map<string, EvalFigures> {
  const groups = new Map<string, Array<{ q: EvalQuestion; o: RankOutcome }>>();
  for (const p of pairs) {
    const k = key(p.q);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(p);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, g]) => [k, figures(g)]));
}
