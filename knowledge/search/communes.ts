/**
 * Finds commune names in a message ("j'habite à Villiers-le-Bel"). A commune says where the
 * person lives, not what they need: its words are taken out of the search, and the commune
 * is kept so that the bot can point to the competent site.
 */
import { Communes } from '../schema';
import { tokens } from '../normalise';
import { byFirstWord } from './first-words';

/** A commune found in a message. */
export interface FoundCommune {
  code: string;
  name: string;
  arrondissement: string;
}

/** Matches the communes of one département. */
export class CommuneFinder {
  private readonly names: Array<{ words: readonly string[]; commune: FoundCommune }>;
  /**
   * The names (their index in `names`) by first word: a name can only start at a word of the
   * message, so only those names are looked for, not every commune (a turn's cost, issue 8).
   */
  private readonly byFirstWord: ReadonlyMap<string, readonly number[]>;

  constructor(communes: Communes) {
    this.names = communes.communes
      .map((c) => ({ words: tokens(c.name), commune: { code: c.code, name: c.name, arrondissement: c.arrondissement } }))
      // One- or two-letter names ("Us") are ordinary words far more often than places.
      .filter((n) => n.words.join('').length > 3)
      .sort((a, b) => b.words.length - a.words.length);
    this.byFirstWord = byFirstWord(this.names.map((n) => n.words));
  }

  /** The first commune named in the text (longest names first), and the text's words without it. */
  find(text: string): { commune?: FoundCommune; rest: readonly string[] } {
    const words = tokens(text);
    // The name first in `names` (a longer name before a shorter: "Saint-Ouen-l'Aumône"
    // before "Saint-Ouen"), at its first place in the text.
    let found = -1;
    let at = -1;
    for (let i = 0; i < words.length; i++) {
      const list = this.byFirstWord.get(words[i] as string);
      if (!list) continue;
      for (const n of list) {
        if (found !== -1 && n >= found) break;
        const name = this.names[n]!.words;
        if (i + name.length > words.length) continue;
        let k = 1;
        while (k < name.length && words[i + k] === name[k]) k++;
        if (k === name.length) {
          found = n;
          at = i;
          break;
        }
      }
    }
    if (found === -1) return { rest: words };
    const length = this.names[found]!.words.length;
    return { commune: this.names[found]!.commune, rest: [...words.slice(0, at), ...words.slice(at + length)] };
  }
}
