/** Days, ISO weeks and months of the indicators, in Europe/Paris. */
import { bucketOf, bucketsBetween, defaultRange, isoWeek, parisDay } from '../../bot/insights/calendar';

it('a Paris day is the local calendar day, across midnight UTC and daylight saving', () => {
  expect(parisDay(new Date('2026-11-29T23:30:00Z'))).toBe('2026-11-30');
  expect(parisDay(new Date('2026-07-14T22:30:00Z'))).toBe('2026-07-15');
  expect(parisDay(new Date('2026-07-14T21:30:00Z'))).toBe('2026-07-14');
});

it('ISO weeks, including the week 53 that spans a new year', () => {
  expect(isoWeek('2026-11-23')).toBe('2026-W48');
  expect(isoWeek('2021-01-01')).toBe('2020-W53');
  expect(isoWeek('2024-12-30')).toBe('2025-W01');
});

it('buckets cover the range without gaps, Monday to Sunday and month by month', () => {
  expect(bucketOf('2026-11-25', 'week')).toEqual({ start: '2026-11-23', end: '2026-11-29', label: '2026-W48' });
  expect(bucketOf('2024-02-10', 'month')).toEqual({ start: '2024-02-01', end: '2024-02-29', label: '2024-02' });
  expect(bucketsBetween('2026-11-20', '2026-12-02', 'week').map((b) => b.label)).toEqual(['2026-W47', '2026-W48', '2026-W49']);
  expect(bucketsBetween('2026-11-30', '2026-12-01', 'day')).toHaveLength(2);
  expect(defaultRange('2026-11-23', 'month')).toEqual({ from: '2025-12-01', to: '2026-11-23' });
});
