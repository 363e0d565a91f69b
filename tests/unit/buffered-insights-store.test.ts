/**
 * The batching insights store: events are written together (one transaction per batch, not
 * one per turn), within the delay; reads and erasure see them; a database that refuses keeps
 * them for later and says so; nothing queued is lost at a clean shutdown.
 */
import * as path from 'path';
import { BufferedInsightsStore } from '../../bot/insights/buffered-insights-store';
import { Logger, silentLogger } from '../../bot/logger';
import { InsightEvent } from '../../storage/insights-store';
import { StorageError } from '../../storage/port';
import { SqliteInsightsStore } from '../../storage/sqlite-insights-store';
import { tempDir } from '../helpers/bot-harness';

const t = tempDir('buffered-unit-');
let n = 0;
afterAll(() => t.cleanup());

const event = (conversation: string, detail = 'answered'): InsightEvent => ({ day: '2026-11-24', at: '2026-11-24T09:00:00.000Z', conversation, kind: 'question', detail });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An SQLite store that counts its batches and can be made to refuse them. */
function spiedStore() {
  const inner = new SqliteInsightsStore(path.join(t.dir, `u-${++n}.sqlite`));
  const batches: number[] = [];
  let refuse = false;
  const recordMany = inner.recordMany.bind(inner);
  inner.recordMany = async (events) => {
    if (refuse) throw new StorageError('STORAGE_UNAVAILABLE', 'database gone');
    batches.push(events.length);
    return recordMany(events);
  };
  return { inner, batches, refuse: (on: boolean) => void (refuse = on) };
}

function recordingLogger(): Logger & { lines: Array<{ msg: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const log = (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, fields });
  return { lines, debug: log, info: log, warn: log, error: log };
}

it('writes the events of many turns in one batch, within the delay', async () => {
  const { inner, batches } = spiedStore();
  const store = new BufferedInsightsStore(inner, silentLogger, { flushMs: 30 });
  for (let i = 0; i < 40; i++) await store.record(event(`c${i}`));
  expect(batches).toEqual([]);
  expect(store.pending).toBe(40);
  await sleep(120);
  expect(batches).toEqual([40]);
  expect(store.pending).toBe(0);
  expect(await inner.conversationsBetween('2026-11-24', '2026-11-24')).toBe(40);
  await store.close();
});

it('writes at once when a batch is full', async () => {
  const { inner, batches } = spiedStore();
  const store = new BufferedInsightsStore(inner, silentLogger, { flushMs: 60_000, maxBatch: 10 });
  for (let i = 0; i < 25; i++) await store.record(event(`c${i}`));
  expect(store.pending).toBeLessThan(10);
  await store.flush();
  expect(batches.reduce((a, b) => a + b, 0)).toBe(25);
  expect(Math.max(...batches)).toBeLessThanOrEqual(10);
  expect(batches[0]).toBe(10);
  await store.close();
});

it('counts queued events in the indicators: a read writes the queue first', async () => {
  const { inner } = spiedStore();
  const store = new BufferedInsightsStore(inner, silentLogger, { flushMs: 60_000 });
  await store.record(event('a'));
  await store.record(event('b', 'clarified'));
  expect(await store.conversationsBetween('2026-11-24', '2026-11-24')).toBe(2);
  expect((await store.dailyCounts('2026-11-24', '2026-11-24')).map((c) => c.detail).sort()).toEqual(['answered', 'clarified']);
  await store.close();
});

it('keeps the events while the database refuses them, logs it, and writes them once it is back', async () => {
  const spied = spiedStore();
  const logger = recordingLogger();
  const store = new BufferedInsightsStore(spied.inner, logger, { flushMs: 10, retryMs: 40 });
  spied.refuse(true);
  await store.record(event('a'));
  await store.record(event('b'));
  await sleep(30);
  expect(store.pending).toBe(2);
  expect(logger.lines[0]).toMatchObject({ msg: expect.stringContaining('kept to try again'), fields: { events: 2 } });
  spied.refuse(false);
  await sleep(100);
  expect(store.pending).toBe(0);
  expect(await spied.inner.conversationsBetween('2026-11-24', '2026-11-24')).toBe(2);
  await store.close();
});

it('bounds the queue when the database stays away: the oldest are dropped, with a count in the log', async () => {
  const spied = spiedStore();
  const logger = recordingLogger();
  const store = new BufferedInsightsStore(spied.inner, logger, { flushMs: 60_000, maxQueued: 5 });
  for (let i = 0; i < 8; i++) await store.record(event(`c${i}`));
  expect(store.pending).toBe(5);
  expect(logger.lines.filter((l) => l.msg.includes('dropped')).reduce((a, l) => a + Number(l.fields?.dropped), 0)).toBe(3);
  await store.close();
  // The five newest were kept and written at shutdown.
  const reopened = new SqliteInsightsStore(spied.inner.file);
  expect(await reopened.conversationsBetween('2026-11-24', '2026-11-24')).toBe(5);
  expect(await reopened.eraseConversation('c7', 'x')).toMatchObject({ events: 1 });
  await reopened.close();
});

it('erasure reaches the events still queued while the database refuses them', async () => {
  const spied = spiedStore();
  const store = new BufferedInsightsStore(spied.inner, silentLogger, { flushMs: 60_000 });
  spied.refuse(true);
  await store.record(event('mine'));
  await store.record(event('other'));
  // The store's own erasure still works (only batches are refused here).
  expect(await store.eraseConversation('mine', 'erased')).toEqual({ events: 1, questions: 0 });
  spied.refuse(false);
  await store.flush();
  expect(await spied.inner.eraseConversation('mine', 'again')).toEqual({ events: 0, questions: 0 });
  expect(await spied.inner.conversationsBetween('2026-11-24', '2026-11-24')).toBe(2);
  await store.close();
});

it('writes what is queued when it closes, then refuses new events with a typed error', async () => {
  const { inner, batches } = spiedStore();
  const store = new BufferedInsightsStore(inner, silentLogger, { flushMs: 60_000 });
  await store.record(event('a'));
  await store.close();
  expect(batches).toEqual([1]);
  await expect(store.record(event('b'))).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  const reopened = new SqliteInsightsStore(inner.file);
  expect(await reopened.conversationsBetween('2026-11-24', '2026-11-24')).toBe(1);
  await reopened.close();
});
