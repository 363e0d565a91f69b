/**
 * The knowledge base currently served, swapped whole when the content changes: the new
 * content is validated and indexed first; an invalid change keeps the previous base.
 */
import { ContentProblem, KnowledgeValidationError } from './errors';
import { buildKnowledge, ContentFiles, KnowledgeBase, readKnowledgeFiles } from './load';
import { KnowledgeSearch } from './search/engine';

/** What is served: the base, its engine, the files it was built from and its revision. */
export interface ServedKnowledge {
  kb: KnowledgeBase;
  search: KnowledgeSearch;
  /** The content files the base was built from (plain data: they can be sent to a thread). */
  files: ContentFiles;
  revision: number | null;
}

/** A knowledge base with its search engine, swapped atomically on reload. */
export class LiveKnowledge {
  private state: ServedKnowledge;
  private readonly listeners = new Set<(served: ServedKnowledge) => void>();

  /** Loads the folder; throws `KnowledgeValidationError` when it is invalid. */
  constructor(readonly dir: string) {
    const { result, files } = readKnowledgeFiles(dir);
    if (!result.ok) throw new KnowledgeValidationError(dir, result.problems);
    this.state = { kb: result.kb, search: new KnowledgeSearch(result.kb), files, revision: null };
  }

  /** The base and engine to use for this turn. */
  current(): { kb: KnowledgeBase; search: KnowledgeSearch } {
    return this.state;
  }

  /** What is served now, files included. */
  served(): ServedKnowledge {
    return this.state;
  }

  /** Calls `listener` with what is served after every swap; returns a function that stops it. */
  onSwap(listener: (served: ServedKnowledge) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The published revision served, or null while serving the folder itself. */
  get revision(): number | null {
    return this.state.revision;
  }

  /** Re-reads the folder; swaps when valid, returns the problems otherwise. */
  reload(): { ok: true; entries: number } | { ok: false; problems: ContentProblem[] } {
    const { result, files } = readKnowledgeFiles(this.dir);
    if (!result.ok) return { ok: false, problems: result.problems };
    this.swap({ kb: result.kb, search: new KnowledgeSearch(result.kb), files, revision: null });
    return { ok: true, entries: result.kb.entries.length };
  }

  /** Marks the base already served as this revision (its content is the same). */
  adopt(revision: number): void {
    this.state = { ...this.state, revision };
  }

  /** Serves a revision's files; swaps when valid, returns the problems otherwise. */
  serve(files: ContentFiles, revision: number): { ok: true; entries: number } | { ok: false; problems: ContentProblem[] } {
    const result = buildKnowledge(files);
    if (!result.ok) return { ok: false, problems: result.problems };
    this.swap({ kb: result.kb, search: new KnowledgeSearch(result.kb), files, revision });
    return { ok: true, entries: result.kb.entries.length };
  }

  private swap(next: ServedKnowledge): void {
    this.state = next;
    for (const listener of this.listeners) listener(next);
  }
}
