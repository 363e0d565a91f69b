/**
 * Text normalisation shared by the index and the queries: case, accents, apostrophes,
 * punctuation, stop words (including SMS spellings) and stemming in several languages.
 */
import { newStemmer, Stemmer } from 'snowball-stemmers';
import { STOPWORD_LIST } from './stopwords';

/** Languages the engine stems. */
export type StemLanguage = 'fr' | 'en' | 'es' | 'pt' | 'ar';

const SNOWBALL: Record<StemLanguage, string> = {
  fr: 'french',
  en: 'english',
  es: 'spanish',
  pt: 'portuguese',
  ar: 'arabic',
};
const stemmers = new Map<StemLanguage, Stemmer>();
function stemmer(lang: StemLanguage): Stemmer {
  let s = stemmers.get(lang);
  if (!s) {
    s = newStemmer(SNOWBALL[lang]);
    stemmers.set(lang, s);
  }
  return s;
}

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/**
 * The last texts normalised, with their tokens once asked for. Ranking one message
 * normalises and splits it about ten times (language, hand-off, small talk, commands,
 * communes, places, mistakes, search...), and a turn also compares it with fixed texts (the
 * buttons' captions, the titles offered). With 64 entries, emptied when full, those fixed
 * texts were normalised again on most turns: a third of the calls missed, about 17 a turn
 * (counted in the HTTP benchmark, issue 8). 1,024 entries hold them and the messages of many
 * turns; at most about 8 MB with the longest texts kept. The tokens are frozen, being shared.
 */
const recent = new Map<string, { normalised: string; tokens?: readonly string[] }>();
const RECENT_MAX = 1024;
/** Texts longer than this are not kept (a message is cut at 1,000 characters before search). */
const RECENT_MAX_CHARS = 2000;
const ASCII = /^[\x00-\x7f]*$/;
const ARABIC_BLOCK = /[\u0600-\u06ff]/;

/** The kept entry of a text, made (and kept, when not too long) on first sight. */
function remembered(text: string): { normalised: string; tokens?: readonly string[] } {
  let entry = recent.get(text);
  if (entry === undefined) {
    entry = { normalised: normaliseNow(text) };
    if (text.length <= RECENT_MAX_CHARS) {
      if (recent.size >= RECENT_MAX) recent.clear();
      recent.set(text, entry);
    }
  }
  return entry;
}

/**
 * Lower-cases, removes accents (Latin) and vowel marks (Arabic), turns apostrophes and
 * punctuation into spaces and collapses whitespace. "J’ai perdu ma CARTE-grise !" becomes
 * "j ai perdu ma carte grise".
 */
export function normalise(text: string): string {
  return remembered(text).normalised;
}

function normaliseNow(text: string): string {
  if (ASCII.test(text)) {
    // The same result without decomposition: ASCII has no accents, ligatures or Arabic,
    // and its only letters and digits are a-z and 0-9 once lower-cased.
    return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  }
  let out = text
    .toLowerCase()
    .replace(/[œæß]/g, (c) => LIGATURES[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  // Arabic forms decompose into the Arabic block: without it, nothing to replace.
  if (ARABIC_BLOCK.test(out)) {
    out = out
      .replace(/[\u064b-\u065f\u0670\u0640]/g, '') // Arabic harakat and tatweel
      .replace(/[أإآ]/g, 'ا')
      .replace(/ة/g, 'ه')
      .replace(/ى/g, 'ي');
  }
  return out.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** No tokens: one shared empty list. */
const NO_TOKENS: readonly string[] = Object.freeze([]);

/** Splits normalised text into tokens (a frozen list, shared between callers). */
export function tokens(text: string): readonly string[] {
  const entry = remembered(text);
  entry.tokens ??= entry.normalised === '' ? NO_TOKENS : Object.freeze(entry.normalised.split(' '));
  return entry.tokens;
}

let stopwords: ReadonlySet<string> | undefined;

/** True for words that carry no meaning for the search (articles, pronouns, SMS fillers). */
export function isStopword(token: string): boolean {
  stopwords ??= new Set(STOPWORD_LIST.flatMap((w) => normalise(w).split(' ')));
  return stopwords.has(token);
}

/** Tokens that carry meaning: stop words and one-letter tokens removed. */
export function contentTokens(text: string): string[] {
  return tokens(text).filter((t) => !isStopword(t) && (t.length > 1 || /\d/.test(t)));
}

/**
 * Stems already computed, per language. The Snowball stemmers are the most expensive step of
 * both building the index and ranking a message (every word is stemmed in two or three
 * languages, again for the mistake cues), while people and the content reuse few words.
 * Bounded so that a long-running bot reading any text cannot grow it without limit.
 */
const stemCache = new Map<StemLanguage, Map<string, string>>();
const STEM_CACHE_MAX = 200_000;

/** The stem of a token in one language. Arabic tokens are only stemmed as Arabic. */
export function stem(token: string, lang: StemLanguage): string {
  let cache = stemCache.get(lang);
  if (!cache) stemCache.set(lang, (cache = new Map()));
  let s = cache.get(token);
  if (s === undefined) {
    if (ARABIC_BLOCK.test(token)) s = stemmer('ar').stem(token);
    else if (/^\d+$/.test(token)) s = token;
    else s = stemmer(lang).stem(token);
    if (cache.size >= STEM_CACHE_MAX) cache.clear();
    cache.set(token, s);
  }
  return s;
}

/** The distinct stems of a token across several languages, first language first. */
export function stemsOf(token: string, langs: readonly StemLanguage[]): string[] {
  const out: string[] = [];
  for (const l of langs) {
    const s = stem(token, l);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}
