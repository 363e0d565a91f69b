/**
 * Opening hours in the Europe/Paris time zone, with French public holidays computed: is a
 * desk open at a given instant, and when does it next open. Pure: no clock, no I/O.
 */
import type { WeeklyHours } from './schema';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const PARIS = 'Europe/Paris';

/** A wall-clock moment in a time zone. */
interface Local {
  year: number;
  month: number;
  day: number;
  weekday: number;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function local(instant: Date, timeZone: string): Local {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday as string);
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Easter Sunday of a year (Gregorian computus), as [month, day]. */
export function easter(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const iso = (y: number, m: number, d: number): string => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The French public holidays (jours fériés, metropolitan France) of a year, as YYYY-MM-DD. */
export function frenchHolidays(year: number): Set<string> {
  const [em, ed] = easter(year);
  const easterUtc = Date.UTC(year, em - 1, ed);
  const plus = (days: number): string => {
    const d = new Date(easterUtc + days * 86400000);
    return iso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  };
  return new Set([
    iso(year, 1, 1), // Jour de l'an
    plus(1), // Lundi de Pâques
    iso(year, 5, 1), // Fête du travail
    iso(year, 5, 8), // Victoire 1945
    plus(39), // Ascension
    plus(50), // Lundi de Pentecôte
    iso(year, 7, 14), // Fête nationale
    iso(year, 8, 15), // Assomption
    iso(year, 11, 1), // Toussaint
    iso(year, 11, 11), // Armistice
    iso(year, 12, 25), // Noël
  ]);
}

const holidayCache = new Map<number, Set<string>>();
/** Whether a local date is a French public holiday. */
export function isHoliday(year: number, month: number, day: number): boolean {
  let set = holidayCache.get(year);
  if (!set) holidayCache.set(year, (set = frenchHolidays(year)));
  return set.has(iso(year, month, day));
}

function ranges(hours: WeeklyHours, weekday: number): Array<[number, number]> {
  return (hours[DAYS[weekday] as keyof WeeklyHours] ?? []).map((r) => {
    const [a, b] = r.split('-') as [string, string];
    const min = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
    return [min(a), min(b)];
  });
}

/** Whether a weekly schedule is open at an instant (closed on public holidays). */
export function isOpen(hours: WeeklyHours, at: Date, timeZone = PARIS): boolean {
  const l = local(at, timeZone);
  if (isHoliday(l.year, l.month, l.day)) return false;
  return ranges(hours, l.weekday).some(([a, b]) => l.minutes >= a && l.minutes < b);
}

/**
 * The next instant the schedule opens after `from` (or `from` itself when open), searching
 * up to `days` days ahead; undefined for a schedule that never opens.
 */
export function nextOpening(hours: WeeklyHours, from: Date, timeZone = PARIS, days = 21): Date | undefined {
  if (isOpen(hours, from, timeZone)) return from;
  // Walk minute boundaries of the schedule: at most a few per day.
  let t = new Date(Math.ceil(from.getTime() / 60000) * 60000);
  const end = from.getTime() + days * 86400000;
  while (t.getTime() <= end) {
    const l = local(t, timeZone);
    if (!isHoliday(l.year, l.month, l.day)) {
      const start = ranges(hours, l.weekday).map(([a]) => a).filter((a) => a >= l.minutes).sort((x, y) => x - y)[0];
      if (start !== undefined) {
        const candidate = new Date(t.getTime() + (start - l.minutes) * 60000);
        if (isOpen(hours, candidate, timeZone)) return candidate;
      }
    }
    // Jump to the next local midnight (time-zone changes are absorbed by re-reading the clock).
    t = new Date(t.getTime() + (24 * 60 - l.minutes) * 60000);
  }
  return undefined;
}
