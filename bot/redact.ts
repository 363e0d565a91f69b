/**
 * Removes personal identifiers from free text before it is logged or stored (unanswered
 * questions, comments): e-mail addresses, phone numbers (French and international), IBANs,
 * social security numbers (NIR), dates (numeric and written, and "né le 3 mars"), postal
 * addresses (a number and a kind of street), vehicle registrations, foreigners' file numbers
 * (AGDREF: 10 digits) and any other long number, and file numbers mixing letters and digits
 * (ANEF and ANTS request numbers, passport numbers, registration certificate numbers), and
 * names the person gives ("je m'appelle Jean Dupont", "my name is", "je suis Jean Dupont").
 *
 * ANEF and ANTS numbers have no published format the bot can rely on, so they are covered
 * generically: a token of 8 characters or more with at least 4 digits and a letter, or a
 * run of digit groups with 9 digits or more. Words, procedure names, a year alone and a
 * postcode alone ("95000", used to find a commune) are kept: they identify nobody and the
 * editors need them to understand the question.
 *
 * Each identifier becomes its kind in brackets (`[email]`), which the unanswered
 * questions' grouping ignores (`knowledge/unanswered-groups.ts`).
 */

const FR_MONTHS = 'janvier|janv|f[ée]vrier|f[ée]vr?|mars|avril|avr|mai|juin|juillet|juil|ao[ûu]t|septembre|sept|octobre|oct|novembre|nov|d[ée]cembre|d[ée]c';
const EN_MONTHS = 'january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sep|sept|october|oct|november|nov|december|dec';
const MONTH = `(?:${FR_MONTHS}|${EN_MONTHS})\\.?`;
const DAY = '(?:1er|1re|\\d{1,2}(?:st|nd|rd|th)?)';
/** A word whose first letter may be a capital ("Rue", "rue"): the rest of the pattern is case-sensitive. */
const either = (words: string): string => words.split('|').map((w) => `[${w[0]!.toUpperCase()}${w[0]}]${w.slice(1)}`).join('|');
// Not "cours" ("3 cours de français") nor "mail" ("2 mail à la préfecture"): ordinary words too often.
const STREET = either('rue|avenue|av|boulevard|bd|bld|all[ée]e|impasse|chemin|place|square|quai|route|passage|r[ée]sidence|lotissement|hameau|sentier|villa|cit[ée]|faubourg|rond-point|voie|parvis');
const PARTICLE = `(?:${either("de|du|des|la|le|les|d'|l'|d’|l’")})`;

/** Counts the digits of a match. */
const digits = (s: string): number => s.replace(/\D/g, '').length;

/** Replaces a match only when `keep` says it is an identifier. */
type Rule = [RegExp, string] | [RegExp, string, (match: string) => boolean];

