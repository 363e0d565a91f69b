/**
 * Reads and validates the knowledge content folder. Either the whole base is valid and
 * returned, or every problem is reported: never a half-loaded base.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import {
  bodySchema,
  Body,
  communesSchema,
  Communes,
  Entry,
  EntryKind,
  entrySchema,
  Intents,
  intentsSchema,
  Service,
  serviceSchema,
} from './schema';
import { DecisionConfig, decisionConfigSchema } from './decision-config';
import { ContentProblem, KnowledgeValidationError } from './errors';

/** A complete, validated knowledge base. */
export interface KnowledgeBase {
  /** Entries sorted by id. */
  readonly entries: readonly Entry[];
  readonly byId: ReadonlyMap<string, Entry>;
  readonly services: ReadonlyMap<string, Service>;
  readonly bodies: ReadonlyMap<string, Body>;
  readonly communes: Communes;
  readonly intents: Intents;
  readonly decision: DecisionConfig;
}

const ENTRY_FOLDERS: Record<string, EntryKind> = {
  procedures: 'procedure',
  errors: 'error',
  external: 'external',
};

interface RawFile {
  rel: string;
  data: unknown;
}

/**
 * The content as files: relative path (`procedures/cni-passeport.yaml`) to parsed YAML.
 * A folder on disk and a revision in storage are both this; the base is built from it.
 */
export type ContentFiles = ReadonlyMap<string, unknown>;

function listYaml(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
}

/** The folders and single files a content folder holds. */
export const CONTENT_FOLDERS = ['procedures', 'errors', 'external', 'services', 'bodies'] as const;
export const CONTENT_SINGLES = ['directory/communes.yaml', 'intents.yaml', 'decision.yaml'] as const;

/** Parses YAML text; the problem says where it is wrong. */
export function parseContentYaml(rel: string, source: string, problems: ContentProblem[]): unknown {
  try {
    const data: unknown = parseYaml(source, { prettyErrors: false });
    if (data === null || typeof data !== 'object') {
      problems.push({ file: rel, field: '-', message: 'is empty or not a YAML mapping' });
      return undefined;
    }
    return data;
  } catch (err) {
    const msg = err instanceof YAMLParseError ? `invalid YAML at line ${err.linePos?.[0].line ?? '?'}: ${err.code}` : `invalid YAML: ${(err as Error).message}`;
    problems.push({ file: rel, field: '-', message: msg });
    return undefined;
  }
}

/** Reads a content folder's YAML files, collecting problems (unreadable or invalid YAML). */
export function readContentFiles(dir: string): { files: Map<string, unknown>; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const files = new Map<string, unknown>();
  const read = (rel: string): void => {
    let source: string;
    try {
      source = fs.readFileSync(path.join(dir, rel), 'utf8');
    } catch (err) {
      problems.push({ file: rel, field: '-', message: `cannot be read (${(err as Error).message})` });
      return;
    }
    const data = parseContentYaml(rel, source, problems);
    if (data !== undefined) files.set(rel.split(path.sep).join('/'), data);
  };
  for (const folder of CONTENT_FOLDERS) for (const file of listYaml(path.join(dir, folder))) read(path.join(folder, file));
  for (const rel of CONTENT_SINGLES) if (fs.existsSync(path.join(dir, rel))) read(rel);
  return { files, problems };
}

function check<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, raw: RawFile, problems: ContentProblem[]): T | undefined {
  const result = schema.safeParse(raw.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({ file: raw.rel, field: issue.path.length ? issue.path.join('.') : '-', message: issue.message });
  }
  return undefined;
}

/** Result of reading a content folder: the base when valid, the problems otherwise. */
export type LoadResult = { ok: true; kb: KnowledgeBase } | { ok: false; problems: ContentProblem[] };

/** Reads and validates a content folder, collecting every problem. */
export function readKnowledge(dir: string): LoadResult {
  return readKnowledgeFiles(dir).result;
}

/** {@link readKnowledge}, with the content files the base was built from. */
export function readKnowledgeFiles(dir: string): { result: LoadResult; files: ContentFiles } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { result: { ok: false, problems: [{ file: dir, field: '-', message: 'is not a folder' }] }, files: new Map() };
  }
  const { files, problems } = readContentFiles(dir);
  const built = buildKnowledge(files);
  if (problems.length === 0) return { result: built, files };
  return { result: { ok: false, problems: [...problems, ...(built.ok ? [] : built.problems)] }, files };
}

/** The files of a folder (`procedures/`) in a content set, sorted by path. */
function filesIn(files: ContentFiles, folder: string): RawFile[] {
  return [...files.entries()]
    .filter(([rel]) => rel.startsWith(`${folder}/`) && !rel.slice(folder.length + 1).includes('/'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rel, data]) => ({ rel, data }));
}

