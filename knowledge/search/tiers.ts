/**
 * Two tiers of entries: the curated base (written and reviewed for this préfecture, with the
 * words people use) and a long tail (imported in bulk, such as service-public.fr fiches,
 * that can outnumber it a thousand to one). Each tier is ranked on an index of its own, so
 * that the long tail's word statistics do not change how curated entries rank against each
 * other, and the long tail only extends the curated ranking: it answers what the curated
 * base holds no evidence for, and fills the places the curated results leave.
 */
import { RankedResult } from './types';

/**
 * The merged ranking, best first, at most `limit`: every curated result in its order, then
 * the long tail's.
 *
 * Why not merge by score: the scores of separate indexes compare only roughly, and a base of
 * tens of thousands of entries always holds some entry sharing a question's words by chance
 * (measured: merging by score, or letting the long tail outrank curated results below the
 * clarify threshold, put a fiche or a synthetic entry first on 5 held-out questions the
 * curated base had right). The curated answer must not depend on how big the long tail is;
 * when the curated evidence is weak the decision falls back, as it does without a long tail,
 * and the bot's fallback offers the long tail's links.
 */
export function mergeTiers(curated: readonly RankedResult[], tail: readonly RankedResult[], limit: number): RankedResult[] {
  return curated.length >= limit ? curated.slice(0, limit) : [...curated, ...tail.slice(0, limit - curated.length)];
}
