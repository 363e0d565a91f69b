/**
 * The editors' workspace over the knowledge store: the published revision the bot serves,
 * the draft (published + saved changes), checked saves with conflict detection, publishing,
 * restoring an earlier revision, importing files. Every instance serves the latest
 * published revision: {@link KnowledgeWorkspace.sync} picks up what another instance
 * published.
 */
import type { ContentProblem } from '../../knowledge/errors';
import { buildKnowledge, ContentFiles, KnowledgeBase, readContentFiles } from '../../knowledge/load';
import type { LiveKnowledge } from '../../knowledge/live';
import { contentVersion, countChanges, diffContent, FileDiff } from '../../knowledge/revision-diff';
import type { Entry } from '../../knowledge/schema';
import type { Author, DraftFile, KnowledgeStore, StoredRevision } from '../../storage/knowledge-store';
import type { Logger } from '../logger';

/** The author of imports of the shipped folder. */
export const SHIPPED: Author = { id: 'system:shipped', name: 'Import des fichiers livrés' };

const ENTRY_FOLDER: Record<Entry['kind'], string> = { procedure: 'procedures', error: 'errors', external: 'external' };

/** Where an entry's file lives. */
export function entryPath(kind: Entry['kind'], id: string): string {
  return `${ENTRY_FOLDER[kind]}/${id}.yaml`;
}

/** Where a service's file lives. */
export function servicePath(id: string): string {
  return `services/${id}.yaml`;
}

/** A typed refusal of the workspace, with its HTTP status and code. */
export class WorkspaceError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'Invalid' | 'Conflict' | 'Exists' | 'NotFound' | 'NoChange' | 'MessageRequired' | 'Busy',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

/** The hash of a whole content set (order of files and keys does not matter). */
export function contentHash(files: ContentFiles): string {
  return contentVersion(Object.fromEntries([...files.entries()].sort(([a], [b]) => a.localeCompare(b))));
}

/** The version of a file's content; a retired file has its own. */
export function fileVersion(content: unknown): string {
  return content === null || content === undefined ? 'retired' : contentVersion(content);
}

/** The draft seen as files, with what changed. */
export interface DraftView {
  base: StoredRevision;
  published: Map<string, unknown>;
  files: Map<string, unknown>;
  changes: DraftFile[];
}

/** The knowledge workspace. */
export class KnowledgeWorkspace {
  private cache: { id: number; files: Map<string, unknown>; kb?: KnowledgeBase } | undefined;
  /** The hash of the folder the live base was loaded from, before any revision was served. */
  private folderHash: string | undefined;

  constructor(
    private readonly store: KnowledgeStore,
    private readonly live: LiveKnowledge,
    private readonly shippedDir: string,
    private readonly logger: Logger,
  ) {}

  /**
   * At start: the first start imports the shipped folder as revision 1; a later start whose
   * shipped folder changed (a new release) imports it again when no editor has published
   * since the last import, and otherwise says so in the log. Then serves the latest revision.
   */
  async init(): Promise<void> {
    const shipped = readContentFiles(this.shippedDir);
    const hash = contentHash(shipped.files);
    this.folderHash = this.live.revision === null ? hash : this.folderHash;
    const latest = await this.store.latest();
    if (!latest || (latest.author.id === SHIPPED.id && latest.contentHash !== hash)) {
      if (shipped.problems.length > 0) throw new WorkspaceError(400, 'Invalid', `the shipped content in ${this.shippedDir} is invalid`, { problems: shipped.problems });
      const built = buildKnowledge(shipped.files);
      if (!built.ok) throw new WorkspaceError(400, 'Invalid', `the shipped content in ${this.shippedDir} is invalid`, { problems: built.problems });
      const previous = latest ? (await this.store.revision(latest.id))?.files : undefined;
      const changes = previous ? countChanges(diffContent(previous, shipped.files)) : shipped.files.size;
      const message = latest ? 'Nouvelle version des fichiers livrés' : 'Import initial des fichiers livrés (knowledge/content)';
      const made = await this.store.publish({ parent: latest?.id ?? null, author: SHIPPED, message, files: shipped.files, changes, contentHash: hash, clearDraft: [] });
      if (made) this.logger.info('knowledge revision imported from the shipped files', { revision: made.id, files: shipped.files.size });
    } else if (latest.contentHash !== hash && !(await this.store.revisions(1000)).some((r) => r.contentHash === hash)) {
      this.logger.warn('the shipped knowledge files differ from the published revision, which editors changed: import them from the editor to review the differences', { revision: latest.id });
    }
    await this.sync();
  }

