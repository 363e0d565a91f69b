/**
 * Opens the long tail at start: the compact index of the service-public.fr fiches (built
 * by `npm run build`, or here on first start when missing or outdated), and a search over
 * it. Never at each turn. Without it the bot still answers; it only offers fewer links, and
 * editors see no fiche modification dates.
 */
import type { LongTailPort } from '../dialogs/long-tail-port';
import { openFichesIndex } from '../knowledge/longtail/fiches-index';
import { FichesSearch } from '../knowledge/longtail/fiches-search';
import type { Logger } from './logger';

/** A fiche as editors see it: its title, link and last modification. */
export interface FicheInfo {
  id: string;
  title: string;
  url: string;
  modified?: string;
}

/** The long tail: a search for the bot and a lookup for the editors. */
export interface LongTail extends LongTailPort {
  fiche(id: string): FicheInfo | undefined;
}

/** The long tail, or undefined (logged) when no index can be had. */
export function openLongTail(logger: Logger, file?: string): LongTail | undefined {
  try {
    const started = Date.now();
    const opened = openFichesIndex(file);
    const search = new FichesSearch(opened.index);
    const byId = new Map<string, FicheInfo>();
    // A fiche published for several audiences: the first (particuliers) is the one cited.
    for (const f of opened.index.fiches) if (!byId.has(f.id)) byId.set(f.id, { id: f.id, title: f.title, url: f.url, modified: f.modified });
    logger.info('long tail ready', {
      fiches: opened.index.fiches.length,
      built: opened.built,
      reason: opened.reason,
      writeError: opened.writeError,
      ms: Date.now() - started,
    });
    return {
      search: (text, limit) => search.search(text, limit).map((h) => ({ id: h.id, title: h.title, url: h.url })),
      fiche: (id) => byId.get(id),
    };
  } catch (err) {
    logger.error('long tail unavailable: no fiches index and no package to build it from; fallbacks offer the contact only', { err });
    return undefined;
  }
}
