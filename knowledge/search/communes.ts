/**
 * Finds commune names in a message ("j'habite à Villiers-le-Bel"). A commune says where the
 * person lives, not what they need: its words are taken out of the search, and the commune
 * is kept so that the bot can point to the competent site.
 */
import { Communes } from '../schema';
import { tokens } from '../normalise';

/** A commune found in a message. */
export interface FoundCommune {
  code: string;
  name: string;
  arrondissement: string;
}

/** Matches the communes of one département. */
export class CommuneFinder {
  private readonly names: Array<{ words: readonly string[]; commune: FoundCommune }>;

  constructor(communes: Communes) {
    this.names = communes.communes
      .map((c) => ({ words: tokens(c.name), commune: { code: c.code, name: c.name, arrondissement: c.arrondissement } }))
      // One- or two-letter names ("Us") are ordinary words far more often than places.
      .filter((n) => n.words.join('').length > 3)
      .sort((a, b) => b.words.length - a.words.length);
  }

  /** The first commune named in the text, and the text's words without it. */
  find(text: string): { commune?: FoundCommune; rest: readonly string[] } {
    const words = tokens(text);
    // A name can only start at a word of the text: the others are not looked for.
    const present = new Set(words);
    for (const { words: name, commune } of this.names) {
      if (!present.has(name[0] as string)) continue;
      for (let i = 0; i + name.length <= words.length; i++) {
        if (name.every((w, k) => words[i + k] === w)) {
          return { commune, rest: [...words.slice(0, i), ...words.slice(i + name.length)] };
        }
      }
    }
    return { rest: words };
  }
}
