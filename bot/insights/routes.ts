/**
 * `GET /api/indicators`: the published results, public like the figures a préfecture
 * displays in its hall. Only aggregates leave the service.
 */
import * as restify from 'restify';
import type { Logger } from '../logger';
import { defaultRange, parisDay, Period } from './calendar';
import { computeIndicators, IndicatorSources } from './indicators';

const PERIODS: readonly Period[] = ['day', 'week', 'month'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Longest range a request may ask for, in days. */
const MAX_RANGE_DAYS = 800;

/** Mounts the indicators route. */
export function mountIndicators(
  server: restify.Server,
  sources: IndicatorSources,
  options: { minCount: number; top: number; now: () => Date; logger: Logger },
): void {
  server.get('/api/indicators', async (req: restify.Request, res: restify.Response) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const period = (query.period ?? 'week') as Period;
    if (typeof period !== 'string' || !PERIODS.includes(period)) {
      res.send(400, { error: { code: 'BadPeriod', message: 'period must be day, week or month' } });
      return;
    }
    const now = options.now();
    const range = defaultRange(parisDay(now), period);
    for (const key of ['from', 'to'] as const) {
      const v = query[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !DAY.test(v) || Number.isNaN(Date.parse(v))) {
        res.send(400, { error: { code: 'BadDate', message: `${key} must be a date written YYYY-MM-DD` } });
        return;
      }
      range[key] = v;
    }
    const days = (Date.parse(range.to) - Date.parse(range.from)) / 86400000;
    if (days < 0 || days > MAX_RANGE_DAYS) {
      res.send(400, { error: { code: 'BadRange', message: `from must be before to, at most ${MAX_RANGE_DAYS} days apart` } });
      return;
    }
    try {
      const indicators = await computeIndicators(sources, { ...range, period }, { minCount: options.minCount, top: options.top, now });
      res.setHeader('cache-control', 'public, max-age=60');
      res.send(200, indicators);
    } catch (err) {
      options.logger.error('indicators failed', { err });
      res.send(503, { error: { code: 'Unavailable', message: 'the indicators are unavailable for a moment; try again later' } });
    }
  });
}
