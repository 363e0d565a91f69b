/**
 * A server for the benchmarks, in a child process of its own (forked by `kit.ts` with
 * `--expose-gc`): `bot` is the service as `startApp` assembles it, `echo` the baseline echo
 * bot, `echo-answer` the echo bot answering with a typical answer card. The configuration comes from the environment, the logs are silenced. It tells its
 * parent its port, and answers memory and CPU questions over IPC.
 *
 *   node --expose-gc dist/bench/serve.js bot|echo|echo-answer
 */
import * as fs from 'fs';
import { Session } from 'inspector';
import { performance } from 'perf_hooks';
import { loadConfig } from '../bot/config';
import { silentLogger } from '../bot/logger';
import { startApp } from '../bot/server';
import { startAnswerEchoApp, startEchoApp } from './echo';

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'bot' && mode !== 'echo' && mode !== 'echo-answer') throw new Error('usage: serve.js bot|echo|echo-answer');
  const config = loadConfig(process.env);
  const app = mode === 'echo' ? await startEchoApp(config) : mode === 'echo-answer' ? await startAnswerEchoApp(config) : await startApp(config, silentLogger);
  const gc = (globalThis as { gc?: () => void }).gc;
  const reply = (id: number, value: unknown) => process.send?.({ type: 'reply', id, value });
  let session: Session | undefined;
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  process.on('message', (m: { cmd: string; id: number; arg?: string }) => {
    if (m.cmd === 'memory') {
      gc?.();
      gc?.();
      const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      reply(m.id, { rss, heapUsed, heapTotal, external, arrayBuffers });
    } else if (m.cmd === 'usage') {
      const u = process.cpuUsage();
      reply(m.id, { cpuMs: (u.user + u.system) / 1000, mainBusyMs: performance.eventLoopUtilization().active });
    } else if (m.cmd === 'profile-start') {
      // A CPU profile of what follows (the benchmarks' BENCH_PROFILE).
      session = new Session();
      session.connect();
      post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
        .then(() => post('Profiler.start'))
        .then(() => reply(m.id, true), (err: Error) => reply(m.id, err.message));
    } else if (m.cmd === 'profile-stop') {
      post('Profiler.stop').then(
        (res: { profile: unknown }) => {
          fs.writeFileSync(m.arg!, JSON.stringify(res.profile));
          session?.disconnect();
          session = undefined;
          reply(m.id, m.arg);
        },
        (err: Error) => reply(m.id, err.message),
      );
    } else if (m.cmd === 'close') {
      app.close().finally(() => process.exit(0));
    }
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => {
    app.close().finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', port: app.port });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
