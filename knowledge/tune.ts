/**
 * Sets the decision thresholds from a development set: the ranking does not depend on the
 * thresholds, so every question is ranked once and each candidate setting only re-decides.
 */
import { DecisionConfig } from './decision-config';
import { EvalQuestion, figures } from './evaluation';
import { decide, KnowledgeSearch } from './search/engine';
import { RankOutcome } from './search/types';

/** The targets of the development set (issue 2): a setting meeting them all is preferred. */
/** How much a confidently wrong answer costs, against one resolved question. */
const WRONG_WEIGHT = 3;
export const TARGETS = { resolved: 0.9, confidentlyWrong: 0.03, declined: 0.85, handoffRecall: 0.9 } as const;

const steps = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
  return out;
};

/** Result of tuning: the best setting, its figures, and whether it meets the targets. */
export interface TuneResult {
  config: DecisionConfig;
  meetsTargets: boolean;
  figures: ReturnType<typeof figures>;
  clarifyRate: number;
}

/**
 * Grid-searches the thresholds that best serve the questions. Many settings often serve the
 * development set equally well; of those, the one nearest the middle of their range is kept,
 * so that questions unlike the development set do not fall on an edge (the edge that answers
 * most often is also the one that answers wrongly most often on new questions).
 */
export function tune(engine: KnowledgeSearch, questions: readonly EvalQuestion[]): TuneResult {
  const ranked = questions.map((q) => ({ q, o: engine.rank(q.text, q.lang) }));
  let bestValue = -Infinity;
  let plateau: TuneResult[] = [];
  for (const answer of steps(0.2, 0.8, 0.02)) {
    for (const clarify of steps(0.1, answer, 0.02)) {
      for (const margin of steps(0, 0.3, 0.02)) {
        for (const clarifyRatio of [0.5, 0.6, 0.7, 0.8, 0.9]) {
          const config: DecisionConfig = { answer, clarify, margin, clarifyRatio };
          const pairs = ranked.map(({ q, o }): { q: EvalQuestion; o: RankOutcome } => {
            if (o.decision === 'handoff' || o.decision === 'smalltalk') return { q, o };
            return { q, o: { ...o, decision: decide(o.results, config).decision } };
          });
          const f = figures(pairs);
          const clarifyRate = pairs.filter((p) => p.o.decision === 'clarify').length / Math.max(1, pairs.length);
          const meets = f.resolved >= TARGETS.resolved && f.confidentlyWrong <= TARGETS.confidentlyWrong && f.declined >= TARGETS.declined;
          const value = (meets ? 10 : 0) + f.resolved + 0.5 * f.declined - WRONG_WEIGHT * f.confidentlyWrong;
          const result = { config, meetsTargets: meets, figures: f, clarifyRate };
          if (value > bestValue + 1e-9) {
            bestValue = value;
            plateau = [result];
          } else if (value > bestValue - 1e-9) plateau.push(result);
        }
      }
    }
  }
  if (plateau.length === 0) throw new Error('no question to tune on');
  const keys = ['answer', 'clarify', 'margin', 'clarifyRatio'] as const;
  const centre = Object.fromEntries(keys.map((k) => [k, plateau.reduce((sum, r) => sum + r.config[k], 0) / plateau.length])) as Record<(typeof keys)[number], number>;
  const distance = (r: TuneResult): number => keys.reduce((sum, k) => sum + (r.config[k] - centre[k]) ** 2, 0);
  return plateau.reduce((a, b) => (distance(b) < distance(a) ? b : a));
}
