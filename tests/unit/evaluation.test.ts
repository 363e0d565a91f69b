/** The figures of `../shared/eval-format.md`, on hand-made outcomes. */
import { figures, judge, parseEvalSet, EvalQuestion } from '../../knowledge/evaluation';
import { RankOutcome } from '../../knowledge/search/types';

const o = (decision: RankOutcome['decision'], ids: string[]): RankOutcome => ({
  text: '',
  lang: 'fr',
  langConfident: true,
  decision,
  results: ids.map((id, i) => ({ id, score: 1 - i / 10 })),
});
const q = (expect: string | null, also: string[] = []): EvalQuestion => ({ text: 'x', expect, also });

it('counts resolved, top-1, top-3 and confidently wrong on in-scope questions', () => {
  const f = figures([
    { q: q('a'), o: o('answer', ['a', 'b']) }, // resolved, top1
    { q: q('a'), o: o('clarify', ['b', 'c', 'a']) }, // resolved through clarify, top3
    { q: q('a'), o: o('answer', ['b', 'a']) }, // confidently wrong, top3
    { q: q('a', ['b']), o: o('answer', ['b']) }, // also counts as right
    { q: q('a'), o: o('fallback', ['a']) }, // not resolved, but top1
  ]);
  expect(f.inScope).toBe(5);
  expect(f.resolved).toBeCloseTo(3 / 5);
  expect(f.top1).toBeCloseTo(3 / 5);
  expect(f.top3).toBeCloseTo(5 / 5);
  expect(f.confidentlyWrong).toBeCloseTo(1 / 5);
});

it('counts declined and confidently wrong on questions the base must not answer', () => {
  const f = figures([
    { q: q(null), o: o('fallback', ['a']) },
    { q: q(null), o: o('clarify', ['a', 'b']) },
    { q: q(null), o: o('answer', ['a']) },
    { q: q(null), o: o('smalltalk', []) },
  ]);
  expect(f.declined).toBeCloseTo(2 / 4);
  expect(f.confidentlyWrong).toBeCloseTo(1 / 4);
});

it('counts handoff and small-talk recall', () => {
  const f = figures([
    { q: q('handoff'), o: o('handoff', []) },
    { q: q('handoff'), o: o('fallback', []) },
    { q: q('smalltalk'), o: o('smalltalk', []) },
  ]);
  expect(f.handoffRecall).toBeCloseTo(0.5);
  expect(f.smalltalkRecall).toBe(1);
});

it('explains a failure', () => {
  expect(judge(q('a'), o('answer', ['b']))).toMatch(/got answer \[b/);
  expect(judge(q('a'), o('answer', ['a']))).toBeUndefined();
});

it('parses JSONL and names the bad line', () => {
  expect(parseEvalSet('{"text":"a","expect":null}\n\n{"text":"b","expect":"x","also":["y"]}\n')).toHaveLength(2);
  expect(() => parseEvalSet('{"text":"a","expect":null}\n{"text":1}')).toThrow(/line 2/);
});
