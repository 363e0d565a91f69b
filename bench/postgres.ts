/**
 * PostgreSQL: the HTTP benchmark (50 concurrent conversations posting to `/api/messages`,
 * replies to a Bot Connector stub) on two service processes sharing one PostgreSQL schema,
 * requests alternating between them as a round-robin balancer without affinity would send
 * them, against one service process on SQLite (the baseline, in the same run). Both are the
 * real service (`node dist/bot/index.js`, logs at error level only). The schema is dropped
 * at the end.
 *
 *   node --expose-gc dist/bench/postgres.js [--quick]
 */
import * as fs from 'fs';
import { BenchResult, latency, median, ratios, record, result } from './common';
import { BENCH_LIMITS, benchTexts, closedLoop, conversations, LoopRun, round, startReplyStub, tempDir, warmUp } from './kit';
import { freshSchema } from '../tests/helpers/pg';
import { ServiceProcess, startService } from '../tests/helpers/service-process';

const CONCURRENCY = 50;

/** CPU time (user + system, ms) a process has used, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at 100 ticks a second
  } catch {
    return NaN;
  }
}

interface RunFigures {
  turnsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  serviceCpuMsPerTurn: number;
  samples: number[];
}

async function measure(procs: ServiceProcess[], run: () => Promise<LoopRun>): Promise<RunFigures> {
  const cpu0 = procs.reduce((a, p) => a + cpuMs(p.proc.pid), 0);
  const r = await run();
  const cpu1 = procs.reduce((a, p) => a + cpuMs(p.proc.pid), 0);
  if (r.errors) process.stderr.write(`  ${r.errors} errors, e.g. ${r.errorSamples[0]}\n`);
  const l = latency(r.samples);
  return { turnsPerSecond: r.turns / r.seconds, p50: l.p50, p99: l.p99, errors: r.errors, serviceCpuMsPerTurn: (cpu1 - cpu0) / Math.max(1, r.turns), samples: r.samples };
}

function summarise(runs: RunFigures[], instances: number): Record<string, number> {
  const all = latency(runs.flatMap((r) => r.samples));
  return {
    instances,
    turnsPerSecond: round(median(runs.map((r) => r.turnsPerSecond)), 1),
    p50Ms: round(median(runs.map((r) => r.p50)), 2),
    p99Ms: round(median(runs.map((r) => r.p99)), 2),
    p99AllRunsMs: round(all.p99, 2),
    maxMs: round(all.max, 1),
    serviceCpuMsPerTurn: round(median(runs.map((r) => r.serviceCpuMsPerTurn)), 2),
    turns: all.count,
    errors: runs.reduce((a, r) => a + r.errors, 0),
    runs: runs.length,
  };
}

/** The PostgreSQL benchmark. */
export async function runPostgresBenchmarks(options: { quick?: boolean } = {}): Promise<BenchResult[]> {
  const quick = Boolean(options.quick);
  const repetitions = quick ? 1 : 3;
  const seconds = quick ? 3 : 8;
  const texts = benchTexts();
  const schema = await freshSchema('bench');
  const stub = await startReplyStub();
  const dirs = [tempDir('bench-pg-a-'), tempDir('bench-pg-b-'), tempDir('bench-pg-sqlite-')];
  const procs: ServiceProcess[] = [];
  try {
    // The load comes from one address: the per-visitor limits at their maximum, as in kit.serve.
    const env = { ...BENCH_LIMITS, LOG_LEVEL: 'error', DIRECT_LINE_SECRET: 'a-shared-direct-line-secret-for-the-benchmark' };
    // One after the other: the second finds the migrations applied.
    const a = await startService({ ...env, DATABASE_URL: schema.url, DATA_DIR: dirs[0]!.dir });
    procs.push(a);
    const b = await startService({ ...env, DATABASE_URL: schema.url, DATA_DIR: dirs[1]!.dir });
    procs.push(b);
    const single = await startService({ ...env, DATA_DIR: dirs[2]!.dir });
    procs.push(single);
    const setups = {
      postgres: { procs: [a, b], load: conversations([a.base, b.base], stub, texts, 'pg') },
      sqlite: { procs: [single], load: conversations([single.base], stub, texts, 'sq') },
    };
    // Warm-up (`warmUp`: every message, and enough requests for each process), then 2 s at 50.
    for (const s of [setups.sqlite, setups.postgres]) {
      await warmUp(s.load.turn, texts.length, s.procs.length);
      await closedLoop({ concurrency: CONCURRENCY, durationMs: 2000, turn: s.load.turn });
    }
    const runs: Record<'postgres' | 'sqlite', RunFigures[]> = { postgres: [], sqlite: [] };
    for (let rep = 0; rep < repetitions; rep++) {
      const order: Array<'postgres' | 'sqlite'> = rep % 2 ? ['postgres', 'sqlite'] : ['sqlite', 'postgres'];
      for (const name of order) {
        process.stderr.write(`postgres: run ${rep + 1}, ${name}\n`);
        const s = setups[name];
        runs[name].push(await measure(s.procs, () => closedLoop({ concurrency: CONCURRENCY, durationMs: seconds * 1000, turn: s.load.turn })));
      }
    }
    const ours = summarise(runs.postgres, 2);
    const base = summarise(runs.sqlite, 1);
    return [
      result({
        name: 'postgres-2-instances-c50',
        description: `Turns over HTTP as in http-turns-c50 (50 concurrent conversations of 5 turns, back to back, messages of the dev evaluation set, latency request → last reply at the stub) on two service processes sharing one PostgreSQL schema, requests alternating between them; baseline one service process on SQLite; medians of ${repetitions} runs of ${seconds} s after a warm-up. The two instances, PostgreSQL, the load generator and the stub share the machine's cores.`,
        figures: ours,
        baseline: { name: 'one service process on SQLite', figures: base },
        ratio: ratios(ours, base),
        targets: [{ what: 'no errors with two instances sharing PostgreSQL', met: ours.errors === 0 }],
      }),
    ];
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await stub.close();
    await schema.drop();
    for (const d of dirs) d.cleanup();
  }
}

if (require.main === module) {
  runPostgresBenchmarks({ quick: process.argv.includes('--quick') }).then(
    (results) => record(results, { quick: process.argv.includes('--quick') }),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
