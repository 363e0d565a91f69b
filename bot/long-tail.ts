/**
 * Opens the long tail at start: the compact index of the service-public.fr fiches (built
 * by `npm run build`, or here on first start when missing or outdated), and a search over
 * it. Never at each turn. Without it the bot still answers; it only offers fewer links.
 */
import type { LongTailPort } from '../dialogs/long-tail-port';
import { openFichesIndex } from '../knowledge/longtail/fiches-index';
import { FichesSearch } from '../knowledge/longtail/fiches-search';
import type { Logger } from './logger';

/** The long tail search, or undefined (logged) when no index can be had. */
export function openLongTail(logger: Logger, file?: string): LongTailPort | undefined {
  try {
    const started = Date.now();
    const opened = openFichesIndex(file);
    const search = new FichesSearch(opened.index);
    logger.info('long tail ready', {
      fiches: opened.index.fiches.length,
      built: opened.built,
      reason: opened.reason,
      writeError: opened.writeError,
      ms: Date.now() - started,
    });
    return { search: (text, limit) => search.search(text, limit).map((h) => ({ id: h.id, title: h.title, url: h.url })) };
  } catch (err) {
    logger.error('long tail unavailable: no fiches index and no package to build it from; fallbacks offer the contact only', { err });
    return undefined;
  }
}