const RULES: Rule[] = [
  // Bounded (64 characters before the @, as RFC 5321 allows): unbounded, a long text without
  // an @ would be scanned again from every position (quadratic time).
  [/[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g, '[email]'],
  // FR76 3000 6000 0112 3456 7890 189, with or without spaces.
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/gi, '[iban]'],
  // 1 85 03 75 123 456 78: sex, year, month, department (2A/2B in Corsica), commune, order, key.
  [/\b[1-478][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}(?:[ .]?\d{2})?\b/gi, '[nir]'],
  // +33 6 12 34 56 78, 0033 6…, 06 12 34 56 78, 06.12.34.56.78, 0612345678.
  [/(?:\+33\s?(?:\(0\)\s?)?|\b0033\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b/g, '[phone]'],
  // +44 20 7946 0958, +1 (555) 123-4567, +212 6 12 34 56 78: 8 digits or more after a +.
  [/\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}/g, '[phone]', (m) => digits(m) >= 8],
  // 03/03/1985, 3-3-85, 03.03.1985, 1985-03-03.
  [/\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b/g, '[date]'],
  [/\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b/g, '[date]'],
  // 3 mars 1985, 1er janvier 1990, 3rd of March 1985, March 3, 1985.
  [new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}(?![\\p{L}])\\s*,?\\s*\\d{4}\\b`, 'giu'), '[date]'],
  [new RegExp(`\\b${MONTH}(?![\\p{L}])\\s+${DAY}\\b,?\\s*\\d{4}\\b`, 'giu'), '[date]'],
  // A birth date without its year is still one: "né le 3 mars", "born on 3 March".
  [new RegExp(`\\b(?:n[ée]e?s?|born)\\s+(?:le\\s+|on\\s+(?:the\\s+)?)?${DAY}\\s+(?:of\\s+)?${MONTH}(?![\\p{L}])`, 'giu'), '[date]'],
  [new RegExp(`\\bborn\\s+(?:on\\s+)?${MONTH}(?![\\p{L}])\\s+${DAY}\\b`, 'giu'), '[date]'],
  // 12 rue de la Paix, 3 bis avenue Victor Hugo, 221B Baker Street: the number, the kind of
  // street, its particles, one word, and the capitalised words after it.
  [
    new RegExp(
      `\\b\\d{1,4}\\s?(?:bis|ter|quater|[a-d])?,?\\s+(?:${STREET})(?![\\p{L}])\\.?(?:\\s+${PARTICLE}(?![\\p{L}]))*\\s*[\\p{L}'’-]+(?:\\s+(?:${PARTICLE}\\s+)?\\p{Lu}[\\p{L}'’-]*)*`,
      'gu',
    ),
    '[address]',
  ],
  [/\b\d{1,4}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|Road|Avenue|Lane|Drive|Close|Way|Court|Square|Place|Gardens|Terrace)\b/g, '[address]'],
  // Vehicle registrations (SIV): AB-123-CD, AB123CD, AB 123 CD (spaced form in capitals only: "le 123 ou" is not one).
  [/\b[A-Z]{2}-\d{3}-[A-Z]{2}\b|\b[A-Z]{2}\d{3}[A-Z]{2}\b/gi, '[plate]'],
  [/\b[A-Z]{2} \d{3} [A-Z]{2}\b/g, '[plate]'],
  // File numbers mixing letters and digits (ANEF, ANTS, passport 12AB34567, certificate 2019AB12345).
  [/\b[A-Za-z0-9]{8,}\b/g, '[file]', (m) => digits(m) >= 4 && /[A-Za-z]/.test(m)],
  // Digit groups: "95 1234 5678", "ANEF 2023-000-123456" (9 digits or more in all).
  [/\b\d+(?:[ .-]\d+)+\b/g, '[number]', (m) => digits(m) >= 9],
  // AGDREF (10 digits) and any other long number.
  [/\b\d{8,}\b/g, '[number]'],
];

/** Words that end a name typed in lower case ("je m'appelle jean dupont et je…"). */
const NOT_NAME = new Set(['et', 'and', 'je', 'j', 'i', 'de', 'from', 'pour', 'for', 'mon', 'ma', 'my', 'ne', 'né', 'née', 'born', 'suis', 'am', 'habite', 'live']);
/** Names after the words that introduce them: the introduction stays, the name goes. */
const NAME_RULES: RegExp[] = [
  /(\b(?:[Jj]e m['’]appelle|[Mm]on nom (?:est|c['’]est)|[Mm]y name is|[Nn]om\s*:|[Nn]ame\s*:))((?:\s+[\p{L}'’-]+){1,3})/gu,
  // "je suis Jean Dupont", "I am John Smith": two capitalised words at least ("je suis Français" stays).
  /(\b(?:[Jj]e suis|I am|I'm)(?:\s+(?:M\.|Mme|Madame|Monsieur|Mr\.?|Mrs\.?|Ms\.?))?)((?:\s+\p{Lu}[\p{Ll}'’-]+){2,3})/gu,
];

/** Replaces the name words, up to the first word that cannot be part of a name. */
function redactNames(text: string): string {
  let out = text;
  for (const re of NAME_RULES) {
    out = out.replace(re, (_m, intro: string, words: string) => {
      const parts = words.trim().split(/\s+/);
      const kept: string[] = [];
      for (const w of parts) {
        if (NOT_NAME.has(w.toLowerCase()) || w.startsWith('[')) break;
        kept.push(w);
      }
      if (kept.length === 0) return `${intro}${words}`;
      const rest = parts.slice(kept.length).join(' ');
      return `${intro} [name]${rest ? ` ${rest}` : ''}`;
    });
  }
  return out;
}

/** The text with identifiers replaced by their kind in brackets. */
export function redact(text: string): string {
  let out = text;
  for (const [re, label, keep] of RULES) out = out.replace(re, (m) => (keep && !keep(m) ? m : label));
  return redactNames(out);
}

/** A short, non-reversible reference to an identifier (conversation or user id) for logs. */
export function pseudonym(id: string | undefined): string | undefined {
  if (!id) return undefined;
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
