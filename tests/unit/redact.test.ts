/**
 * Identifiers are removed from what is logged and stored (bot/redact.ts), with realistic
 * French and English sentences; ordinary words, procedure names, years and postcodes stay.
 */
import { redact } from '../../bot/redact';

describe('redact removes identifiers', () => {
  const cases: Array<[string, string, string]> = [
    ['e-mail', 'mon mail est jean.dupont+prefecture@orange.fr merci', 'mon mail est [email] merci'],
    ['French mobile with spaces', 'rappelez-moi au 06 12 34 56 78 svp', 'rappelez-moi au [phone] svp'],
    ['French phone with dots', 'mon numéro : 01.34.25.25.25', 'mon numéro : [phone]'],
    ['French phone compact', 'tel 0612345678', 'tel [phone]'],
    ['French phone +33', 'call me on +33 6 12 34 56 78 please', 'call me on [phone] please'],
    ['French phone +33 (0)', 'joignable au +33 (0)6 12 34 56 78', 'joignable au [phone]'],
    ['international phone UK', 'my number is +44 20 7946 0958', 'my number is [phone]'],
    ['international phone US', 'reach me at +1 (555) 123-4567.', 'reach me at [phone].'],
    ['international phone Morocco', 'mon frère au +212 6 12 34 56 78', 'mon frère au [phone]'],
    ['IBAN with spaces', 'remboursez sur FR76 3000 6000 0112 3456 7890 189 svp', 'remboursez sur [iban] svp'],
    ['IBAN compact', 'my IBAN FR7630006000011234567890189', 'my IBAN [iban]'],
    ['NIR with spaces', 'mon numéro de sécu 1 85 03 75 123 456 78', 'mon numéro de sécu [nir]'],
    ['NIR compact', 'NIR 285037512345678', 'NIR [nir]'],
    ['NIR Corsica', 'sécurité sociale 2 90 12 2A 004 123 45', 'sécurité sociale [nir]'],
    ['AGDREF', 'mon numéro étranger est 7512345678', 'mon numéro étranger est [number]'],
    ['AGDREF in groups', 'numero etranger 75 1234 5678', 'numero etranger [number]'],
    ['passport number', 'my passport number is 12AB34567', 'my passport number is [file]'],
    ['ANEF/ANTS number', 'ma demande ANTS n° 2023AB123456 est bloquée', 'ma demande ANTS n° [file] est bloquée'],
    ['ANEF hyphenated', 'dossier ANEF 2023-0000-123456', 'dossier ANEF [number]'],
    ['registration plate', 'ma voiture AB-123-CD a été volée', 'ma voiture [plate] a été volée'],
    ['numeric date of birth', 'je suis né le 03/03/1985 à Alger', 'je suis né le [date] à Alger'],
    ['ISO date', 'date of birth 1985-03-03', 'date of birth [date]'],
    ['written date fr', 'je suis née le 3 mars 1985 à Cergy', 'je suis née le [date] à Cergy'],
    ['written date fr 1er', 'né le 1er janvier 1990', 'né le [date]'],
    ['written date en', 'I was born on 3 March 1985 in Tunis', 'I was born on [date] in Tunis'],
    ['written date en US', 'born March 3, 1985', 'born [date]'],
    ['written date en ordinal', 'born on the 3rd of March 1985', 'born on the [date]'],
    ['birth day without year', 'je suis né le 3 mars', 'je suis [date]'],
    ['address fr', "j'habite 12 rue de la Paix à Pontoise", "j'habite [address] à Pontoise"],
    ['address fr bis', 'au 3 bis avenue Victor Hugo 95000 Cergy', 'au [address] 95000 Cergy'],
    ['address fr lowercase', 'mon adresse 5 allée des tilleuls et je veux', 'mon adresse [address] et je veux'],
    ['address en', 'I live at 221B Baker Street, London', 'I live at [address], London'],
    ['name fr', "Bonjour, je m'appelle Fatima Benali et je veux renouveler mon titre", "Bonjour, je m'appelle [name] et je veux renouveler mon titre"],
    ['name fr lowercase', "je m'appelle jean dupont", "je m'appelle [name]"],
    ['name fr je suis', 'Bonjour, je suis Jean Dupont, né le 3 mars 1985', 'Bonjour, je suis [name], né le [date]'],
    ['name en', 'Hello, my name is John Smith and I need a visa', 'Hello, my name is [name] and I need a visa'],
  ];
  it.each(cases)('%s', (_kind, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('removes every identifier of a sentence full of them', () => {
    const text = 'Bonjour, Jean Dupont, né le 3 mars 1985, 12 rue de la Paix 95300 Pontoise, jean.dupont@gmail.com, 06 12 34 56 78, sécu 1 85 03 75 123 456 78, IBAN FR76 3000 6000 0112 3456 7890 189, AGDREF 9512345678';
    const out = redact(text);
    for (const id of ['1985', 'rue de la Paix', 'gmail', '06 12', '123 456 78', 'FR76', '9512345678']) expect(out).not.toContain(id);
    expect(out).toContain('95300 Pontoise');
  });
});

describe('redact keeps ordinary text', () => {
  const kept = [
    'je veux renouveler mon titre de séjour',
    'renouvellement de la carte grise en 2024',
    "j'ai perdu mon permis de conduire en mars 2023",
    'mairie de Cergy 95000',
    'la préfecture de Pontoise 95300, elle ouvre à quelle heure ?',
    'combien coûte le timbre fiscal de 86 euros ?',
    'formulaire cerfa 12100*03',
    'I need a visa for 3 months',
    'il me reste 2 semaines avant la fin de mon récépissé',
    'entre 2020 et 2024 j ai eu 3 titres',
    'rendez-vous à 14h30 le 12 pour la naturalisation',
    'je suis né en 1985',
    "j'ai 3 cours de français cette semaine",
    'Covid19 et titre de séjour',
    'article L423-23 du CESEDA',
    'la carte de résident de 10 ans',
    'je suis Français et je veux un passeport',
    'je suis perdu, je ne sais pas quoi faire',
    'I am a student from Morocco',
  ];
  it.each(kept)('%s', (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('redact takes linear time', () => {
  // Messages reach MAX_MESSAGE_CHARS (up to 100 000): a pattern that rescans from every
  // position would block the event loop for seconds on such a message (found: the e-mail rule).
  it.each([
    ['digits after a plus', `+${'1'.repeat(100_000)}x`],
    ['letters and digits', 'a1'.repeat(50_000)],
    ['dotted digits', `${'1.'.repeat(50_000)}a`],
    ['a long local part with no domain', `${'a'.repeat(100_000)}@`],
    ['spaced digits', `${'1 '.repeat(50_000)}x`],
  ])('%s, 100 000 characters', (_what, text) => {
    const started = Date.now();
    redact(text);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
