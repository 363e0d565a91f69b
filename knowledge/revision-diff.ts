/**
 * What changed between two revisions of the knowledge content, told field by field so that
 * an editor who never reads YAML can review a revision before publishing it, and a content
 * version that only moves when the content really does.
 */
import { createHash } from 'crypto';
import type { ContentFiles } from './load';

/**
 * One changed field. `before` is absent when the field was added, `after` when it was
 * removed: "absent" and "empty" are different things for an editor.
 */
export interface FieldChange {
  /**
   * Dotted path from the top of the file (`text.fr.delays`, `channels.0.url`), the same
   * notation the validator uses in its problems, so editors meet one way of naming a field.
   * `-` stands for the whole file when it is not a mapping.
   */
  field: string;
  before?: unknown;
  after?: unknown;
}

/** How one content file differs between two revisions. */
export interface FileDiff {
  /** Relative path, as in {@link ContentFiles}. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  /**
   * Empty for added and removed files: listing every field of a new procedure would bury the
   * one fact that matters, that the whole file is new (or gone).
   */
  fields: FieldChange[];
}

/**
 * Canonical JSON: object keys sorted, so that two parses of the same content give the same
 * text whatever the key order in the YAML. It is what equality and versions rest on, which
 * spares a deep-equal dependency whose notion of "equal" we would not control.
 *
 * Follows `JSON.stringify` otherwise (undefined object members are dropped, undefined array
 * items and non-finite numbers become `null`, `toJSON` is honoured, so dates become ISO
 * strings), with three additions: a `Map` is written as an object (a revision held as a
 * `Map` and the same content as an object get the same text), a `Set` as a sorted array and
 * a `bigint` as its digits. Throws a `TypeError` on circular structures rather than
 * recursing forever.
 */
export function stableStringify(value: unknown): string {
  return canonical(value, new Set()) ?? 'null';
}

function canonical(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((obj as { toJSON: () => unknown }).toJSON(), ancestors);
  }
  if (ancestors.has(obj)) throw new TypeError('stableStringify: circular structure');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => canonical(v, ancestors) ?? 'null').join(',')}]`;
    if (obj instanceof Set) return `[${[...obj].map((v) => canonical(v, ancestors) ?? 'null').sort().join(',')}]`;
    const entries: Array<[string, unknown]> =
      obj instanceof Map
        ? [...obj.entries()].map(([k, v]): [string, unknown] => [typeof k === 'string' ? k : stableStringify(k), v])
        : Object.entries(obj);
    const members: string[] = [];
    for (const [k, v] of entries.sort(([a], [b]) => compareText(a, b))) {
      const text = canonical(v, ancestors);
      if (text !== undefined) members.push(`${JSON.stringify(k)}:${text}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(obj);
  }
}

/**
 * A short fingerprint of some content (a file or a whole revision), to tell revisions apart
 * and notice that a "new" revision is the same as the published one. Built on
 * {@link stableStringify}, so reordering keys does not change it; 16 hex characters
 * (64 bits) are ample for the few thousand revisions a base will ever have.
 */
export function contentVersion(value: unknown): string {
  return createHash('sha256').update(stableStringify(value), 'utf8').digest('hex').slice(0, 16);
}

/**
 * The files that differ between two revisions, sorted by path, unchanged files left out.
 *
 * Fields are reported where an editor thinks of them: each text, number or yes/no value on
 * its own; a list of words or sentences (`terms.fr`, `text.fr.prepare`) as one change
 * showing both lists, because "this word was added" reads better from the two lists than
 * from shifted positions; a list of blocks (`channels`, `sources`) position by position,
 * because each block is a thing of its own (a channel, a source) whose fields are compared.
 */
export function diffContent(before: ContentFiles, after: ContentFiles): FileDiff[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(compareText);
  const out: FileDiff[] = [];
  for (const path of paths) {
    const inBefore = before.has(path);
    const inAfter = after.has(path);
    if (!inBefore) out.push({ path, change: 'added', fields: [] });
    else if (!inAfter) out.push({ path, change: 'removed', fields: [] });
    else {
      const fields: FieldChange[] = [];
      diffValue('', before.get(path), after.get(path), fields);
      if (fields.length > 0) out.push({ path, change: 'changed', fields });
    }
  }
  return out;
}

/**
 * How many changes a reviewer has to look at: one per added or removed file, one per
 * changed field. Shown next to "publish" so an unexpectedly large revision stands out.
 */
export function countChanges(diff: readonly FileDiff[]): number {
  return diff.reduce((n, f) => n + (f.change === 'changed' ? f.fields.length : 1), 0);
}

/** Code-unit order: unlike `localeCompare`, it does not vary with the host's ICU data. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Kind = 'absent' | 'scalar' | 'object' | 'objectList' | 'scalarList';

function kindOf(v: unknown): Kind {
  if (v === undefined) return 'absent';
  if (Array.isArray(v)) return v.some(isContainer) ? 'objectList' : 'scalarList';
  return isContainer(v) ? 'object' : 'scalar';
}

/** Dates and other `toJSON` values are compared as one value, like strings. */
function isContainer(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (Array.isArray(v) || typeof (v as { toJSON?: unknown }).toJSON !== 'function');
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

function push(out: FieldChange[], path: string, before: unknown, after: unknown): void {
  const change: FieldChange = { field: path === '' ? '-' : path };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  out.push(change);
}

function diffValue(path: string, a: unknown, b: unknown, out: FieldChange[]): void {
  if (stableStringify(a) === stableStringify(b) && (a === undefined) === (b === undefined)) return;
  let ka = kindOf(a);
  let kb = kindOf(b);
  // A list of scalars against a list holding blocks (or nothing): compare position by
  // position, as soon as one side has blocks.
  if (ka === 'scalarList' && kb === 'objectList') ka = 'objectList';
  if (kb === 'scalarList' && ka === 'objectList') kb = 'objectList';
  // A whole block added or removed is shown field by field, so a new channel reads
  // `channels.2.type`, `channels.2.url`... rather than as one opaque value.
  const shape = ka === 'absent' ? kb : kb === 'absent' ? ka : ka === kb ? ka : 'mismatch';
  if (shape === 'object') {
    const ra = (a ?? {}) as Record<string, unknown>;
    const rb = (b ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort(compareText);
    for (const k of keys) diffValue(join(path, k), ra[k], rb[k], out);
  } else if (shape === 'objectList') {
    const la = (a ?? []) as unknown[];
    const lb = (b ?? []) as unknown[];
    for (let i = 0; i < Math.max(la.length, lb.length); i++) diffValue(join(path, i), la[i], lb[i], out);
  } else {
    push(out, path, a, b);
  }
}
