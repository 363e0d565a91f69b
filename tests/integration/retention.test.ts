/**
 * The retention job (bot/retention.ts) on the real SQLite stores: after
 * TRANSCRIPT_RETENTION_DAYS, transcripts, idle state, ended handoffs' texts and unanswered
 * questions go; aggregates stay; a second run, or two instances at once, delete nothing
 * more; the log says how many, never what.
 */
import * as path from 'path';
import { createLogger } from '../../bot/logger';
import { RetentionJob, RetentionStores } from '../../bot/retention';
import { parisDay } from '../../bot/insights/calendar';
import { SqliteDirectLineStore } from '../../storage/sqlite-directline-store';
import { SqliteHandoffStore } from '../../storage/sqlite-handoff-store';
import { SqliteInsightsStore } from '../../storage/sqlite-insights-store';
import { SqliteStateStore } from '../../storage/sqlite-storage';
import { tempDir } from '../helpers/bot-harness';

const DAY = 86_400_000;
const data = tempDir('retention-');
afterAll(() => data.cleanup());

function open(dir: string): RetentionStores & { close(): Promise<void> } {
  const stores = {
    state: new SqliteStateStore(path.join(dir, 'bot.sqlite')),
    directLine: new SqliteDirectLineStore(path.join(dir, 'directline.sqlite')),
    handoff: new SqliteHandoffStore(path.join(dir, 'handoff.sqlite')),
    insights: new SqliteInsightsStore(path.join(dir, 'insights.sqlite')),
  };
  return { ...stores, close: async () => void (await Promise.all(Object.values(stores).map((s) => s.close()))) };
}

async function fill(stores: RetentionStores, id: string): Promise<string> {
  await stores.directLine.createConversation(id, 'u');
  await stores.directLine.append(id, { type: 'message', text: 'né le 3 mars 1985, jean@example.fr' });
  await stores.state.write({ [`directline/conversations/${id}/`]: { language: 'fr' } });
  const r = await stores.handoff.create({ conversationId: id, channelId: 'directline', reference: { user: 'x' }, lang: 'fr', summary: 'mon numéro 7512345678', state: 'waiting' });
  await stores.handoff.appendTranscript(r.id, { from: 'person', text: 'rappelez-moi au 06 12 34 56 78' });
  await stores.handoff.setState(r.id, 'closed');
  await stores.handoff.rate(r.id, 4, 'merci');
  const now = new Date();
  await stores.insights.record({ day: parisDay(now), at: now.toISOString(), conversation: id, kind: 'question', detail: 'notAnswered' });
  await stores.insights.addUnanswered({ day: parisDay(now), at: now.toISOString(), conversation: id, lang: 'fr', reason: 'fallback', text: 'question zorglub', key: 'question zorglub' });
  return r.id;
}

it('keeps everything younger than the limit, deletes what is older, keeps the aggregates, and logs counts only', async () => {
  const dir = path.join(data.dir, 'one');
  const stores = open(dir);
  const requestId = await fill(stores, 'conv-1');
  const lines: string[] = [];
  const logger = createLogger('debug', (l) => lines.push(l));

  const early = await new RetentionJob(stores, 30, logger, () => new Date(Date.now() + 10 * DAY)).run();
  expect(early).toMatchObject({ directLineConversations: 0, stateItems: 0, handoffRequests: 0, unansweredQuestions: 0, failed: [] });
  expect(await stores.directLine.getConversation('conv-1')).toBeDefined();

  const job = new RetentionJob(stores, 30, logger, () => new Date(Date.now() + 32 * DAY));
  expect(await job.run()).toMatchObject({ directLineConversations: 1, directLineActivities: 1, stateItems: 1, handoffRequests: 1, handoffLines: 1, unansweredQuestions: 1, failed: [] });
  expect(await stores.directLine.getConversation('conv-1')).toBeUndefined();
  expect(await stores.state.read(['directline/conversations/conv-1/'])).toEqual({});
  expect(await stores.handoff.transcript(requestId)).toEqual([]);
  expect(await stores.handoff.get(requestId)).toMatchObject({ state: 'closed', rating: 4, summary: '' });
  expect(await stores.insights.unanswered(10)).toEqual([]);
  expect(await stores.insights.conversationsBetween('2000-01-01', '2100-01-01')).toBe(1);

  // Idempotent.
  expect(await job.run()).toMatchObject({ directLineConversations: 0, stateItems: 0, handoffRequests: 0, handoffLines: 0, unansweredQuestions: 0 });
  const log = lines.join('\n');
  expect(log).toContain('"directLineActivities":1');
  for (const secret of ['1985', 'example.fr', '7512345678', '06 12', 'zorglub', 'merci']) expect(log).not.toContain(secret);
  await stores.close();
});

it('two instances running it at once delete each row once and fail nothing', async () => {
  const dir = path.join(data.dir, 'two');
  const a = open(dir);
  const b = open(dir);
  for (let i = 0; i < 20; i++) await fill(a, `conv-${i}`);
  const later = () => new Date(Date.now() + 32 * DAY);
  const [ra, rb] = await Promise.all([new RetentionJob(a, 30, createLogger('error', () => {}), later).run(), new RetentionJob(b, 30, createLogger('error', () => {}), later).run()]);
  expect([...ra.failed, ...rb.failed]).toEqual([]);
  expect(ra.directLineConversations + rb.directLineConversations).toBe(20);
  expect(ra.handoffLines + rb.handoffLines).toBe(20);
  expect(ra.unansweredQuestions + rb.unansweredQuestions).toBe(20);
  await a.close();
  await b.close();
});

it('a store that fails is logged and the other steps still run', async () => {
  const dir = path.join(data.dir, 'three');
  const stores = open(dir);
  await fill(stores, 'conv-x');
  await stores.state.close();
  const report = await new RetentionJob(stores, 30, createLogger('error', () => {}), () => new Date(Date.now() + 32 * DAY)).run();
  expect(report.failed).toEqual(['state']);
  expect(report.directLineConversations).toBe(1);
  await stores.close();
});
