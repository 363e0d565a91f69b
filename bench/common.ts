/**
 * What every benchmark shares: warm-up and repetitions, medians and p99 (never a single
 * run), the baseline measured in the same run, and one object per benchmark in
 * `bench/results.json` with the machine's core count and Node version.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Latency figures in milliseconds. */
export interface Latency {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** The percentile of sorted samples (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Figures of a list of durations (ms). */
export function latency(samples: readonly number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { count: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)), max: round(s[s.length - 1] ?? NaN) };
}

/** The median of several runs' values. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Times `fn` once, in milliseconds (high resolution). */
export async function timeOnce(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** One benchmark's result: its figures, the baseline's in the same run, their ratio. */
export interface BenchResult {
  name: string;
  /** What is measured, in a sentence. */
  description: string;
  figures: Record<string, number | string>;
  baseline?: { name: string; figures: Record<string, number | string> };
  /** figure name → ours / baseline's (below 1 is faster for latencies). */
  ratio?: Record<string, number>;
  /** Another point of comparison measured in the same run, with ours / its ratios (not a target's baseline). */
  reference?: { name: string; figures: Record<string, number | string>; ratio: Record<string, number> };
  /** Targets of the issue and whether they are met. */
  targets?: Array<{ what: string; met: boolean }>;
  cores: number;
  node: string;
  date: string;
}

/** Fills in the machine's facts. */
export function result(r: Omit<BenchResult, 'cores' | 'node' | 'date'>): BenchResult {
  return { ...r, cores: os.cpus().length, node: process.version, date: new Date().toISOString() };
}

/** Ratios of shared numeric figures. */
export function ratios(ours: Record<string, number | string>, base: Record<string, number | string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(ours)) {
    const b = base[k];
    if (typeof v === 'number' && typeof b === 'number' && b !== 0) out[k] = Math.round((v / b) * 1000) / 1000;
  }
  return out;
}

/**
 * Writes `bench/results.json` (merging with other benchmarks of the same run) and prints a
 * table. A quick run writes `bench/results-quick.json` instead (not kept in git): its fewer
 * repetitions must not replace the figures the README reports.
 */
export function record(results: BenchResult[], options: { quick?: boolean } = {}): void {
  const file = path.join(__dirname, '..', '..', 'bench', options.quick ? 'results-quick.json' : 'results.json');
  let all: BenchResult[] = [];
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult[];
  } catch {
    all = [];
  }
  const names = new Set(results.map((r) => r.name));
  all = [...all.filter((r) => !names.has(r.name)), ...results];
  fs.writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  for (const r of results) {
    const line = Object.entries(r.figures).map(([k, v]) => `${k}=${v}`).join('  ');
    const base = r.baseline ? `  | ${r.baseline.name}: ${Object.entries(r.baseline.figures).map(([k, v]) => `${k}=${v}`).join('  ')}` : '';
    const ratio = r.ratio ? `  | ratio ${Object.entries(r.ratio).map(([k, v]) => `${k}=${v}`).join('  ')}` : '';
    const reference = r.reference ? `  | ${r.reference.name}: ${Object.entries(r.reference.figures).map(([k, v]) => `${k}=${v}`).join('  ')}  | ratio to it ${Object.entries(r.reference.ratio).map(([k, v]) => `${k}=${v}`).join('  ')}` : '';
    const targets = r.targets?.length ? `  | targets: ${r.targets.map((t) => `${t.met ? 'met' : 'MISSED'}: ${t.what}`).join('; ')}` : '';
    process.stdout.write(`${r.name.padEnd(36)} ${line}${base}${ratio}${reference}${targets}\n`);
  }
}
