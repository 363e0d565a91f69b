/**
 * Finds a place the person says they live in when it is not a commune of the département
 * ("j'habite à Sarcells", "I live in Lyon"): either a commune elsewhere in France (the
 * person is told which département and préfecture they belong to) or an unknown name (the
 * person is told it was not found, with the closest names of the département).
 */
import type { Communes } from '../schema';
import type { FrenchCommune } from '../france-communes';
import { normalise, tokens } from '../normalise';
import { editDistance } from './edit-distance';
import { byFirstWord } from './first-words';

/** A place named in a message that is not a commune of the département. */
export interface PlaceOutside {
  /** The words as the person wrote them (normalised). */
  said: string;
  /** Set when the place is a commune of another département. */
  elsewhere?: { name: string; departement: { code: string; name: string } };
  /** Communes of the département with a close name, best first (at most three). */
  suggestions: string[];
}

/** Words after which a place name comes ("j'habite à", "I live in"). */
const CUES: string[][] = [
  'j habite', 'jhabite', 'habite', 'habitant', 'habitante', 'je vis', 'je reside', 'residant', 'resident', 'domicilie', 'domiciliee',
  'je suis de', 'je viens de', 'commune de', 'ville de', 'mairie de', 'i live in', 'i live at', 'i m from', 'im from', 'living in', 'i live',
  'vivo en', 'moro em', 'vivo em',
].map((c) => c.split(' '));
/** The cues (their index in `CUES`) by first word: most messages hold none of these words. */
const CUES_BY_FIRST_WORD = byFirstWord(CUES);
/** Words between the cue and the name. */
const LINKS = new Set(['a', 'au', 'aux', 'en', 'dans', 'sur', 'in', 'at', 'the', 'le', 'la', 'les', 'l', 'em', 'de', 'du']);
/** Words that end a place name. */
const STOP = new Set(['ou', 'et', 'comment', 'quel', 'quelle', 'quels', 'je', 'j', 'pour', 'mais', 'donc', 'depuis', 'where', 'how', 'what', 'and', 'which', 'since', 'can', 'do', 'i', 'c', 'est', 'qui', 'que', 'quand', 'il', 'on', 'mon', 'ma', 'mes', 'my']);
/** Words that follow a cue without being a place. */
const NOT_PLACES = new Set(['etranger', 'france', 'ici', 'seul', 'seule', 'chez', 'hlm', 'pas', 'plus', 'loin', 'abroad', 'here', 'alone', 'foyer', 'hotel', 'campagne', 'ville', 'banlieue', 'region', 'departement', 'val', 'oise', 'meme', 'actuellement', 'maintenant', 'aussi', 'toujours', 'encore', 'bien']);

interface Named {
  key: string;
  name: string;
}

/**
 * Whether `cue` starts at `words[i]`. A plain loop: a closure for each cue at each word was
 * a twentieth of what a turn allocates.
 */
function startsAt(words: readonly string[], i: number, cue: readonly string[]): boolean {
  for (let k = 0; k < cue.length; k++) if (words[i + k] !== cue[k]) return false;
  return true;
}

/** Locates places outside the département's list. */
export class PlaceLocator {
  private readonly local: Named[];
  private readonly france = new Map<string, FrenchCommune>();

  constructor(communes: Communes, france: readonly FrenchCommune[]) {
    this.local = communes.communes.map((c) => ({ key: tokens(c.name).join(' '), name: c.name }));
    for (const c of france) {
      if (c.departement.code === communes.departement) continue;
      const key = tokens(c.name).join(' ');
      const known = this.france.get(key);
      // Several communes share a name (Saint-Denis): the most populous is the likeliest.
      if (!known || c.population > known.population) this.france.set(key, c);
    }
  }

  /** The place the person lives in, when the text says so and it is not a local commune. */
  locate(text: string): PlaceOutside | undefined {
    const words = tokens(text);
    // Where each cue starts, in the order of the cues then of the words, as looking for each
    // cue at every word would find them; only at the words that start a cue.
    const starts: Array<{ cue: number; at: number }> = [];
    for (let i = 0; i < words.length; i++) {
      for (const n of CUES_BY_FIRST_WORD.get(words[i] as string) ?? []) {
        if (i + (CUES[n] as string[]).length <= words.length && startsAt(words, i, CUES[n] as string[])) starts.push({ cue: n, at: i });
      }
    }
    starts.sort((a, b) => a.cue - b.cue || a.at - b.at);
    for (const { cue, at } of starts) {
      let j = at + (CUES[cue] as string[]).length;
      while (j < words.length && LINKS.has(words[j] as string)) j++;
      const name: string[] = [];
      while (j < words.length && name.length < 5 && !STOP.has(words[j] as string)) name.push(words[j++] as string);
      const found = this.named(name, text);
      if (found) return found;
    }
    return undefined;
  }

  /** The longest leading part of `name` that is a place, or an unknown name with suggestions. */
  private named(name: string[], original: string): PlaceOutside | undefined {
    if (name.length === 0 || NOT_PLACES.has(name[0] as string)) return undefined;
    for (let n = name.length; n >= 1; n--) {
      const key = name.slice(0, n).join(' ');
      if (this.local.some((l) => l.key === key)) return undefined;
      const elsewhere = this.france.get(key);
      if (elsewhere) return { said: key, elsewhere: { name: elsewhere.name, departement: elsewhere.departement }, suggestions: [] };
    }
    // An unknown name: at most three words, and not ordinary words.
    const words = name.slice(0, 3);
    const said = words.join(' ');
    const suggestions = this.closest(words);
    // Without a close name, only a capitalised word is taken for a place ("Trucville").
    const capitalised = original.split(/[^\p{L}\p{N}]+/u).some((w) => /^\p{Lu}/u.test(w) && normalise(w) === words[0]);
    if (suggestions.length === 0 && !capitalised) return undefined;
    return { said, suggestions };
  }

  /** Local communes whose name is close to the words (typos, a missing part). */
  private closest(words: string[]): string[] {
    const scored: Array<{ name: string; d: number }> = [];
    for (let n = Math.min(words.length, 3); n >= 1; n--) {
      const key = words.slice(0, n).join(' ');
      if (key.replace(/ /g, '').length < 4) continue;
      for (const l of this.local) {
        const budget = Math.max(1, Math.floor(key.length / 4));
        const d = editDistance(key, l.key, budget);
        if (d <= budget) scored.push({ name: l.name, d });
        else if (l.key.startsWith(`${key} `)) scored.push({ name: l.name, d: budget + 0.5 });
      }
      if (scored.length) break;
    }
    return [...new Map(scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name)).map((s) => [s.name, s])).keys()].slice(0, 3);
  }
}
