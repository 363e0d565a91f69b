/** Places that are not communes of the département: elsewhere in France, or not found. */
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';
import { franceCommunes, parseFranceCommunes } from '../../knowledge/france-communes';
import { PlaceLocator } from '../../knowledge/search/places';

const kb = loadKnowledge(defaultContentDir());
const places = new PlaceLocator(kb.communes, franceCommunes());

it('the France list is shipped and complete enough to place big cities and border communes', () => {
  const all = franceCommunes();
  expect(all.length).toBeGreaterThan(34000);
  expect(all.find((c) => c.name === 'Creil')?.departement).toEqual({ code: '60', name: 'Oise' });
});

it('a commune elsewhere is placed in its département; the most populous wins a shared name', () => {
  expect(places.locate("j'habite à Lyon, où aller ?")?.elsewhere?.departement.code).toBe('69');
  expect(places.locate('I live in Bordeaux, where is my prefecture?')?.elsewhere?.departement.name).toBe('Gironde');
  expect(places.locate('je suis de saint denis')?.elsewhere?.departement.code).toBe('974');
});

it('a misspelt local commune is not found, with the close names suggested', () => {
  const p = places.locate("j'habite à Sarcells, où dois-je aller ?")!;
  expect(p.elsewhere).toBeUndefined();
  expect(p.suggestions[0]).toBe('Sarcelles');
  expect(places.locate("j'habite a Gonnesse")!.suggestions).toContain('Gonesse');
});

it('local communes, ordinary words after "j\'habite" and messages without a place give nothing', () => {
  expect(places.locate("j'habite à Cergy")).toBeUndefined();
  expect(places.locate("j'habite à l'étranger et je veux un visa")).toBeUndefined();
  expect(places.locate("j'habite en france depuis 5 ans")).toBeUndefined();
  expect(places.locate('je veux renouveler mon titre de séjour')).toBeUndefined();
});

it('an invented capitalised name is reported as not found, an invented lower-case word is not', () => {
  expect(places.locate("j'habite à Trucville")).toEqual({ said: 'trucville', suggestions: [] });
  expect(places.locate("j'habite à trucmachin")).toBeUndefined();
});

it('the file format: départements first, then communes', () => {
  const parsed = parseFranceCommunes('#01\tAin\nBourg-en-Bresse\t01\t41000\n\nbroken line\n');
  expect(parsed).toEqual([{ name: 'Bourg-en-Bresse', departement: { code: '01', name: 'Ain' }, population: 41000 }]);
});
