import { easter, frenchHolidays, isOpen, nextOpening } from '../../knowledge/opening-hours';

const week = {
  mon: ['09:00-12:00', '13:30-16:00'],
  tue: ['09:00-12:00', '13:30-16:00'],
  wed: ['09:00-12:00'],
  thu: ['09:00-12:00', '13:30-16:00'],
  fri: ['09:00-12:00', '13:30-16:00'],
  sat: [],
  sun: [],
};

it('computes Easter and the movable holidays', () => {
  expect(easter(2026)).toEqual([4, 5]);
  expect(easter(2027)).toEqual([3, 28]);
  const h = frenchHolidays(2026);
  expect(h).toEqual(new Set(['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']));
});

it('reads the schedule in Paris time, winter and summer', () => {
  // Monday 23 November 2026, 08:30 UTC = 09:30 in Paris (UTC+1): open.
  expect(isOpen(week, new Date('2026-11-23T08:30:00Z'))).toBe(true);
  // 11:30 UTC = 12:30 in Paris: lunch break.
  expect(isOpen(week, new Date('2026-11-23T11:30:00Z'))).toBe(false);
  // Monday 22 June 2026, 07:30 UTC = 09:30 in Paris (UTC+2): open; 06:30 UTC = 08:30: not yet.
  expect(isOpen(week, new Date('2026-06-22T07:30:00Z'))).toBe(true);
  expect(isOpen(week, new Date('2026-06-22T06:30:00Z'))).toBe(false);
  // Wednesday afternoon: closed.
  expect(isOpen(week, new Date('2026-11-25T13:00:00Z'))).toBe(false);
});

it('is closed on public holidays even on a working day', () => {
  // Wednesday 11 November 2026, 10:00 in Paris.
  expect(isOpen(week, new Date('2026-11-11T09:00:00Z'))).toBe(false);
});

it('says when it next opens: after lunch, after the weekend, after a holiday', () => {
  expect(nextOpening(week, new Date('2026-11-23T11:30:00Z'))?.toISOString()).toBe('2026-11-23T12:30:00.000Z');
  // Friday 27 November, 17:00 Paris -> Monday 30 November, 09:00 Paris.
  expect(nextOpening(week, new Date('2026-11-27T16:00:00Z'))?.toISOString()).toBe('2026-11-30T08:00:00.000Z');
  // Tuesday 10 November evening -> Thursday 12 November 09:00 (Wednesday 11 is a holiday).
  expect(nextOpening(week, new Date('2026-11-10T19:00:00Z'))?.toISOString()).toBe('2026-11-12T08:00:00.000Z');
  // Already open: now.
  const now = new Date('2026-11-23T08:30:00Z');
  expect(nextOpening(week, now)).toBe(now);
  expect(nextOpening({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, now)).toBeUndefined();
});