  /** Serves the latest published revision if it is not served yet; true when it changed. */
  async sync(): Promise<boolean> {
    const latest = await this.store.latest();
    if (!latest || latest.id === this.live.revision) return false;
    // At start the folder just loaded is often the latest revision: no second index build.
    if (this.live.revision === null && latest.contentHash === this.folderHash) {
      this.live.adopt(latest.id);
      return true;
    }
    const { files } = await this.published(latest);
    const served = this.live.serve(files, latest.id);
    if (!served.ok) {
      // A stored revision is always valid; if not, keep serving the previous one and say why.
      this.logger.error('knowledge revision not served: invalid', { revision: latest.id, problems: served.problems.slice(0, 10) });
      return false;
    }
    this.logger.info('knowledge revision served', { revision: latest.id, entries: served.entries });
    return true;
  }

  private async published(meta?: StoredRevision): Promise<{ meta: StoredRevision; files: Map<string, unknown> }> {
    const latest = meta ?? (await this.store.latest());
    if (!latest) throw new WorkspaceError(503, 'Busy', 'no knowledge revision yet');
    if (this.cache?.id !== latest.id) {
      const r = await this.store.revision(latest.id);
      if (!r) throw new WorkspaceError(503, 'Busy', `revision ${latest.id} is missing`);
      this.cache = { id: latest.id, files: r.files };
    }
    return { meta: latest, files: this.cache.files };
  }

  /** The base and search the bot answers with now. */
  serving(): { kb: KnowledgeBase; search: import('../../knowledge/search/engine').KnowledgeSearch } {
    return this.live.current();
  }

  /** The base of the published revision (built once per revision). */
  async publishedBase(): Promise<{ meta: StoredRevision; files: Map<string, unknown>; kb: KnowledgeBase }> {
    const p = await this.published();
    if (!this.cache!.kb) {
      const built = buildKnowledge(p.files);
      if (!built.ok) throw new WorkspaceError(500, 'Invalid', 'the published revision does not validate');
      this.cache!.kb = built.kb;
    }
    return { ...p, kb: this.cache!.kb! };
  }

  /** The draft: the published files with the saved changes applied. */
  async draft(): Promise<DraftView> {
    const { meta, files: published } = await this.published();
    const changes = await this.store.draft();
    const files = new Map(published);
    for (const c of changes) {
      if (c.content === null) files.delete(c.path);
      else files.set(c.path, c.content);
    }
    return { base: meta, published, files, changes };
  }

  /** The version a file has in the draft. */
  static versionIn(view: DraftView, path: string): string {
    const changed = view.changes.find((c) => c.path === path);
    return changed ? changed.version : fileVersion(view.published.get(path));
  }

  /** Problems of the draft if `path` held `content` (null: removed), for that file or all. */
  check(view: DraftView, path: string, content: unknown): { problems: ContentProblem[]; all: ContentProblem[]; kb?: KnowledgeBase } {
    const files = new Map(view.files);
    if (content === null) files.delete(path);
    else files.set(path, content);
    const built = buildKnowledge(files);
    if (built.ok) return { problems: [], all: [], kb: built.kb };
    return { problems: built.problems.filter((p) => p.file === path), all: built.problems };
  }

  /**
   * Saves a file in the draft when it is valid and nobody saved it since `version`.
   * `create` refuses a path that already exists; null content retires the file.
   */
  async save(path: string, content: unknown, version: string | null, by: Author, options: { create?: boolean } = {}): Promise<string> {
    const view = await this.draft();
    const exists = view.files.has(path);
    if (options.create && exists) throw new WorkspaceError(409, 'Exists', `${path} already exists`);
    if (!options.create && !exists && content !== null && !view.changes.some((c) => c.path === path)) throw new WorkspaceError(404, 'NotFound', `${path} does not exist`);
    const current = KnowledgeWorkspace.versionIn(view, path);
    if (!options.create && version !== current) throw this.conflict(view, path);
    const { problems, all } = this.check(view, path, content);
    // Retiring a file others refer to breaks them: their problems are the reason.
    const refused = content === null ? all : problems.length ? problems : all;
    if (refused.length > 0) throw new WorkspaceError(400, 'Invalid', 'the change does not validate', { problems: refused });
    const next = fileVersion(content);
    const changed = view.changes.find((c) => c.path === path);
    const ok = await this.store.saveDraft({ path, content, version: next, updatedBy: by, updatedAt: new Date().toISOString() }, changed ? changed.version : null);
    if (!ok) throw this.conflict(await this.draft(), path);
    return next;
  }

  private conflict(view: DraftView, path: string): WorkspaceError {
    const changed = view.changes.find((c) => c.path === path);
    return new WorkspaceError(409, 'Conflict', changed ? `${changed.updatedBy.name} saved this in the meantime (${changed.updatedAt}); nothing was overwritten` : 'this was changed in the meantime (a new revision was published); nothing was overwritten', {
      current: { content: view.files.get(path) ?? null, version: KnowledgeWorkspace.versionIn(view, path), updatedBy: changed?.updatedBy ?? null, updatedAt: changed?.updatedAt ?? null },
    });
  }

