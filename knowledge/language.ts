/**
 * A small language guesser for short messages: Arabic script, then marker words of
 * French, English, Spanish and Portuguese. It only needs to be right often enough to pick
 * the reply language and the stemmer order; the search itself stems in several languages.
 */
import { tokens } from './normalise';

/** Languages the guesser can return. */
export type DetectedLanguage = 'fr' | 'en' | 'es' | 'pt' | 'ar';

const MARKERS: Record<Exclude<DetectedLanguage, 'ar'>, ReadonlySet<string>> = {
  fr: new Set(('je j jai le la les des du un une et est mon ma mes pour avec pas dans sur ce cette que qui ' +
    'bonjour merci comment faire carte perdu perdue veux voudrais dois mais ou oui non vous nous il elle ' +
    'au aux sejour titre prefecture rendez demande svp stp slt bjr quoi quel quelle suis mon mes ai').split(' ')),
  en: new Set(('i the an is are my to of for with how what where when can do does did have has lost ' +
    'need want please hello hi thanks thank you your it this that get renew apply driving licence license ' +
    'permit residence car registration appointment human agent speak talk').split(' ')),
  es: new Set(('el los las del una es mi para con como donde cuando quiero necesito tengo hola gracias ' +
    'permiso perdi perdido cita hablar persona residencia conducir por favor').split(' ')),
  pt: new Set(('o os as do da dos das um uma meu minha para com como onde quando quero preciso tenho ola ' +
    'obrigado obrigada perdi carteira autorizacao residencia falar pessoa atendente nao voce').split(' ')),
};

/** The languages each marker word belongs to (a word may mark several). */
const LANGS_OF = new Map<string, Array<keyof typeof MARKERS>>();
for (const lang of Object.keys(MARKERS) as Array<keyof typeof MARKERS>) {
  for (const w of MARKERS[lang]) {
    const list = LANGS_OF.get(w);
    if (list) list.push(lang);
    else LANGS_OF.set(w, [lang]);
  }
}
/** Languages in the order that breaks ties: French first, then as listed. */
const ORDER = Object.keys(MARKERS) as Array<keyof typeof MARKERS>;

/** A guess and how sure it is: `confident` when the markers clearly favour one language. */
export interface LanguageGuess {
  lang: DetectedLanguage;
  confident: boolean;
}

/** Guesses the language of a message; French when nothing tells otherwise. */
export function detectLanguage(text: string): LanguageGuess {
  if (/[\u0600-\u06ff]/.test(text)) return { lang: 'ar', confident: true };
  // One look per word (not one per word and language): every message is guessed.
  const scores = { fr: 0, en: 0, es: 0, pt: 0 };
  for (const w of tokens(text)) {
    const langs = LANGS_OF.get(w);
    if (langs) for (const l of langs) scores[l]++;
  }
  let best: keyof typeof MARKERS = 'fr';
  let second = 0;
  for (const l of ORDER) {
    if (l === best) continue;
    if (scores[l] > scores[best]) {
      second = scores[best];
      best = l;
    } else if (scores[l] > second) second = scores[l];
  }
  if (scores[best] === 0) return { lang: 'fr', confident: false };
  return { lang: best, confident: scores[best] >= 2 && scores[best] > second };
}
