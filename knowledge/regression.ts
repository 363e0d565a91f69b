/**
 * The regression check editors run before publishing: every question of the evaluation
 * sets through the published base and through the draft, and every question whose outcome
 * changes, better or worse.
 */
import { EvalFigures, EvalQuestion, figures, judge } from './evaluation';
import type { KnowledgeSource, RankOutcome } from './search/types';

/** How one question came out on one base. */
export interface QuestionOutcome {
  decision: RankOutcome['decision'];
  top: string | null;
  ok: boolean;
}

/** A question whose outcome differs between the published base and the draft. */
export interface ChangedQuestion {
  set: string;
  text: string;
  lang?: string;
  expect: string | null;
  published: QuestionOutcome;
  draft: QuestionOutcome;
  change: 'better' | 'worse' | 'different';
}

/** The result of a regression check. */
export interface RegressionReport {
  total: number;
  figures: { published: EvalFigures; draft: EvalFigures };
  changed: ChangedQuestion[];
}

const outcome = (q: EvalQuestion, o: RankOutcome): QuestionOutcome => ({ decision: o.decision, top: o.results[0]?.id ?? null, ok: judge(q, o) === undefined });

/** Runs the sets through both bases; changed questions are listed worse first. */
export function regression(sets: ReadonlyArray<{ name: string; questions: EvalQuestion[] }>, published: KnowledgeSource, draft: KnowledgeSource): RegressionReport {
  const before: Array<{ q: EvalQuestion; o: RankOutcome }> = [];
  const after: Array<{ q: EvalQuestion; o: RankOutcome }> = [];
  const changed: ChangedQuestion[] = [];
  for (const set of sets) {
    for (const q of set.questions) {
      const a = published.rank(q.text, q.lang);
      const b = draft.rank(q.text, q.lang);
      before.push({ q, o: a });
      after.push({ q, o: b });
      const x = outcome(q, a);
      const y = outcome(q, b);
      if (x.decision === y.decision && x.top === y.top && x.ok === y.ok) continue;
      changed.push({ set: set.name, text: q.text, lang: q.lang, expect: q.expect, published: x, draft: y, change: x.ok === y.ok ? 'different' : y.ok ? 'better' : 'worse' });
    }
  }
  const order = { worse: 0, better: 1, different: 2 };
  changed.sort((a, b) => order[a.change] - order[b.change]);
  return { total: before.length, figures: { published: figures(before), draft: figures(after) }, changed };
}
