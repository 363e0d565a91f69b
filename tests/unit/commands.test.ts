/** Commands said alone, and follow-ups about cost or someone else. */
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';
import { KnowledgeSearch } from '../../knowledge/search/engine';

const search = new KnowledgeSearch(loadKnowledge(defaultContentDir()));

it.each([
  ['aide', 'help'],
  ['Aide !', 'help'],
  ['help', 'help'],
  ['recommencer', 'restart'],
  ['start over', 'restart'],
  ['changer de langue', 'language'],
  ['change language', 'language'],
  ['autre chose', 'newTopic'],
  ['something else', 'newTopic'],
])('"%s" is the command %s', (text, kind) => {
  expect(search.command(text)?.kind).toBe(kind);
});

it('a language name chooses the language', () => {
  expect(search.command('English')).toEqual({ kind: 'setLanguage', lang: 'en' });
  expect(search.command('en français svp')).toEqual({ kind: 'setLanguage', lang: 'fr' });
  expect(search.command('español')).toEqual({ kind: 'setLanguage', lang: 'es' });
});

it('a question that mentions help or a language is a question, not a command', () => {
  expect(search.command("j'ai besoin d'aide pour ma carte grise")).toBeUndefined();
  expect(search.command('permis de conduire anglais échange')).toBeUndefined();
  expect(search.command('autre chose : mon titre de séjour expire')).toBeUndefined();
});

it('follow-ups: cost, someone else, and "combien de temps" is a delay, not a cost', () => {
  expect(search.followUp("c'est combien ?")).toBe('fees');
  expect(search.followUp('how much does it cost?')).toBe('fees');
  expect(search.followUp('combien de temps ?')).toBe('delays');
  expect(search.followUp('et pour mon fils ?')).toBe('someoneElse');
  expect(search.followUp('et pour ma fille, quels papiers ?')).toBe('someoneElse');
  expect(search.followUp('what about my daughter?')).toBe('someoneElse');
});
