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

/** A guess and how sure it is: `confident` when the markers clearly favour one language. */
export interface LanguageGuess {
  lang: DetectedLanguage;
  confident: boolean;
}

/** Guesses the language of a message; French when nothing tells otherwise. */
export function detectLanguage(text: string): LanguageGuess {
  if (/[\u0600-\u06ff]/.test(text)) return { lang: 'ar', confident: true };
  const words = tokens(text);
  const scores = (Object.keys(MARKERS) as Array<keyof typeof MARKERS>).map((lang) => ({
    lang,
    score: words.filter((w) => MARKERS[lang].has(w)).length,
  }));
  scores.sort((a, b) => b.score - a.score || (a.lang === 'fr' ? -1 : b.lang === 'fr' ? 1 : 0));
  const [best, second] = scores;
  if (!best || best.score === 0) return { lang: 'fr', confident: false };
  return { lang: best.lang, confident: best.score >= 2 && best.score > (second?.score ?? 0) };
}
