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

function listYaml(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
}

function readYaml(root: string, rel: string, problems: ContentProblem[]): RawFile | undefined {
  const full = path.join(root, rel);
  let source: string;
  try {
    source = fs.readFileSync(full, 'utf8');
  } catch (err) {
    problems.push({ file: rel, field: '-', message: `cannot be read (${(err as Error).message})` });
    return undefined;
  }
  try {
    const data: unknown = parseYaml(source, { prettyErrors: false });
    if (data === null || typeof data !== 'object') {
      problems.push({ file: rel, field: '-', message: 'is empty or not a YAML mapping' });
      return undefined;
    }
    return { rel, data };
  } catch (err) {
    const msg = err instanceof YAMLParseError ? `invalid YAML at line ${err.linePos?.[0].line ?? '?'}: ${err.code}` : `invalid YAML: ${(err as Error).message}`;
    problems.push({ file: rel, field: '-', message: msg });
    return undefined;
  }
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
  const problems: ContentProblem[] = [];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { ok: false, problems: [{ file: dir, field: '-', message: 'is not a folder' }] };
  }

  const entries: Entry[] = [];
  const seenIds = new Map<string, string>();
  for (const [folder, kind] of Object.entries(ENTRY_FOLDERS)) {
    for (const file of listYaml(path.join(dir, folder))) {
      const raw = readYaml(dir, path.join(folder, file), problems);
      if (!raw) continue;
      const entry = check(entrySchema, raw, problems);
      if (!entry) continue;
      if (path.basename(file, path.extname(file)) !== entry.id) {
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
  for (const file of listYaml(path.join(dir, 'services'))) {
    const raw = readYaml(dir, path.join('services', file), problems);
    const s = raw && check(serviceSchema, raw, problems);
    if (!raw || !s) continue;
    if (path.basename(file, path.extname(file)) !== s.id) problems.push({ file: raw.rel, field: 'id', message: `must match the file name (${s.id}.yaml)` });
    services.set(s.id, s);
  }
  const bodies = new Map<string, Body>();
  for (const file of listYaml(path.join(dir, 'bodies'))) {
    const raw = readYaml(dir, path.join('bodies', file), problems);
    const b = raw && check(bodySchema, raw, problems);
    if (!raw || !b) continue;
    if (path.basename(file, path.extname(file)) !== b.id) problems.push({ file: raw.rel, field: 'id', message: `must match the file name (${b.id}.yaml)` });
    bodies.set(b.id, b);
  }

  const single = <T>(rel: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | undefined => {
    if (!fs.existsSync(path.join(dir, rel))) {
      problems.push({ file: rel, field: '-', message: 'is missing' });
      return undefined;
    }
    const raw = readYaml(dir, rel, problems);
    return raw && check(schema, raw, problems);
  };
  const communes = single(path.join('directory', 'communes.yaml'), communesSchema);
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
  return path.join(folder, `${e.id}.yaml`);
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
    const file = path.join('services', `${s.id}.yaml`);
    if (s.site) need(file, 'site', services.get(s.site)?.kind === 'site', `"${s.site}" is not a site of the directory`);
  }
  if (communes) {
    for (const a of communes.arrondissements) {
      const sites = [...services.values()].filter((s) => s.kind === 'site' && s.arrondissements.includes(a.code));
      need(path.join('directory', 'communes.yaml'), 'arrondissements', sites.length === 1, `arrondissement ${a.code} (${a.name}) must be served by exactly one site, found ${sites.length}`);
    }
    const known = new Set(communes.arrondissements.map((a) => a.code));
    communes.communes.forEach((c, i) => {
      need(path.join('directory', 'communes.yaml'), `communes.${i}.arrondissement`, known.has(c.arrondissement), `unknown arrondissement ${c.arrondissement}`);
    });
  }
}

/** Loads a content folder or throws {@link KnowledgeValidationError} with every problem. */
export function loadKnowledge(dir: string): KnowledgeBase {
  const result = readKnowledge(dir);
  if (!result.ok) throw new KnowledgeValidationError(dir, result.problems);
  return result.kb;
}
