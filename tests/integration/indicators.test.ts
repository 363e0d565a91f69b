/**
 * Users' opinions and published results: feedback is recorded with the entry and the
 * question; fallbacks and "no" are kept, redacted, as unanswered questions; the optional
 * rating accepts 1 to 5 only; `GET /api/indicators` publishes aggregates per day, week and
 * month, with an unanswered question shown only once asked often enough.
 */
import { translator } from '../../bot/i18n';
import { closingQuestion, serveBot, suggestions } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
let clock = new Date('2026-11-23T09:00:00Z');
const served = serveBot('indicators-', { INDICATORS_MIN_COUNT: '2', LONG_TAIL: 'false' }, () => clock);

async function indicators(query: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${served.app.port}/api/indicators${query}`);
  return { status: res.status, json: await res.json() };
}

it('records a day of conversations and publishes its aggregates, nothing personal', async () => {
  // Monday 23 November, 10:00 in Paris.
  clock = new Date('2026-11-23T09:00:00Z');
  const a = served.conversation();
  const [answer] = await a.say('jai perdu ma cg', 1);
  expect(closingQuestion(answer!)).toBe(fr('feedback.question'));
  expect(suggestions(answer!)).toEqual([fr('feedback.yes'), fr('feedback.no')]);
  const [thanks] = await a.say('oui', 1);
  expect(thanks!.activity.text).toBe(fr('feedback.thanks'));
  // One message: the goodbye, then the rating asked.
  const [bye] = await a.say('au revoir', 1);
  expect(bye!.activity.text.startsWith(fr('smalltalk.goodbye'))).toBe(true);
  expect(bye!.activity.text).toContain(fr('rating.ask'));
  expect(suggestions(bye!)).toEqual(['1', '2', '3', '4', '5', fr('rating.no')]);
  const [invalid] = await a.say('9', 1);
  expect(invalid!.activity.text).toBe(fr('rating.invalid'));
  const [rated] = await a.say('5', 1);
  expect(rated!.activity.text).toBe(fr('rating.thanks'));

  const b = served.conversation();
  await b.say('mon titre de séjour expire bientôt, comment le renouveler ?', 1);
  const [sorry] = await b.say('non', 1);
  expect(sorry!.activity.text).toContain(fr('feedback.sorry'));
  expect(suggestions(sorry!)).toContain(fr('handoff.offer'));

  // The same out-of-scope question in two conversations, one with an e-mail address in it.
  const c = served.conversation();
  // A fallback is one message: the apology and the préfecture's contact.
  const [fallbackC] = await c.say('quel temps fera-t-il demain à la plage', 1);
  expect(fallbackC!.activity.text).toContain(fr('fallback.text'));
  const d = served.conversation();
  const [fallbackD] = await d.say('quel temps fera-t-il demain à la plage marie.dupont@example.org', 1);
  expect(fallbackD!.activity.text).toContain(fr('fallback.text'));
  const e = served.conversation('en-US');
  await e.say('I want to talk to a human', 1);
  const waiting = await served.app.handoffStore.active(e.id);
  clock = new Date('2026-11-23T09:04:00Z');
  expect(await served.app.handoffStore.take(waiting!.id, { id: 'agent-1', name: 'Agent' })).toBe(true);

  const kept = await served.app.insightsStore.unanswered(50);
  expect(kept.some((q) => q.text.includes('[email]'))).toBe(true);
  expect(JSON.stringify(kept)).not.toContain('marie.dupont');
  expect(kept.find((q) => q.reason === 'notHelpful')?.entry).toBe('titre-sejour-renouvellement');

  const { status, json } = await indicators('?period=day&from=2026-11-23&to=2026-11-23');
  expect(status).toBe(200);
  expect(json.buckets).toHaveLength(1);
  const day = json.buckets[0];
  expect(day).toMatchObject({
    start: '2026-11-23',
    conversations: 5,
    answered: 2,
    clarified: 0,
    notAnswered: 2,
    questions: 4,
    feedback: { yes: 1, no: 1 },
    satisfaction: { count: 1, average: 5 },
  });
  expect(day.handoffs).toMatchObject({ requested: 1, taken: 1, waitSeconds: { count: 1, median: 240 } });
  expect(day.topProcedures.map((p: any) => p.id).sort()).toEqual(['immatriculation-duplicata', 'titre-sejour-renouvellement']);
  // Asked twice (minCount 2) once identifiers are removed: published; the no-feedback question, once: not.
  expect(day.topUnanswered).toEqual([{ text: 'quel temps fera-t-il demain à la plage', count: 2 }]);
  expect(JSON.stringify(json)).not.toContain('marie.dupont');
  expect(JSON.stringify(json)).not.toContain(a.id);
});

it('groups by ISO week and by month in Europe/Paris time', async () => {
  // Sunday 29 November at 23:30 UTC is already Monday 30 November in Paris: next week.
  clock = new Date('2026-11-29T23:30:00Z');
  const f = served.conversation();
  await f.say('jai perdu ma cg', 1);
  const week = await indicators('?period=week&from=2026-11-23&to=2026-12-06');
  expect(week.json.buckets.map((b: any) => [b.label, b.answered])).toEqual([
    ['2026-W48', 2],
    ['2026-W49', 1],
  ]);
  const month = await indicators('?period=month&from=2026-11-01&to=2026-12-31');
  expect(month.json.buckets.map((b: any) => [b.label, b.answered])).toEqual([
    ['2026-11', 3],
    ['2026-12', 0],
  ]);
  expect(month.json.total.answered).toBe(3);
});

it('refuses a bad period or date with a clear message; a rating outside 1 to 5 twice is simply not recorded', async () => {
  expect((await indicators('?period=year')).status).toBe(400);
  expect((await indicators('?period=day&from=2026-13-45')).json.error.code).toBe('BadDate');
  expect((await indicators('?period=day&from=2026-12-01&to=2026-11-01')).json.error.code).toBe('BadRange');

  clock = new Date('2026-12-02T09:00:00Z');
  const g = served.conversation('en-US');
  await g.say('my driving licence was stolen', 1);
  await g.say('bye', 1);
  const [again] = await g.say('0', 1);
  expect(again!.activity.text).toBe(en('rating.invalid'));
  const [skipped] = await g.say('12', 1);
  expect(skipped!.activity.text).toBe(en('rating.skipped'));
  const day = (await indicators('?period=day&from=2026-12-02&to=2026-12-02')).json.buckets[0];
  expect(day.satisfaction.count).toBe(0);
});
