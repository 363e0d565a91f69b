/**
 * The `kb` command's contracts: `rank` answers one JSON line per input line and nothing
 * else; `list` gives every entry with its kind and locales.
 */
import * as path from 'path';
import { spawnSync } from 'child_process';
import { projectRoot } from '../../knowledge/paths';

const kbJs = path.join(projectRoot(), 'dist', 'knowledge', 'cli', 'kb.js');
const kb = (args: string[], input = '') => spawnSync(process.execPath, [kbJs, ...args], { input, encoding: 'utf8' });

it('rank: one JSON line out per line in, same order, scores in [0, 1], at most five results', () => {
  const lines = [
    { text: 'jai perdu ma cg' },
    { text: 'How do I renew my residence permit?', locale: 'en-US' },
    { text: 'bonjour' },
    { text: 'je veux parler a un conseiller' },
    { text: 'quel temps fait il' },
  ];
  const input = lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n\n';
  const r = kb(['rank'], input);
  expect(r.status).toBe(0);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(out).toHaveLength(lines.length + 2);
  out.slice(0, lines.length).forEach((o, i) => expect(o.text).toBe(lines[i]!.text));
  for (const o of out) {
    expect(['answer', 'clarify', 'fallback', 'handoff', 'smalltalk']).toContain(o.decision);
    expect(o.results.length).toBeLessThanOrEqual(5);
    for (const res of o.results) {
      expect(typeof res.id).toBe('string');
      expect(res.score).toBeGreaterThanOrEqual(0);
      expect(res.score).toBeLessThanOrEqual(1);
    }
  }
  expect(out[0].results[0].id).toBe('immatriculation-duplicata');
  expect(out[2].decision).toBe('smalltalk');
  expect(out[3].decision).toBe('handoff');
  expect(out[5]).toEqual({ text: '', decision: 'fallback', results: [] });
  expect(r.stderr).toMatch(/not JSON/);
});

it('list: every entry with its kind and its locales, French and English at least', () => {
  const r = kb(['list']);
  expect(r.status).toBe(0);
  const entries = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(entries.length).toBeGreaterThanOrEqual(57);
  for (const e of entries) {
    expect(Object.keys(e).sort()).toEqual(['id', 'kind', 'locales']);
    expect(['procedure', 'error', 'external']).toContain(e.kind);
    expect(e.locales).toEqual(expect.arrayContaining(['fr', 'en']));
  }
});

it('eval: prints the figures overall, by kind and by language, and the failures', () => {
  const r = kb(['eval', path.join(projectRoot(), 'tests', 'eval', 'dev.jsonl')]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/Failures \(\d+\):/);
  expect(r.stdout).toMatch(/By kind:\n {2}abbrev/);
  expect(r.stdout).toMatch(/By language:\n {2}ar/);
  expect(r.stdout).toMatch(/Overall:\n {2}all +n= *\d+ +resolved \d+\.\d%/);
});

it('refuses an unknown verb with the usage and exit code 2', () => {
  const r = kb(['frobnicate']);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/usage: kb/);
});
