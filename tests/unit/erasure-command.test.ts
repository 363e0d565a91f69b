/** "effacer ma conversation" and its variants are the erasure command when said alone, in French and English. */
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';
import { KnowledgeSearch } from '../../knowledge/search/engine';

const search = new KnowledgeSearch(loadKnowledge(defaultContentDir()));

it.each([
  'effacer ma conversation',
  'Effacer ma conversation !',
  'supprimer mes données',
  'supprimer mes donnees svp',
  'je veux effacer ma conversation',
  'delete my conversation',
  'Delete my data please',
  'erase my conversation',
  'borrar mi conversación',
  'احذف محادثتي',
])('"%s" is the erasure command', (text) => {
  expect(search.command(text)?.kind).toBe('erase');
});

it.each([
  'comment effacer ma conversation avec la préfecture sur le site ANEF',
  'supprimer mes données sur le site ANTS pour ma carte grise',
  'how do I delete my data from my ANEF account for my residence permit',
  'effacer une amende',
])('"%s" is a question, not the command', (text) => {
  expect(search.command(text)?.kind).not.toBe('erase');
});