const baseName = (rel: string): string => rel.slice(rel.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');

/** Validates content files and builds the base, collecting every problem. */
export function buildKnowledge(files: ContentFiles): LoadResult {
  const problems: ContentProblem[] = [];
  const entries: Entry[] = [];
  const seenIds = new Map<string, string>();
  for (const [folder, kind] of Object.entries(ENTRY_FOLDERS)) {
    for (const raw of filesIn(files, folder)) {
      const entry = check(entrySchema, raw, problems);
      if (!entry) continue;
      if (baseName(raw.rel) !== entry.id) {
        problems.push({ file: raw.rel, field: 'id', message: `must match the file name (${entry.id}.yaml)` });
      }
      if (entry.kind !== kind) {
        problems.push({ file: raw.rel, field: 'kind', message: `must be "${kind}" in ${folder}/` });
      }
      const earlier = seenIds.get(entry.id);
      if (earlier) problems.push({ file: raw.rel, field: 'id', message: `duplicates the id of ${earlier}` });
      seenIds.set(entry.id, raw.rel);
      entries.push(entry);
    }
  }
  if (entries.length === 0) problems.push({ file: '.', field: '-', message: 'holds no entry (procedures/, errors/, external/)' });

  const services = new Map<string, Service>();
  for (const raw of filesIn(files, 'services')) {
    const s = check(serviceSchema, raw, problems);
    if (!s) continue;
    if (baseName(raw.rel) !== s.id) problems.push({ file: raw.rel, field: 'id', message: `must match the file name (${s.id}.yaml)` });
    services.set(s.id, s);
  }
  const bodies = new Map<string, Body>();
  for (const raw of filesIn(files, 'bodies')) {
    const b = check(bodySchema, raw, problems);
    if (!b) continue;
    if (baseName(raw.rel) !== b.id) problems.push({ file: raw.rel, field: 'id', message: `must match the file name (${b.id}.yaml)` });
    bodies.set(b.id, b);
  }

  const single = <T>(rel: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | undefined => {
    if (!files.has(rel)) {
      problems.push({ file: rel, field: '-', message: 'is missing' });
      return undefined;
    }
    return check(schema, { rel, data: files.get(rel) }, problems);
  };
  const communes = single('directory/communes.yaml', communesSchema);
  const intents = single('intents.yaml', intentsSchema);
  const decision = single('decision.yaml', decisionConfigSchema);

  entries.sort((a, b) => a.id.localeCompare(b.id));
  const byId = new Map(entries.map((e) => [e.id, e]));
  checkReferences(entries, byId, services, bodies, communes, problems);
  if (intents?.placeEntry && !byId.has(intents.placeEntry)) problems.push({ file: 'intents.yaml', field: 'placeEntry', message: `unknown entry "${intents.placeEntry}"` });

  if (problems.length > 0 || !communes || !intents || !decision) return { ok: false, problems };
  return { ok: true, kb: { entries, byId, services, bodies, communes, intents, decision } };
}

function entryFile(e: Entry): string {
  const folder = Object.keys(ENTRY_FOLDERS).find((f) => ENTRY_FOLDERS[f] === e.kind) ?? '.';
  return `${folder}/${e.id}.yaml`;
}

function checkReferences(
  entries: Entry[],
  byId: Map<string, Entry>,
  services: Map<string, Service>,
  bodies: Map<string, Body>,
  communes: Communes | undefined,
  problems: ContentProblem[],
): void {
  const need = (file: string, field: string, ok: boolean, message: string): void => {
    if (!ok) problems.push({ file, field, message });
  };
  for (const e of entries) {
    const file = entryFile(e);
    if (e.handler.service) need(file, 'handler.service', services.has(e.handler.service), `unknown service "${e.handler.service}"`);
    if (e.handler.body) need(file, 'handler.body', bodies.has(e.handler.body), `unknown body "${e.handler.body}"`);
    e.channels.forEach((c, i) => {
      if (c.service) need(file, `channels.${i}.service`, services.has(c.service), `unknown service "${c.service}"`);
      if (c.body) need(file, `channels.${i}.body`, bodies.has(c.body), `unknown body "${c.body}"`);
    });
    e.relatedErrors.forEach((id, i) => {
      need(file, `relatedErrors.${i}`, byId.get(id)?.kind === 'error', `"${id}" is not an error entry`);
    });
    e.see.forEach((id, i) => need(file, `see.${i}`, byId.has(id) && id !== e.id, `unknown entry "${id}"`));
    if (e.procedure) need(file, 'procedure', byId.get(e.procedure)?.kind === 'procedure', `"${e.procedure}" is not a procedure entry`);
  }
  for (const s of services.values()) {
    const file = `services/${s.id}.yaml`;
    if (s.site) need(file, 'site', services.get(s.site)?.kind === 'site', `"${s.site}" is not a site of the directory`);
  }
  if (communes) {
    for (const a of communes.arrondissements) {
      const sites = [...services.values()].filter((s) => s.kind === 'site' && s.arrondissements.includes(a.code));
      need('directory/communes.yaml', 'arrondissements', sites.length === 1, `arrondissement ${a.code} (${a.name}) must be served by exactly one site, found ${sites.length}`);
    }
    const known = new Set(communes.arrondissements.map((a) => a.code));
    communes.communes.forEach((c, i) => {
      need('directory/communes.yaml', `communes.${i}.arrondissement`, known.has(c.arrondissement), `unknown arrondissement ${c.arrondissement}`);
    });
  }
}

/** Loads a content folder or throws {@link KnowledgeValidationError} with every problem. */
export function loadKnowledge(dir: string): KnowledgeBase {
  const result = readKnowledge(dir);
  if (!result.ok) throw new KnowledgeValidationError(dir, result.problems);
  return result.kb;
}
