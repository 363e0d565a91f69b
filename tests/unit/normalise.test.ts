import { contentTokens, normalise, stem, stemsOf, tokens } from '../../knowledge/normalise';
import { detectLanguage } from '../../knowledge/language';

describe('normalise', () => {
  it('lower-cases, removes accents, ligatures, apostrophes and punctuation', () => {
    expect(normalise("J’ai PERDU ma carte-grise !!! L'œuvre, ÉTÉ...")).toBe('j ai perdu ma carte grise l oeuvre ete');
  });
  it('keeps digits and letters of other scripts, without Arabic vowel marks', () => {
    expect(normalise('Titre n°95 — بطاقةُ الإقامة')).toBe('titre n 95 بطاقه الاقامه');
  });
  it('gives no token for emoji or punctuation only', () => {
    expect(tokens('😀 !!! ??')).toEqual([]);
  });
  it('gives every caller the same tokens, which none can change for the others', () => {
    const first = tokens('Carte grise perdue');
    expect(() => (first as string[]).push('volee')).toThrow(TypeError);
    expect(tokens('carte GRISE perdue')).toEqual(['carte', 'grise', 'perdue']);
  });
  it('gives the same results after more texts than it keeps in memory', () => {
    const before = [normalise('Récépissé de décès'), tokens('Titre de séjour étudiant')];
    for (let i = 0; i < 3000; i++) tokens(`message numéro ${i}`);
    expect([normalise('Récépissé de décès'), tokens('Titre de séjour étudiant')]).toEqual(before);
    expect(before[0]).toBe('recepisse de deces');
  });
});

describe('content tokens', () => {
  it('drop stop words, SMS fillers and elided letters', () => {
    expect(contentTokens("Bjr, jai perdu ma cg, qu'est-ce que je dois faire svp ?")).toEqual(['perdu', 'cg']);
    expect(contentTokens('How can I renew my driving licence?')).toEqual(['renew', 'driving', 'licence']);
  });
});

describe('stemming', () => {
  it('brings French inflections together', () => {
    expect(stem('renouvellement', 'fr')).toBe(stem('renouveler', 'fr'));
    expect(stem('titres', 'fr')).toBe(stem('titre', 'fr'));
    expect(stem('perdue', 'fr')).toBe(stem('perdu', 'fr'));
  });
  it('brings English inflections together', () => {
    expect(stem('renewing', 'en')).toBe(stem('renewal', 'en').slice(0, stem('renewing', 'en').length));
    expect(stem('permits', 'en')).toBe(stem('permit', 'en'));
  });
  it('offers the stems of every language asked, without duplicates', () => {
    expect(stemsOf('sejour', ['fr', 'en'])).toEqual(['sejour']);
    expect(stemsOf('naturalization', ['fr', 'en']).length).toBe(2);
  });
});

describe('language detection', () => {
  it.each([
    ["j'ai perdu mon titre de séjour, que dois-je faire ?", 'fr'],
    ['how do I renew my residence permit', 'en'],
    ['perdí mi permiso de residencia, necesito una cita', 'es'],
    ['perdi a minha autorização de residência, preciso de ajuda', 'pt'],
    ['فقدت بطاقة الإقامة', 'ar'],
  ])('%s is %s', (text, lang) => {
    expect(detectLanguage(text)).toMatchObject({ lang, confident: true });
  });
  it('says French without confidence when nothing tells', () => {
    expect(detectLanguage('cg')).toEqual({ lang: 'fr', confident: false });
  });
});
