/**
 * Runs every benchmark in order — search, HTTP turns, the website channel (Direct Line on
 * WebSockets), the handoff relay, PostgreSQL — records each in `bench/results.json` as it
 * completes, and prints a table of the whole run at the end.
 *
 *   npm run bench                                   # everything (about 10 minutes on 2 cores)
 *   node --expose-gc dist/bench/run.js --quick      # fewer repetitions: a look, not the record
 *   node --expose-gc dist/bench/run.js --only=http,handoff
 */
import * as os from 'os';
import { BenchResult, record } from './common';
import { runSearchBenchmarks } from './search';
import { runHttpBenchmarks } from './http';
import { runDirectLineBenchmarks } from './directline';
import { runHandoffBenchmarks } from './handoff';
import { runPostgresBenchmarks } from './postgres';

const BENCHMARKS: Array<{ name: string; run: (options: { quick?: boolean }) => Promise<BenchResult[]> }> = [
  { name: 'search', run: runSearchBenchmarks },
  { name: 'http', run: runHttpBenchmarks },
  { name: 'directline', run: runDirectLineBenchmarks },
  { name: 'handoff', run: runHandoffBenchmarks },
  { name: 'postgres', run: runPostgresBenchmarks },
];

const fmt = (v: number | string | undefined): string => (v === undefined ? '' : typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v);

/** The whole run as a table: one line per figure, ours beside the baseline's, then the targets. */
export function table(results: BenchResult[], failures: string[], started: Date, minutes: number): string {
  const lines: string[] = [];
  lines.push('');
  lines.push(`Benchmarks of ${started.toISOString()} — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${minutes.toFixed(1)} min`);
  const w = { name: 34, figure: 30, value: 14 };
  lines.push(`${'benchmark'.padEnd(w.name)}${'figure'.padEnd(w.figure)}${'ours'.padStart(w.value)}${'baseline'.padStart(w.value)}${'ratio'.padStart(w.value)}`);
  lines.push('-'.repeat(w.name + w.figure + 3 * w.value));
  for (const r of results) {
    const keys = [...new Set([...Object.keys(r.figures), ...Object.keys(r.baseline?.figures ?? {})])];
    keys.forEach((k, i) => {
      lines.push(
        `${(i === 0 ? r.name : '').padEnd(w.name)}${k.padEnd(w.figure)}${fmt(r.figures[k]).padStart(w.value)}${fmt(r.baseline?.figures[k]).padStart(w.value)}${fmt(r.ratio?.[k]).padStart(w.value)}`,
      );
    });
    const extra = Object.entries(r.ratio ?? {}).filter(([k]) => !keys.includes(k));
    for (const [k, v] of extra) lines.push(`${''.padEnd(w.name)}${k.padEnd(w.figure)}${''.padStart(2 * w.value)}${fmt(v).padStart(w.value)}`);
    if (r.baseline) lines.push(`${''.padEnd(w.name)}baseline: ${r.baseline.name}`);
    lines.push('');
  }
  const targets = results.flatMap((r) => (r.targets ?? []).map((t) => ({ ...t, name: r.name })));
  if (targets.length) {
    lines.push('Targets');
    for (const t of targets) lines.push(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.name.padEnd(w.name)}${t.what}`);
  }
  for (const f of failures) lines.push(`FAILED  ${f}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  if (!(globalThis as { gc?: unknown }).gc) process.stderr.write('note: run with node --expose-gc for the memory figures of the search benchmark\n');
  const started = new Date();
  const all: BenchResult[] = [];
  const failures: string[] = [];
  for (const b of BENCHMARKS) {
    if (only && !only.includes(b.name)) continue;
    const t0 = Date.now();
    process.stderr.write(`\n== ${b.name}${quick ? ' (quick)' : ''}\n`);
    try {
      const results = await b.run({ quick });
      record(results, { quick });
      all.push(...results);
      process.stderr.write(`== ${b.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    } catch (err) {
      failures.push(`${b.name}: ${err instanceof Error ? err.message : String(err)}`);
      process.stderr.write(`== ${b.name} FAILED: ${err instanceof Error ? err.stack : String(err)}\n`);
    }
  }
  process.stdout.write(table(all, failures, started, (Date.now() - started.getTime()) / 60000));
  if (failures.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
