/**
 * What editors should look at first: entries whose review is too old, entries resting on a
 * service-public.fr fiche modified after the entry's review date; missing translations are
 * listed apart (every entry lacks some optional language, so they are not alarms).
 */
import { CONTENT_LOCALES } from '../../knowledge/schema';
import type { FicheInfo } from '../long-tail';

/** A flag on an entry. */
export interface EntryFlag {
  code: 'reviewOverdue' | 'ficheChanged';
  message: string;
  fiche?: string;
  modified?: string;
}

interface Shape {
  reviewed?: unknown;
  sources?: Array<{ fiche?: unknown }>;
  text?: Record<string, unknown>;
}

/** The optional languages an entry has no text for. */
export function missingTranslations(entry: unknown): string[] {
  const text = ((entry ?? {}) as Shape).text ?? {};
  return CONTENT_LOCALES.filter((l) => !text[l]);
}

/** The flags of an entry (raw, as in its file), at a date. */
export function entryFlags(entry: unknown, now: Date, reviewMaxDays: number, fiche: (id: string) => FicheInfo | undefined): EntryFlag[] {
  const e = (entry ?? {}) as Shape;
  const flags: EntryFlag[] = [];
  const reviewed = typeof e.reviewed === 'string' ? e.reviewed : undefined;
  if (reviewed) {
    const age = Math.floor((now.getTime() - Date.parse(`${reviewed}T00:00:00Z`)) / 86400000);
    if (age > reviewMaxDays) flags.push({ code: 'reviewOverdue', message: `relue il y a ${age} jours (plus de ${reviewMaxDays})` });
    for (const s of e.sources ?? []) {
      const id = typeof s.fiche === 'string' ? s.fiche : undefined;
      const info = id ? fiche(id) : undefined;
      if (id && info?.modified && info.modified > reviewed) {
        flags.push({ code: 'ficheChanged', message: `la fiche ${id} a été modifiée le ${info.modified}, après la relecture du ${reviewed}`, fiche: id, modified: info.modified });
      }
    }
  }
  return flags;
}

/** The title of a raw entry in French, or its id. */
export function entryTitle(entry: unknown): string {
  // Read the field directly: a full schema parse per entry made listing a large draft slow.
  const e = entry as { id?: unknown; text?: { fr?: { title?: unknown } } } | null;
  return typeof e?.text?.fr?.title === 'string' ? e.text.fr.title : String(e?.id ?? '');
}
