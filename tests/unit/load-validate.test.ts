/**
 * The validator on broken content: each problem is reported as `file: field: message`,
 * all of them at once, and a broken base is never loaded.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { loadKnowledge, readKnowledge } from '../../knowledge/load';
import { defaultContentDir, projectRoot } from '../../knowledge/paths';
import { formatProblem, KnowledgeValidationError } from '../../knowledge/errors';
import { tempDir } from '../helpers/bot-harness';

function brokenCopy(edits: Record<string, (src: string) => string | null>): { dir: string; cleanup: () => void } {
  const t = tempDir('kb-');
  fs.cpSync(defaultContentDir(), t.dir, { recursive: true });
  for (const [rel, edit] of Object.entries(edits)) {
    const file = path.join(t.dir, rel);
    const out = edit(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    if (out === null) fs.rmSync(file);
    else fs.writeFileSync(file, out);
  }
  return t;
}

function problemsOf(dir: string): string[] {
  const r = readKnowledge(dir);
  if (r.ok) return [];
  return r.problems.map(formatProblem);
}

it('the shipped content is valid', () => {
  expect(problemsOf(defaultContentDir())).toEqual([]);
});

describe('each kind of mistake is reported at its field', () => {
  const cases: Array<[string, Record<string, (s: string) => string | null>, RegExp]> = [
    ['a YAML syntax error', { 'procedures/immatriculation-duplicata.yaml': (s) => s.replace('kind: procedure', 'kind: [procedure') }, /^procedures\/immatriculation-duplicata\.yaml: -: invalid YAML/],
    ['a missing French title', { 'procedures/immatriculation-duplicata.yaml': (s) => s.replace(/^    title: Carte grise perdue.*$/m, '') }, /immatriculation-duplicata\.yaml: text\.fr\.title: Required/],
    ['a missing English text', { 'procedures/immatriculation-duplicata.yaml': (s) => s.slice(0, s.indexOf('\n  en:\n    title')) + '\n' }, /immatriculation-duplicata\.yaml: text\.en: Required/],
    ['an unknown field', { 'procedures/immatriculation-duplicata.yaml': (s) => s + 'colour: blue\n' }, /immatriculation-duplicata\.yaml: -: Unrecognized key\(s\) in object: 'colour'/],
    ['a link without https', { 'procedures/immatriculation-duplicata.yaml': (s) => s.replace('url: https://immatriculation.ants.gouv.fr/\n    body', 'url: http://immatriculation.ants.gouv.fr/\n    body') }, /channels\.0\.url: must use https/],
    ['a bad review date', { 'procedures/immatriculation-duplicata.yaml': (s) => s.replace(/^reviewed: .*$/m, 'reviewed: 2026-13-45') }, /reviewed: is not a real date/],
    ['an id that differs from the file name', { 'procedures/immatriculation-duplicata.yaml': (s) => s.replace('id: immatriculation-duplicata', 'id: carte-grise-duplicata') }, /immatriculation-duplicata\.yaml: id: must match the file name/],
    ['an unknown related error', { 'procedures/immatriculation-duplicata.yaml': (s) => s.replace('relatedErrors: [', 'relatedErrors: [erreur-inexistante, ') }, /relatedErrors\.0: "erreur-inexistante" is not an error entry/],
    ['an error entry without the droit à l\'erreur', { 'errors/erreur-timbre-fiscal.yaml': (s) => s.replace(/^    rightToError:/gm, '    x-rightToError:') }, /erreur-timbre-fiscal\.yaml: text\.fr/],
    ['an impossible opening time', { 'services/prefecture-cergy.yaml': (s) => s.replace(/^  mon: \[.*\]$/m, '  mon: ["25:00-12:00"]') }, /services\/prefecture-cergy\.yaml: hours\.mon\.0: must be a time range/],
    ['a missing commune file', { 'directory/communes.yaml': () => null }, /directory\/communes\.yaml: -: is missing/],
    ['an empty file', { 'external/autre-caf.yaml': () => '' }, /external\/autre-caf\.yaml: -: is empty/],
  ];
  it.each(cases)('%s', (_name, edits, expected) => {
    const t = brokenCopy(edits);
    try {
      const problems = problemsOf(t.dir);
      expect(problems.some((p) => expected.test(p))).toBe(true);
      expect(() => loadKnowledge(t.dir)).toThrow(KnowledgeValidationError);
    } finally {
      t.cleanup();
    }
  });
});

it('reports every problem in one run, not only the first', () => {
  const t = brokenCopy({
    'procedures/immatriculation-duplicata.yaml': (s) => s + 'colour: blue\n',
    'errors/erreur-timbre-fiscal.yaml': (s) => s.replace(/^reviewed: .*$/m, 'reviewed: yesterday'),
    'services/prefecture-cergy.yaml': (s) => s.replace(/^  mon: \[.*\]$/m, '  mon: ["12:00-09:00"]'),
  });
  try {
    const files = new Set(problemsOf(t.dir).map((p) => p.split(':')[0]));
    // The broken site also makes every reference to it unknown: those are reported too.
    expect([...files]).toEqual(expect.arrayContaining(['procedures/immatriculation-duplicata.yaml', 'errors/erreur-timbre-fiscal.yaml', 'services/prefecture-cergy.yaml']));
  } finally {
    t.cleanup();
  }
});

describe('kb validate (the command)', () => {
  const kbJs = path.join(projectRoot(), 'dist', 'knowledge', 'cli', 'kb.js');
  it('exits 0 on the shipped content', () => {
    const r = spawnSync(process.execPath, [kbJs, 'validate'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
  it('exits non-zero and prints file: field: message lines on broken content', () => {
    const t = brokenCopy({ 'procedures/immatriculation-duplicata.yaml': (s) => s.replace('body: ants\nchannels', 'body: nowhere\nchannels') });
    try {
      const r = spawnSync(process.execPath, [kbJs, 'validate', t.dir], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stdout.trim().split('\n')).toContain('procedures/immatriculation-duplicata.yaml: handler.body: unknown body "nowhere"');
    } finally {
      t.cleanup();
    }
  });
});
