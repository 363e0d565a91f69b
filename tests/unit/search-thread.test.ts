/**
 * Ranking on a thread of its own: the same outcomes as in place, never from another base
 * than the turn's, and in place whenever the thread is not ready, gone or late.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir } from '../../knowledge/paths';
import { KnowledgeSearch } from '../../knowledge/search/engine';
import type { KnowledgeSource } from '../../knowledge/search/types';
import type { Logger } from '../../bot/logger';
import { SearchThread } from '../../bot/search-thread';
import { tempDir } from '../helpers/bot-harness';

const devMessages = fs
  .readFileSync(path.join(__dirname, '..', 'eval', 'dev.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);

function recordingLogger(): Logger & { lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Where each thread ranked its messages, as its `onRanked` told. */
const tallies = new WeakMap<SearchThread, { inThread: number; inPlace: number }>();
const counted = (thread: SearchThread): { inThread: number; inPlace: number } => ({ ...tallies.get(thread)! });

/** Ranks until one message is ranked on the thread (it builds its base first). */
async function untilOnThread(thread: SearchThread, search: KnowledgeSource, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = counted(thread).inThread;
    await thread.rank(search, 'carte grise perdue', 'fr-FR');
    if (counted(thread).inThread > before) return;
    if (Date.now() > deadline) throw new Error('the search thread never ranked a message');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('search thread', () => {
  const threads: SearchThread[] = [];
  const started = (logger: Logger, options = {}): SearchThread => {
    const tally = { inThread: 0, inPlace: 0 };
    const t = new SearchThread(logger, { ...options, onRanked: (where) => void (where === 'thread' ? tally.inThread++ : tally.inPlace++) });
    tallies.set(t, tally);
    threads.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(threads.splice(0).map((t) => t.close()));
  });

  it('ranks every message of the evaluation set on the thread, with the outcome of the main thread', async () => {
    const live = new LiveKnowledge(defaultContentDir());
    const thread = started(recordingLogger());
    thread.serve(live.served().search, live.served().files);
    await untilOnThread(thread, live.current().search);
    const before = { ...counted(thread) };
    const messages = devMessages.slice(0, 150);
    for (const locale of ['fr-FR', 'en-US', undefined]) {
      const outcomes = await Promise.all(messages.map((m) => thread.rank(live.current().search, m, locale)));
      expect(outcomes).toEqual(messages.map((m) => live.current().search.rank(m, locale)));
    }
    expect(counted(thread).inThread - before.inThread).toBe(messages.length * 3);
    expect(counted(thread).inPlace).toBe(before.inPlace);
  }, 60_000);

  it('ranks in place until the thread holds the base, and for any other base', async () => {
    const live = new LiveKnowledge(defaultContentDir());
    const thread = started(recordingLogger());
    const search = live.current().search;
    // Nothing served yet, then served but not built: in place, same outcome.
    expect(await thread.rank(search, 'titre de séjour étudiant', 'fr-FR')).toEqual(search.rank('titre de séjour étudiant', 'fr-FR'));
    thread.serve(search, live.served().files);
    expect(await thread.rank(search, 'permis de conduire', 'fr-FR')).toEqual(search.rank('permis de conduire', 'fr-FR'));
    expect(counted(thread)).toEqual({ inThread: 0, inPlace: 2 });
    await untilOnThread(thread, search);
    // Another engine (another base, or the editor's draft): never ranked by the thread's base.
    const other = new KnowledgeSearch(live.current().kb);
    const inPlace = counted(thread).inPlace;
    await thread.rank(other, 'naturalisation', 'fr-FR');
    expect(counted(thread).inPlace).toBe(inPlace + 1);
  }, 60_000);

  it('follows the base served: a word added to the content is found on the thread once the new base is built', async () => {
    const t = tempDir('kb-thread-');
    fs.cpSync(defaultContentDir(), t.dir, { recursive: true });
    try {
      const live = new LiveKnowledge(t.dir);
      const thread = started(recordingLogger());
      thread.serve(live.served().search, live.served().files);
      live.onSwap((served) => thread.serve(served.search, served.files));
      await untilOnThread(thread, live.current().search);
      const word = 'zorglubification';
      const oldSearch = live.current().search;
      expect((await thread.rank(oldSearch, `${word} ${word}`)).results.map((r) => r.id)).not.toContain('medaille-travail');
      const file = path.join(t.dir, 'procedures', 'medaille-travail.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^terms:\n  fr:\n/m, `terms:\n  fr:\n    - ${word}\n`));
      expect(live.reload().ok).toBe(true);
      const newSearch = live.current().search;
      // A turn still on the old base gets the old base's outcome, wherever it is ranked.
      expect(await thread.rank(oldSearch, `${word} ${word}`)).toEqual(oldSearch.rank(`${word} ${word}`));
      await untilOnThread(thread, newSearch);
      const before = counted(thread).inThread;
      expect((await thread.rank(newSearch, `${word} ${word}`)).results[0]?.id).toBe('medaille-travail');
      expect(counted(thread).inThread).toBe(before + 1);
    } finally {
      t.cleanup();
    }
  }, 60_000);

  it('ranks in place while the thread is gone, says so in the log, and starts it again', async () => {
    const live = new LiveKnowledge(defaultContentDir());
    const logger = recordingLogger();
    const thread = started(logger, { restartDelayMs: 50 });
    const search = live.current().search;
    thread.serve(search, live.served().files);
    await untilOnThread(thread, search);
    // Messages on their way when it stops are ranked in place.
    const waiting = Promise.all(['carte grise', 'passeport', 'naturalisation'].map((m) => thread.rank(search, m, 'fr-FR')));
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    expect(await waiting).toEqual(['carte grise', 'passeport', 'naturalisation'].map((m) => search.rank(m, 'fr-FR')));
    expect(logger.lines.some((l) => l.level === 'error' && /search thread stopped/.test(l.msg))).toBe(true);
    const inPlace = counted(thread).inPlace;
    expect(await thread.rank(search, 'permis de conduire', 'fr-FR')).toEqual(search.rank('permis de conduire', 'fr-FR'));
    expect(counted(thread).inPlace).toBe(inPlace + 1);
    // Back after the restart delay, with the base served.
    await untilOnThread(thread, search);
  }, 60_000);

  /** A thread running `source` as its script, serving the shipped base. */
  async function withScript(source: string, options: object, check: (thread: SearchThread, search: KnowledgeSource, logger: ReturnType<typeof recordingLogger>) => Promise<void>): Promise<void> {
    const t = tempDir('kb-thread-script-');
    try {
      const script = path.join(t.dir, 'worker.js');
      fs.writeFileSync(script, source);
      const live = new LiveKnowledge(defaultContentDir());
      const logger = recordingLogger();
      const thread = started(logger, { ...options, workerFile: script });
      thread.serve(live.current().search, live.served().files);
      await check(thread, live.current().search, logger);
    } finally {
      t.cleanup();
    }
  }

  it('ranks in place a message the thread does not answer in time, with a warning', async () => {
    // A thread that builds nothing and never answers: says it loaded, then stays silent.
    const silent = "const { parentPort } = require('worker_threads');\nparentPort.on('message', (m) => { if (m.type === 'load') parentPort.postMessage({ type: 'loaded', version: m.version }); });\n";
    await withScript(silent, { timeoutMs: 100 }, async (thread, search, logger) => {
      await new Promise((r) => setTimeout(r, 300));
      expect(await thread.rank(search, 'carte grise perdue', 'fr-FR')).toEqual(search.rank('carte grise perdue', 'fr-FR'));
      expect(counted(thread)).toEqual({ inThread: 0, inPlace: 1 });
      expect(logger.lines.some((l) => l.level === 'warn' && /search thread late/.test(l.msg))).toBe(true);
    });
  }, 30_000);

  it('a thread that keeps failing is started again less and less often, messages ranked in place meanwhile', async () => {
    await withScript('process.exit(3);\n', { restartDelayMs: 20 }, async (thread, search, logger) => {
      await new Promise((r) => setTimeout(r, 700));
      const delays = logger.lines.filter((l) => /search thread stopped/.test(l.msg)).map((l) => l.fields?.restartInMs);
      expect(delays.length).toBeGreaterThanOrEqual(3);
      expect(delays.slice(0, 4)).toEqual([20, 40, 80, 160].slice(0, Math.min(4, delays.length)));
      expect(await thread.rank(search, 'carte grise perdue', 'fr-FR')).toEqual(search.rank('carte grise perdue', 'fr-FR'));
      expect(counted(thread).inThread).toBe(0);
    });
  }, 30_000);

  it('ranks in place when no other turn is being handled, on the thread when others are', async () => {
    const live = new LiveKnowledge(defaultContentDir());
    let others = true;
    const thread = started(recordingLogger(), { busy: () => others });
    const search = live.current().search;
    thread.serve(search, live.served().files);
    await untilOnThread(thread, search);
    const before = { ...counted(thread) };
    others = false;
    expect(await thread.rank(search, 'titre de séjour étudiant', 'fr-FR')).toEqual(search.rank('titre de séjour étudiant', 'fr-FR'));
    expect(counted(thread)).toEqual({ inThread: before.inThread, inPlace: before.inPlace + 1 });
    others = true;
    expect(await thread.rank(search, 'titre de séjour étudiant', 'fr-FR')).toEqual(search.rank('titre de séjour étudiant', 'fr-FR'));
    expect(counted(thread)).toEqual({ inThread: before.inThread + 1, inPlace: before.inPlace + 1 });
  }, 60_000);

  it('once closed, ranks in place and is not started again by a new base', async () => {
    const live = new LiveKnowledge(defaultContentDir());
    const thread = started(recordingLogger());
    const search = live.current().search;
    thread.serve(search, live.served().files);
    await untilOnThread(thread, search);
    await thread.close();
    thread.serve(search, live.served().files);
    const inPlace = counted(thread).inPlace;
    expect(await thread.rank(search, 'carte grise perdue', 'fr-FR')).toEqual(search.rank('carte grise perdue', 'fr-FR'));
    expect(counted(thread).inPlace).toBe(inPlace + 1);
    expect((thread as unknown as { worker?: unknown }).worker).toBeUndefined();
  }, 60_000);
});
