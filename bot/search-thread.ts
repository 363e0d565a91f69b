/**
 * Ranking on a thread of its own (`worker_threads`). In the service, a message's search ran
 * between the plumbing of fifty other turns, with its code and data no longer in the
 * processor's caches: about 75 µs a turn on the main thread where the same search takes
 * 21–26 µs in a loop. On its own thread it stays warm and the main thread only posts the text
 * and reads the outcome (issue 8: 0.654 → 0.838 of the echo bot's throughput side by side).
 *
 * The thread builds its own base from the content files the main thread serves, and is sent
 * each new version when the content changes. A message is ranked there only when the thread
 * holds the very base the turn uses; otherwise (the thread starting, a new version not yet
 * built, the thread gone or late) it is ranked in place, on the main thread, with the same
 * outcome. The thread is restarted after a failure.
 */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ContentFiles } from '../knowledge/load';
import { projectRoot } from '../knowledge/paths';
import type { KnowledgeSource, RankOutcome } from '../knowledge/search/types';
import type { Ranking } from '../dialogs/ranking-port';
import type { Logger } from './logger';

/** Messages to the thread. */
export type ToSearchThread =
  | { type: 'load'; version: number; files: ContentFiles }
  | { type: 'rank'; id: number; version: number; text: string; locale?: string };

/** Messages from the thread. */
export type FromSearchThread =
  | { type: 'loaded'; version: number }
  | { type: 'loadFailed'; version: number; problems: number }
  | { type: 'ranked'; id: number; outcome?: RankOutcome; error?: string };

/** Options of {@link SearchThread}. */
export interface SearchThreadOptions {
  /** How long a ranking may wait for the thread before it is done in place (ms). */
  timeoutMs?: number;
  /**
   * How long after a failure the thread is started again (ms); doubled after each start that
   * failed before building a base, up to a minute.
   */
  restartDelayMs?: number;
  /** The worker's script (tests); the compiled `search-thread-worker.js` by default. */
  workerFile?: string;
  /** Told where each message was ranked (the service counts it in its metrics). */
  onRanked?: (where: 'thread' | 'main') => void;
  /**
   * Whether other turns are being handled. A message is sent to the thread only then: alone,
   * the main thread has nothing else to do meanwhile, and the trip there and back (two
   * thread wake-ups) would only add to the person's wait. Always busy by default.
   */
  busy?: () => boolean;
}

interface Pending {
  resolve: (outcome: RankOutcome | Promise<RankOutcome>) => void;
  timer: NodeJS.Timeout;
  search: KnowledgeSource;
  text: string;
  locale?: string;
}

/** The longest wait before starting a failed thread again (ms). */
const MAX_RESTART_DELAY_MS = 60_000;

/** The compiled worker script: next to this file in `dist/`, or in `dist/` when run from sources (tests). */
function defaultWorkerFile(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, 'search-thread-worker.js');
  return path.join(projectRoot(__dirname), 'dist', 'bot', 'search-thread-worker.js');
}

/** A search thread and the {@link Ranking} that uses it. */
export class SearchThread {
  private worker: Worker | undefined;
  private served: { search: KnowledgeSource; files: ContentFiles; version: number } | undefined;
  /** The base the thread holds, once it said so. */
  private ready: { search: KnowledgeSource; version: number } | undefined;
  private version = 0;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private restartTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly restartDelayMs: number;
  /** The delay before the next start: back to `restartDelayMs` once a base is built. */
  private nextRestartMs: number;
  private readonly workerFile: string;
  private readonly onRanked: (where: 'thread' | 'main') => void;
  private readonly busy: () => boolean;

  constructor(private readonly logger: Logger, options: SearchThreadOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.restartDelayMs = options.restartDelayMs ?? 1000;
    this.nextRestartMs = this.restartDelayMs;
    this.workerFile = options.workerFile ?? defaultWorkerFile();
    this.onRanked = options.onRanked ?? (() => undefined);
    this.busy = options.busy ?? (() => true);
  }

  /** The ranking the orientation dialog uses. */
  readonly rank: Ranking = (search, text, locale) => {
    const worker = this.worker;
    const ready = this.ready;
    if (!worker || !ready || ready.search !== search || !this.busy()) return this.inPlace(search, text, locale);
    const id = ++this.nextId;
    return new Promise<RankOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.logger.warn('search thread late: message ranked on the main thread', { timeoutMs: this.timeoutMs });
        resolve(this.inPlace(search, text, locale));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer, search, text, locale });
      worker.postMessage({ type: 'rank', id, version: ready.version, text, locale } satisfies ToSearchThread);
    });
  };

  /** Serves a base (built from `files`, ranked by `search` in place): sent to the thread, started if need be. */
  serve(search: KnowledgeSource, files: ContentFiles): void {
    if (this.closed) return;
    this.served = { search, files, version: ++this.version };
    if (!this.worker) this.start();
    else this.send();
  }

  /** Stops the thread; rankings waiting for it are done in place. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.settleInPlace();
    await worker?.terminate();
  }

  private inPlace(search: KnowledgeSource, text: string, locale?: string): Promise<RankOutcome> {
    this.onRanked('main');
    try {
      return Promise.resolve(search.rank(text, locale));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private start(): void {
    const worker = new Worker(this.workerFile);
    // The service's shutdown stops it; it must not keep a process alive by itself.
    worker.unref();
    this.worker = worker;
    worker.on('message', (message: FromSearchThread) => this.received(message));
    worker.on('error', (err) => this.logger.error('search thread failed', { err }));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.ready = undefined;
      this.settleInPlace();
      if (this.closed) return;
      const delay = this.nextRestartMs;
      // A thread that keeps failing (its script missing, say) is not started every second.
      this.nextRestartMs = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
      this.logger.error('search thread stopped: messages are ranked on the main thread until it is back', { code, restartInMs: delay });
      this.restartTimer = setTimeout(() => {
        if (!this.closed && !this.worker && this.served) this.start();
      }, delay);
      this.restartTimer.unref();
    });
    this.send();
  }

  private send(): void {
    if (!this.worker || !this.served) return;
    this.worker.postMessage({ type: 'load', version: this.served.version, files: this.served.files } satisfies ToSearchThread);
  }

  private received(message: FromSearchThread): void {
    if (message.type === 'loaded') {
      if (this.served?.version === message.version) this.ready = { search: this.served.search, version: message.version };
      this.nextRestartMs = this.restartDelayMs;
      return;
    }
    if (message.type === 'loadFailed') {
      this.logger.error('search thread could not build the base served: messages are ranked on the main thread', { version: message.version, problems: message.problems });
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.outcome) {
      this.onRanked('thread');
      pending.resolve(message.outcome);
      return;
    }
    // A base swapped while the message was on its way is expected; anything else is a fault.
    if (message.error !== 'version') this.logger.error('search thread could not rank a message: ranked on the main thread', { error: message.error });
    pending.resolve(this.inPlace(pending.search, pending.text, pending.locale));
  }

  private settleInPlace(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.resolve(this.inPlace(p.search, p.text, p.locale));
    }
  }
}
