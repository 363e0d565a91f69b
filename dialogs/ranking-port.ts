/**
 * How the orientation dialog ranks a message: against the search of the base its turn uses,
 * possibly elsewhere than on the main thread (`bot/search-thread.ts`). Without one, the
 * dialog ranks in place with `search.rank`.
 */
import type { KnowledgeSource, RankOutcome } from '../knowledge/search/types';

/**
 * Ranks `text` as `search.rank(text, locale)` would, with the same outcome; `search` tells
 * which base the turn uses, so that a ranking done elsewhere is never from another base.
 */
export type Ranking = (search: KnowledgeSource, text: string, locale?: string) => Promise<RankOutcome>;
