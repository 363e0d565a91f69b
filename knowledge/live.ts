/**
 * The knowledge base currently served, swapped whole when the content changes: the new
 * content is validated and indexed first; an invalid change keeps the previous base.
 */
import { ContentProblem } from './errors';
import { buildKnowledge, ContentFiles, KnowledgeBase, loadKnowledge, readKnowledge } from './load';
import { KnowledgeSearch } from './search/engine';

/** A knowledge base with its search engine, swapped atomically on reload. */
export class LiveKnowledge {
  private state: { kb: KnowledgeBase; search: KnowledgeSearch; revision: number | null };

  /** Loads the folder; throws `KnowledgeValidationError` when it is invalid. */
  constructor(readonly dir: string) {
    const kb = loadKnowledge(dir);
    this.state = { kb, search: new KnowledgeSearch(kb), revision: null };
  }

  /** The base and engine to use for this turn. */
  current(): { kb: KnowledgeBase; search: KnowledgeSearch } {
    return this.state;
  }

  /** The published revision served, or null while serving the folder itself. */
  get revision(): number | null {
    return this.state.revision;
  }

  /** Re-reads the folder; swaps when valid, returns the problems otherwise. */
  reload(): { ok: true; entries: number } | { ok: false; problems: ContentProblem[] } {
    const result = readKnowledge(this.dir);
    if (!result.ok) return { ok: false, problems: result.problems };
    this.state = { kb: result.kb, search: new KnowledgeSearch(result.kb), revision: null };
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
    this.state = { kb: result.kb, search: new KnowledgeSearch(result.kb), revision };
    return { ok: true, entries: result.kb.entries.length };
  }
}
