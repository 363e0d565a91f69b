/**
 * Calendar days, ISO weeks and months in Europe/Paris, the way a préfecture publishes its
 * results: a conversation at 00:30 in Paris belongs to that Paris day, not the UTC one.
 */
import { PARIS } from '../../knowledge/opening-hours';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Europe/Paris day of an instant, YYYY-MM-DD. */
export function parisDay(at: Date): string {
  return dayFormat.format(at);
}

/** The period a bucket covers. */
export type Period = 'day' | 'week' | 'month';

const toUtc = (day: string): Date => new Date(`${day}T00:00:00Z`);
const fromUtc = (d: Date): string => d.toISOString().slice(0, 10);

/** A day moved by a number of days. */
export function addDays(day: string, n: number): string {
  const d = toUtc(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fromUtc(d);
}

/** ISO week label (2026-W48) of a day. */
export function isoWeek(day: string): string {
  const d = toUtc(day);
  const weekday = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - weekday + 3);
  const year = d.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((d.getTime() - firstThursday.getTime()) / 86400000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The first and last day of the bucket holding a day, and its label. */
export function bucketOf(day: string, period: Period): { start: string; end: string; label: string } {
  if (period === 'day') return { start: day, end: day, label: day };
  if (period === 'week') {
    const weekday = (toUtc(day).getUTCDay() + 6) % 7;
    const start = addDays(day, -weekday);
    return { start, end: addDays(start, 6), label: isoWeek(day) };
  }
  const start = `${day.slice(0, 7)}-01`;
  const next = toUtc(start);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { start, end: addDays(fromUtc(next), -1), label: day.slice(0, 7) };
}

/** The buckets covering a range of days, oldest first. */
export function bucketsBetween(fromDay: string, toDay: string, period: Period): Array<{ start: string; end: string; label: string }> {
  const out: Array<{ start: string; end: string; label: string }> = [];
  let day = fromDay;
  while (day <= toDay) {
    const b = bucketOf(day, period);
    out.push(b);
    day = addDays(b.end, 1);
  }
  return out;
}

/** The default range shown for a period: 31 days, 12 weeks or 12 months up to today. */
export function defaultRange(today: string, period: Period): { from: string; to: string } {
  if (period === 'day') return { from: addDays(today, -30), to: today };
  if (period === 'week') return { from: bucketOf(addDays(today, -7 * 11), 'week').start, to: today };
  const d = toUtc(`${today.slice(0, 7)}-01`);
  d.setUTCMonth(d.getUTCMonth() - 11);
  return { from: fromUtc(d), to: today };
}
