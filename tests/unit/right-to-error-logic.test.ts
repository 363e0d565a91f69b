/** What decides the droit à l'erreur conclusion, and which questions remain to ask. */
import { answersFromCues, conclude, nextQuestion } from '../../dialogs/right-to-error-dialog';
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';
import { KnowledgeSearch } from '../../knowledge/search/engine';

const search = new KnowledgeSearch(loadKnowledge(defaultContentDir()));

it('asks first time, good faith, put right, in that order, only while open', () => {
  expect(nextQuestion({})).toBe('firstTime');
  expect(nextQuestion({ firstTime: true })).toBe('goodFaith');
  expect(nextQuestion({ firstTime: true, putRight: true })).toBe('goodFaith');
  expect(nextQuestion({ firstTime: true, goodFaith: true })).toBe('putRight');
  expect(nextQuestion({ firstTime: false })).toBeUndefined();
});

it('concludes: repeated and bad faith are not covered; a first good-faith mistake is, once put right', () => {
  expect(conclude({ firstTime: false })).toBe('repeated');
  expect(conclude({ firstTime: true, goodFaith: false })).toBe('notGoodFaith');
  expect(conclude({ firstTime: true, goodFaith: true, putRight: true })).toBe('applies');
  expect(conclude({ firstTime: true, goodFaith: true, putRight: false })).toBe('appliesOnceFixed');
  expect(conclude({ firstTime: true })).toBeUndefined();
});

it('reads answers already given in the message, in French and English, longest phrase first', () => {
  const read = (t: string) => answersFromCues(search.rightToErrorCues(t));
  expect(read("c'est la deuxième fois que je me trompe de timbre")).toMatchObject({ firstTime: false, contradiction: false });
  expect(read("ce n'est pas la première fois")).toMatchObject({ firstTime: false });
  expect(read("j'ai fait exprès de mettre une fausse adresse")).toMatchObject({ goodFaith: false });
  expect(read('I already fixed it, it is the first time')).toMatchObject({ firstTime: true, putRight: true });
  expect(read("c'est la première fois, enfin non c'est encore arrivé")).toMatchObject({ contradiction: true });
  expect(read("j'ai oublié de changer l'adresse")).toEqual({ contradiction: false });
});
