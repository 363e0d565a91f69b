/**
 * The published indicators (Services Publics+ engagement 6): per day, week or month,
 * conversations, questions answered directly, clarified, not answered, handoffs requested
 * and taken with waiting times, satisfaction, most asked procedures and most frequent
 * unanswered questions. Only aggregates: an unanswered question is shown only when asked at
 * least `minCount` times, so that no single person's words are published.
 */
import type { HandoffStore } from '../../storage/handoff-store';
import type { DayCount, InsightsStore } from '../../storage/insights-store';
import { addDays, bucketsBetween, parisDay, Period } from './calendar';

/** One period's figures. */
export interface Bucket {
  start: string;
  end: string;
  label: string;
  conversations: number;
  questions: number;
  answered: number;
  clarified: number;
  notAnswered: number;
  feedback: { yes: number; no: number };
  handoffs: { requested: number; taken: number; messages: number; waitSeconds: { count: number; median: number | null; average: number | null } };
  satisfaction: { count: number; average: number | null; agentCount: number; agentAverage: number | null };
  topProcedures: Array<{ id: string; title: string; count: number }>;
  topUnanswered: Array<{ text: string; count: number }>;
}

/** The JSON document of `GET /api/indicators`. */
export interface Indicators {
  generatedAt: string;
  period: Period;
  timeZone: 'Europe/Paris';
  from: string;
  to: string;
  minCount: number;
  buckets: Bucket[];
  total: Bucket;
}

/** Where the figures come from. */
export interface IndicatorSources {
  insights: InsightsStore;
  handoffs: HandoffStore;
  /** The French title of an entry, for the most asked procedures. */
  title: (id: string) => string | undefined;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Computes the indicators over a range of days. */
export async function computeIndicators(
  sources: IndicatorSources,
  range: { from: string; to: string; period: Period },
  options: { minCount: number; top: number; now: Date },
): Promise<Indicators> {
  const counts = await sources.insights.dailyCounts(range.from, range.to);
  const perDay = await sources.insights.conversationsPerDay(range.from, range.to);
  // Handoffs are read from their own store, the single source of truth for them.
  const handoffs = await sources.handoffs.createdBetween(new Date(`${addDays(range.from, -1)}T00:00:00Z`).toISOString(), new Date(`${addDays(range.to, 1)}T23:59:59Z`).toISOString());
  const handoffDays = handoffs.map((h) => ({ ...h, day: parisDay(new Date(h.createdAt)) })).filter((h) => h.day >= range.from && h.day <= range.to);

  const bucketFor = async (start: string, end: string, label: string, conversations: number): Promise<Bucket> => {
    const inRange = (d: string): boolean => d >= start && d <= end;
    const rows = counts.filter((c) => inRange(c.day));
    const sum = (pred: (c: DayCount) => boolean): number => rows.filter(pred).reduce((n, c) => n + c.count, 0);
    const answered = sum((c) => c.kind === 'question' && c.detail === 'answered');
    const clarified = sum((c) => c.kind === 'question' && c.detail === 'clarified');
    const notAnswered = sum((c) => c.kind === 'question' && c.detail === 'notAnswered');
    const ratings = rows.filter((c) => c.kind === 'rating');
    const ratingCount = ratings.reduce((n, c) => n + c.count, 0);
    const ratingSum = ratings.reduce((n, c) => n + c.sum, 0);
    const procedures = new Map<string, number>();
    for (const c of rows) if (c.kind === 'question' && c.detail === 'answered' && c.entry) procedures.set(c.entry, (procedures.get(c.entry) ?? 0) + c.count);
    const hs = handoffDays.filter((h) => inRange(h.day));
    const taken = hs.filter((h) => h.takenAt);
    const waits = taken.map((h) => Math.max(0, (Date.parse(h.takenAt as string) - Date.parse(h.createdAt)) / 1000));
    const agentRatings = hs.filter((h) => typeof h.rating === 'number').map((h) => h.rating as number);
    const unanswered = (await sources.insights.frequentUnanswered(start, end, options.top * 4)).filter((u) => u.count >= options.minCount).slice(0, options.top);
    return {
      start,
      end,
      label,
      conversations,
      questions: answered + clarified + notAnswered,
      answered,
      clarified,
      notAnswered,
      feedback: { yes: sum((c) => c.kind === 'feedback' && c.detail === 'yes'), no: sum((c) => c.kind === 'feedback' && c.detail === 'no') },
      handoffs: {
        requested: hs.filter((h) => h.state !== 'message').length,
        taken: taken.length,
        messages: hs.filter((h) => h.state === 'message').length,
        waitSeconds: { count: waits.length, median: median(waits) === null ? null : round(median(waits) as number, 0), average: waits.length ? round(waits.reduce((a, b) => a + b, 0) / waits.length, 0) : null },
      },
      satisfaction: {
        count: ratingCount,
        average: ratingCount ? round(ratingSum / ratingCount, 2) : null,
        agentCount: agentRatings.length,
        agentAverage: agentRatings.length ? round(agentRatings.reduce((a, b) => a + b, 0) / agentRatings.length, 2) : null,
      },
      topProcedures: [...procedures.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, options.top)
        .map(([id, count]) => ({ id, title: sources.title(id) ?? id, count })),
      topUnanswered: unanswered.map((u) => ({ text: u.text, count: u.count })),
    };
  };

  const buckets: Bucket[] = [];
  for (const b of bucketsBetween(range.from, range.to, range.period)) {
    const start = b.start < range.from ? range.from : b.start;
    const end = b.end > range.to ? range.to : b.end;
    const conversations = range.period === 'day' ? (perDay.find((d) => d.day === start)?.count ?? 0) : await sources.insights.conversationsBetween(start, end);
    buckets.push(await bucketFor(start, end, b.label, conversations));
  }
  const total = await bucketFor(range.from, range.to, `${range.from}/${range.to}`, await sources.insights.conversationsBetween(range.from, range.to));
  return { generatedAt: options.now.toISOString(), period: range.period, timeZone: 'Europe/Paris', from: range.from, to: range.to, minCount: options.minCount, buckets, total };
}