  /** Publishes the draft as a new revision, live at once here and within seconds elsewhere. */
  async publish(message: string, by: Author): Promise<StoredRevision> {
    if (!message.trim()) throw new WorkspaceError(400, 'MessageRequired', 'say why, in a few words');
    const view = await this.draft();
    const diff = diffContent(view.published, view.files);
    if (diff.length === 0) throw new WorkspaceError(400, 'NoChange', 'the draft holds no change');
    const built = buildKnowledge(view.files);
    if (!built.ok) throw new WorkspaceError(400, 'Invalid', 'the draft does not validate', { problems: built.problems });
    const made = await this.store.publish({
      parent: view.base.id,
      author: by,
      message: message.trim().slice(0, 500),
      files: view.files,
      changes: countChanges(diff),
      contentHash: contentHash(view.files),
      clearDraft: view.changes.map((c) => ({ path: c.path, version: c.version })),
    });
    if (!made) throw new WorkspaceError(409, 'Conflict', 'another revision was published meanwhile; check the draft and publish again');
    await this.sync();
    return made;
  }

  /** Publishes an earlier revision's content as a new revision. */
  async restore(id: number, message: string, by: Author): Promise<StoredRevision> {
    const old = await this.store.revision(id);
    if (!old) throw new WorkspaceError(404, 'NotFound', `no revision ${id}`);
    const { meta, files } = await this.published();
    const diff = diffContent(files, old.files);
    if (diff.length === 0) throw new WorkspaceError(400, 'NoChange', `revision ${id} is what is published`);
    const made = await this.store.publish({
      parent: meta.id,
      author: by,
      message: (message.trim() || `Retour à la révision ${id}`).slice(0, 500),
      files: old.files,
      changes: countChanges(diff),
      restoredFrom: id,
      contentHash: contentHash(old.files),
      clearDraft: [],
    });
    if (!made) throw new WorkspaceError(409, 'Conflict', 'another revision was published meanwhile; try again');
    await this.sync();
    return made;
  }

  /** What a revision changed against the one before it. */
  async diff(id: number): Promise<{ id: number; parent: number | null; files: FileDiff[] }> {
    const r = await this.store.revision(id);
    if (!r) throw new WorkspaceError(404, 'NotFound', `no revision ${id}`);
    const before = (await this.store.revisions(100000)).find((x) => x.id < id);
    const previous = before ? (await this.store.revision(before.id))?.files ?? new Map() : new Map<string, unknown>();
    return { id, parent: before?.id ?? null, files: diffContent(previous, r.files) };
  }

  /** Makes a whole set of files the draft (an import), when it validates. */
  async importFiles(files: Map<string, unknown>, by: Author): Promise<number> {
    const built = buildKnowledge(files);
    if (!built.ok) throw new WorkspaceError(400, 'Invalid', 'the imported files do not validate', { problems: built.problems });
    const view = await this.draft();
    const paths = new Set([...view.files.keys(), ...files.keys()]);
    let changes = 0;
    for (const path of paths) {
      const wanted = files.has(path) ? files.get(path) : null;
      if (fileVersion(wanted) === KnowledgeWorkspace.versionIn(view, path)) continue;
      const changed = view.changes.find((c) => c.path === path);
      const ok = await this.store.saveDraft({ path, content: wanted, version: fileVersion(wanted), updatedBy: by, updatedAt: new Date().toISOString() }, changed ? changed.version : null);
      if (!ok) throw this.conflict(await this.draft(), path);
      changes++;
    }
    return changes;
  }

  /** Forgets the draft's changes. */
  discard(): Promise<void> {
    return this.store.discardDraft();
  }

  /** Published revisions, newest first. */
  revisions(limit = 200): Promise<StoredRevision[]> {
    return this.store.revisions(limit);
  }

  /** One revision's files (export). */
  async files(id?: number): Promise<{ meta: StoredRevision; files: Map<string, unknown> }> {
    if (id === undefined) return this.published();
    const r = await this.store.revision(id);
    if (!r) throw new WorkspaceError(404, 'NotFound', `no revision ${id}`);
    return r;
  }

  /** Where a published or drafted entry's file lives, if anywhere. */
  static findEntry(files: ReadonlyMap<string, unknown>, id: string): string | undefined {
    return Object.values(ENTRY_FOLDER)
      .map((folder) => `${folder}/${id}.yaml`)
      .find((p) => files.has(p));
  }

  /** The last published content of an entry that is no longer in the draft (to restore it). */
  async lastPublished(id: string): Promise<{ path: string; content: unknown } | undefined> {
    for (const r of await this.store.revisions(200)) {
      const files = (await this.store.revision(r.id))?.files;
      const path = files && KnowledgeWorkspace.findEntry(files, id);
      if (files && path) return { path, content: files.get(path) };
    }
    return undefined;
  }
}
