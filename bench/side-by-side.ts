/**
 * Two builds of the service measured at the same time, to tell what a change did: two full
 * runs minutes apart can differ by more than a change does, a machine's slow minute hits
 * servers running side by side alike. Starts the echo bot and each build's bot (each from
 * its own `dist/`, with its own SQLite folder), warms them up, then runs each in turn, for
 * `rounds` rounds of `seconds` at `conversations` concurrent conversations, and prints, per
 * server, the medians of turns per second, server CPU and main-thread time a turn, and per
 * build the median of each round's ratio to the echo bot.
 *
 *   node --expose-gc dist/bench/side-by-side.js [rounds=8] [seconds=3] [conversations=50] before=/path/to/other/dist [after=dist]
 *
 * The other build: `git worktree add /tmp/before <rev>`, then in it link `node_modules`,
 * `npx tsc -p tsconfig.build.json && node dist/knowledge/longtail/build-index.js && npx tsc -p tsconfig.bench.json`.
 */
import * as path from 'path';
import { median } from './common';
import { benchTexts, closedLoop, conversations, Served, startReplyStub, tempDir, warmUp } from './kit';

interface Server {
  label: string;
  served: Served;
  turn: (worker: number) => Promise<number>;
  runs: Array<{ turnsPerSecond: number; cpuMsPerTurn: number; mainMsPerTurn: number }>;
}

/** The `kit` of another build: its `serve` starts that build's server. */
function kitOf(dist: string): typeof import('./kit') {
  return require(path.resolve(dist, 'bench', 'kit.js')) as typeof import('./kit');
}

async function main(): Promise<void> {
  const numbers = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
  const [rounds = 8, seconds = 3, concurrency = 50] = numbers;
  const builds = process.argv
    .slice(2)
    .filter((a) => a.includes('='))
    .map((a) => ({ label: a.slice(0, a.indexOf('=')), dist: a.slice(a.indexOf('=') + 1) }));
  if (builds.length === 0) throw new Error('usage: side-by-side.js [rounds] [seconds] [conversations] label=dist ...');
  const texts = benchTexts();
  const stub = await startReplyStub();
  const servers: Server[] = [];
  const folders: Array<{ cleanup(): void }> = [];
  try {
    const start = async (label: string, kit: typeof import('./kit'), mode: 'bot' | 'echo') => {
      const data = tempDir(`bench-sbs-${label}-`);
      folders.push(data);
      const served = await kit.serve(mode, { DATA_DIR: data.dir });
      servers.push({ label, served, turn: conversations([served.base], stub, texts, `sbs-${label}`).turn, runs: [] });
    };
    await start('echo', kitOf(path.join(__dirname, '..')), 'echo');
    for (const b of builds) await start(b.label, kitOf(b.dist), 'bot');
    // As the full benchmark does: past one-off costs, then a few seconds at this level.
    for (const s of servers) {
      await warmUp(s.turn, texts.length);
      await closedLoop({ concurrency, durationMs: 3000, turn: s.turn });
    }
    for (let r = 0; r < rounds; r++) {
      for (const s of r % 2 ? [...servers].reverse() : servers) {
        const before = await s.served.usage();
        const run = await closedLoop({ concurrency, durationMs: seconds * 1000, turn: s.turn });
        const after = await s.served.usage();
        s.runs.push({ turnsPerSecond: run.turns / run.seconds, cpuMsPerTurn: (after.cpuMs - before.cpuMs) / run.turns, mainMsPerTurn: (after.mainBusyMs - before.mainBusyMs) / run.turns });
      }
      process.stderr.write(`round ${r + 1}/${rounds}: ${servers.map((s) => `${s.label} ${Math.round(s.runs[r]!.turnsPerSecond)}`).join(', ')} turns/s\n`);
    }
    const fixed = (x: number, d: number) => x.toFixed(d);
    for (const s of servers) {
      console.log(`${s.label.padEnd(12)} ${fixed(median(s.runs.map((x) => x.turnsPerSecond)), 0)} turns/s, server CPU ${fixed(median(s.runs.map((x) => x.cpuMsPerTurn)), 3)} ms a turn, main thread ${fixed(median(s.runs.map((x) => x.mainMsPerTurn)), 3)} ms a turn`);
    }
    const echo = servers[0]!;
    for (const s of servers.slice(1)) {
      console.log(`${s.label.padEnd(12)} ${fixed(median(s.runs.map((x, i) => x.turnsPerSecond / echo.runs[i]!.turnsPerSecond)), 3)} of the echo bot's throughput (median of ${rounds} rounds)`);
    }
  } finally {
    for (const s of servers) await s.served.close();
    await stub.close();
    for (const f of folders) f.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
