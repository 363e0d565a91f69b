/**
 * The long tail: official service-public.fr fiches offered, by title and link, when the
 * curated base has no confident answer.
 */

/** A fiche offered to the person. */
export interface FicheOffer {
  id: string;
  title: string;
  url: string;
}

/** Searches the fiches; returns nothing for messages that are not administrative. */
export interface LongTailPort {
  search(text: string, limit: number): FicheOffer[];
}
