/**
 * Insight events written in batches. Every answered question is an event: written one by
 * one, each was a transaction of its own (a commit to the SQLite file, a round trip to
 * PostgreSQL) on the turn's path, a tenth of a turn's CPU (issue 8). Events are queued
 * and written together, one transaction per batch, a moment later.
 *
 * What is kept: every read, erasure and purge writes the queue first, so indicators and
 * erasure see every event recorded before them. A batch that fails stays queued and is
 * tried again (the database may be back); past {@link MAX_QUEUED} events the oldest are
 * dropped, with a log line saying how many. Closing writes the queue. A crash of the
 * process loses the events of its last {@link FLUSH_MS} ms: statistics, never a person's
 * request (handoffs, transcripts and state are written at once, as before).
 */
import type { DayCount, InsightEvent, InsightsStore, UnansweredQuestion } from '../../storage/insights-store';
import { StorageError } from '../../storage/port';
import type { Logger } from '../logger';

/** How long an event waits in the queue at most before its batch is written, in ms. */
export const FLUSH_MS = 200;
/** Events written in one transaction at most (PostgreSQL takes 65,535 parameters, 7 per event). */
export const MAX_BATCH = 500;
/** Events kept while the database cannot be written; beyond, the oldest are dropped. */
export const MAX_QUEUED = 20_000;

/** After a batch failed, the next try waits this long, in ms (one log line per try). */
export const RETRY_MS = 5000;

/** Options of {@link BufferedInsightsStore}; tests shorten the delays. */
export interface BufferOptions {
  flushMs?: number;
  retryMs?: number;
  maxBatch?: number;
  maxQueued?: number;
}

/** An {@link InsightsStore} that queues events and writes them in batches to another one. */
export class BufferedInsightsStore implements InsightsStore {
  private queue: InsightEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private readonly flushMs: number;
  private readonly retryMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;

  constructor(
    private readonly inner: InsightsStore,
    private readonly logger: Logger,
    options: BufferOptions = {},
  ) {
    this.flushMs = options.flushMs ?? FLUSH_MS;
    this.retryMs = options.retryMs ?? RETRY_MS;
    this.maxBatch = options.maxBatch ?? MAX_BATCH;
    this.maxQueued = options.maxQueued ?? MAX_QUEUED;
  }

  /** Events waiting to be written. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues the event; it is written within {@link FLUSH_MS} ms. */
  async record(event: InsightEvent): Promise<void> {
    this.accept([event]);
  }

  async recordMany(events: readonly InsightEvent[]): Promise<void> {
    this.accept(events);
  }

  private accept(events: readonly InsightEvent[]): void {
    if (this.closed) throw new StorageError('STORAGE_UNAVAILABLE', 'the insights store is closed');
    this.queue.push(...events);
    if (this.queue.length > this.maxQueued) {
      const dropped = this.queue.length - this.maxQueued;
      this.queue.splice(0, dropped);
      this.logger.error('insight events dropped: the database has not accepted them for too long', { dropped, kept: this.maxQueued });
    }
    // A full batch is written at once, unless a write is under way: it takes the rest with it.
    if (this.queue.length >= this.maxBatch && !this.writing) void this.flush();
    else this.schedule();
  }

  private schedule(delayMs = this.flushMs): void {
    if (this.timer || this.queue.length === 0 || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    // Queued statistics must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  /**
   * Writes what is queued, batch by batch; resolves when the queue is written or a batch
   * failed (logged; the events stay queued and are tried again later). Never rejects.
   */
  flush(): Promise<void> {
    // One writer at a time: a flush asked during a write waits for it, then writes the rest.
    const run = (this.writing ?? Promise.resolve()).then(() => this.writeQueued());
    this.writing = run;
    void run.then(() => {
      if (this.writing === run) this.writing = undefined;
    });
    return run;
  }

  private async writeQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.maxBatch);
      try {
        await this.inner.recordMany(batch);
      } catch (err) {
        this.logger.error('insight events not written yet, kept to try again', { err, events: batch.length, queued: this.queue.length, retryInMs: this.retryMs });
        this.schedule(this.retryMs);
        return;
      }
      // Events queued meanwhile went to the end: the batch written is still at the start.
      this.queue.splice(0, batch.length);
    }
  }

  addUnanswered(question: UnansweredQuestion): Promise<void> {
    return this.inner.addUnanswered(question);
  }

  async dailyCounts(fromDay: string, toDay: string): Promise<DayCount[]> {
    await this.flush();
    return this.inner.dailyCounts(fromDay, toDay);
  }

  async conversationsPerDay(fromDay: string, toDay: string): Promise<Array<{ day: string; count: number }>> {
    await this.flush();
    return this.inner.conversationsPerDay(fromDay, toDay);
  }

  async conversationsBetween(fromDay: string, toDay: string): Promise<number> {
    await this.flush();
    return this.inner.conversationsBetween(fromDay, toDay);
  }

  frequentUnanswered(fromDay: string, toDay: string, limit: number): Promise<Array<{ key: string; text: string; count: number }>> {
    return this.inner.frequentUnanswered(fromDay, toDay, limit);
  }

  unanswered(limit: number): Promise<UnansweredQuestion[]> {
    return this.inner.unanswered(limit);
  }

  openUnanswered(limit: number): Promise<Array<UnansweredQuestion & { id: number }>> {
    return this.inner.openUnanswered(limit);
  }

  markUnanswered(ids: number[], status: 'handled' | 'dismissed'): Promise<number> {
    return this.inner.markUnanswered(ids, status);
  }

  purgeUnansweredBefore(beforeDay: string): Promise<number> {
    return this.inner.purgeUnansweredBefore(beforeDay);
  }

  /** Erasure must reach the conversation's events still queued: the queue is written first. */
  async eraseConversation(conversation: string, replacement: string): Promise<{ events: number; questions: number }> {
    await this.flush();
    // Events the database has not taken yet are unlinked here, as the store does with its own.
    let unlinked = 0;
    this.queue = this.queue.map((e) => (e.conversation === conversation ? (unlinked++, { ...e, conversation: replacement }) : e));
    const erased = await this.inner.eraseConversation(conversation, replacement);
    return { ...erased, events: erased.events + unlinked };
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }

  /** Writes the queue (what the database takes), then closes the store. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.closed) {
      this.closed = true;
      await this.flush();
      if (this.queue.length > 0) this.logger.error('insight events lost at shutdown: the database did not take them', { events: this.queue.length });
      this.queue = [];
    }
    await this.inner.close();
  }
}
