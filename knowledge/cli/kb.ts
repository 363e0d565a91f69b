/**
 * The `kb` command: `npm run --silent kb -- <verb>`.
 *
 *   validate [dir]          exit 0 when valid, otherwise every problem as `file: field: message`
 *   list [dir]              one JSON line per entry: {id, kind, locales}
 *   rank                    JSONL in ({text, locale?}), one JSON line out per line
 *   eval FILE [--json]      the figures of the evaluation format, by kind and lang, and failures
 *   tune FILE [--write]     sets the decision thresholds from a development set
 *
 * `--content DIR` (or `KB_CONTENT_DIR`) reads another content folder than the shipped one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { stringify as toYaml } from 'yaml';
import { formatProblem } from '../errors';
import { loadKnowledge, readKnowledge } from '../load';
import { defaultContentDir } from '../paths';
import { CONTENT_LOCALES } from '../schema';
import { KnowledgeSearch } from '../search/engine';
import { EvalFigures, figures, figuresBy, judge, parseEvalSet } from '../evaluation';
import { tune, TARGETS } from '../tune';

const USAGE = `usage: kb <validate [dir] | list | rank | eval FILE [--json] | tune FILE [--write]> [--content DIR]`;

function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function figureLine(label: string, f: EvalFigures): string {
  const parts = [`${label.padEnd(12)} n=${String(f.questions).padStart(4)}`];
  if (f.inScope) parts.push(`resolved ${pct(f.resolved)}`, `top1 ${pct(f.top1)}`, `top3 ${pct(f.top3)}`);
  if (f.inScope || f.nullQuestions) parts.push(`confidently wrong ${pct(f.confidentlyWrong)}`);
  if (f.nullQuestions) parts.push(`declined ${pct(f.declined)}`);
  if (f.handoffQuestions) parts.push(`handoff recall ${pct(f.handoffRecall)}`);
  if (f.smalltalkQuestions) parts.push(`smalltalk recall ${pct(f.smalltalkRecall)}`);
  return parts.join('  ');
}

async function rank(engine: KnowledgeSearch): Promise<void> {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join(''));
    out.length = 0;
  };
  for await (const line of rl) {
    if (line.trim() === '') {
      // One output line per input line, even a blank one, to keep the order aligned.
      out.push(JSON.stringify({ text: '', decision: 'fallback', results: [] }) + '\n');
      continue;
    }
    let text = '';
    let locale: string | undefined;
    try {
      const q = JSON.parse(line) as { text?: unknown; locale?: unknown };
      text = typeof q.text === 'string' ? q.text : '';
      locale = typeof q.locale === 'string' ? q.locale : undefined;
      if (typeof q.text !== 'string') process.stderr.write(`kb rank: line without a "text" string, answered as fallback\n`);
    } catch {
      process.stderr.write(`kb rank: line is not JSON, answered as fallback\n`);
    }
    const o = engine.rank(text, locale);
    out.push(JSON.stringify({ text, decision: o.decision, results: o.results }) + '\n');
    if (out.length >= 200) flush();
  }
  flush();
}

function evaluate(engine: KnowledgeSearch, file: string, json: boolean): number {
  const questions = parseEvalSet(fs.readFileSync(file, 'utf8'));
  const pairs = questions.map((q) => ({ q, o: engine.rank(q.text, q.lang) }));
  const all = figures(pairs);
  const byKind = figuresBy(pairs, (q) => q.kind ?? '-');
  const byLang = figuresBy(pairs, (q) => q.lang ?? '-');
  const failures = pairs.flatMap(({ q, o }) => {
    const why = judge(q, o);
    return why ? [{ text: q.text, expect: q.expect, why }] : [];
  });
  if (json) {
    process.stdout.write(JSON.stringify({ overall: all, byKind: Object.fromEntries(byKind), byLang: Object.fromEntries(byLang), failures }) + '\n');
    return 0;
  }
  const lines: string[] = [];
  lines.push(`Failures (${failures.length}):`);
  for (const f of failures) lines.push(`  [${f.expect ?? 'null'}] ${JSON.stringify(f.text)} -> ${f.why}`);
  lines.push('', 'By kind:');
  for (const [k, f] of byKind) lines.push('  ' + figureLine(k, f));
  lines.push('', 'By language:');
  for (const [k, f] of byLang) lines.push('  ' + figureLine(k, f));
  lines.push('', 'Overall:', '  ' + figureLine('all', all));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const contentDir = path.resolve(takeOption(args, '--content') ?? process.env.KB_CONTENT_DIR ?? defaultContentDir());
  const [verb, ...rest] = args;
  switch (verb) {
    case 'validate': {
      const dir = path.resolve(rest[0] ?? contentDir);
      const result = readKnowledge(dir);
      if (result.ok) {
        process.stdout.write(`valid: ${result.kb.entries.length} entries, ${result.kb.services.size} services, ${result.kb.bodies.size} bodies, ${result.kb.communes.communes.length} communes\n`);
        return 0;
      }
      for (const p of result.problems) process.stdout.write(formatProblem(p) + '\n');
      process.stderr.write(`${result.problems.length} problem(s) in ${dir}\n`);
      return 1;
    }
    case 'list': {
      const kb = loadKnowledge(path.resolve(rest[0] ?? contentDir));
      for (const e of kb.entries) {
        const locales = CONTENT_LOCALES.filter((l) => e.text[l] !== undefined);
        process.stdout.write(JSON.stringify({ id: e.id, kind: e.kind, locales }) + '\n');
      }
      return 0;
    }
    case 'rank':
      await rank(new KnowledgeSearch(loadKnowledge(contentDir)));
      return 0;
    case 'eval': {
      if (!rest[0]) break;
      return evaluate(new KnowledgeSearch(loadKnowledge(contentDir)), rest[0], rest.includes('--json'));
    }
    case 'tune': {
      if (!rest[0]) break;
      const engine = new KnowledgeSearch(loadKnowledge(contentDir));
      const result = tune(engine, parseEvalSet(fs.readFileSync(rest[0], 'utf8')));
      const f = result.figures;
      process.stdout.write(
        `${JSON.stringify(result.config)}\n${figureLine('dev', f)}  clarify rate ${pct(result.clarifyRate)}\n` +
          (result.meetsTargets ? 'meets the targets\n' : `does NOT meet the targets ${JSON.stringify(TARGETS)}\n`),
      );
      if (rest.includes('--write')) {
        const doc = { ...result.config, tunedOn: `${path.basename(rest[0])} (${new Date().toISOString().slice(0, 10)})` };
        fs.writeFileSync(
          path.join(contentDir, 'decision.yaml'),
          `# Decision thresholds, written by \`npm run --silent kb -- tune tests/eval/dev.jsonl --write\`.\n# Do not tune by hand for particular questions.\n${toYaml(doc)}`,
        );
        process.stdout.write(`written to ${path.join(contentDir, 'decision.yaml')}\n`);
      }
      return 0;
    }
    default:
      break;
  }
  process.stderr.write(USAGE + '\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kb: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
