/**
 * The knowledge storage port: the base as revisions (immutable, each a whole set of content
 * files, with who, when, why), and the draft the editors are working on (the changed files
 * only, each with the version it replaced, so that two editors never overwrite each other).
 */

/** Who did something. */
export interface Author {
  id: string;
  name: string;
}

/** A published revision, without its files. */
export interface StoredRevision {
  id: number;
  createdAt: string;
  author: Author;
  message: string;
  /** Files added, changed or removed against the previous revision. */
  changes: number;
  /** Set when the revision restores an earlier one. */
  restoredFrom?: number;
  /** Hash of the content, to tell whether a folder was already imported. */
  contentHash: string;
}

/** A file of the draft; `content` null means the file is retired (removed) in the draft. */
export interface DraftFile {
  path: string;
  content: unknown;
  version: string;
  updatedBy: Author;
  updatedAt: string;
}

/** What a new revision holds. */
export interface NewRevision {
  /** The revision it follows; refused when another was published meanwhile. */
  parent: number | null;
  author: Author;
  message: string;
  files: ReadonlyMap<string, unknown>;
  changes: number;
  restoredFrom?: number;
  contentHash: string;
  /**
   * The draft files published, as read: removed from the draft in the same transaction, but
   * only at that version, so that a save made while publishing is not lost.
   */
  clearDraft: Array<{ path: string; version: string }>;
}

/** Storage of revisions and the draft. */
export interface KnowledgeStore {
  /** The latest published revision, or undefined before the first import. */
  latest(): Promise<StoredRevision | undefined>;
  /** Published revisions, newest first. */
  revisions(limit: number): Promise<StoredRevision[]>;
  /** One revision with its files. */
  revision(id: number): Promise<{ meta: StoredRevision; files: Map<string, unknown> } | undefined>;
  /** Publishes atomically: undefined when `parent` is no longer the latest (publish again). */
  publish(revision: NewRevision): Promise<StoredRevision | undefined>;
  /** The draft's changed files. */
  draft(): Promise<DraftFile[]>;
  /**
   * Saves a draft file when nobody changed it since the editor loaded it: `expected` is the
   * draft version they started from, or null when the draft had no change to that file.
   * False on conflict; nothing is written then.
   */
  saveDraft(file: Omit<DraftFile, 'updatedAt'> & { updatedAt: string }, expected: string | null): Promise<boolean>;
  /** Forgets the draft's changes (all, or some paths). */
  discardDraft(paths?: string[]): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
