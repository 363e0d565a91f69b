/**
 * The knowledge base currently served, swapped whole when the content changes: the new
 * content is validated and indexed first; an invalid change keeps the previous base.
 */
import { ContentProblem } from './errors';
import { KnowledgeBase, loadKnowledge, readKnowledge } from './load';
import { KnowledgeSearch } from './search/engine';

/** A knowledge base with its search engine, swapped atomically on reload. */
export class LiveKnowledge {
  private state: { kb: KnowledgeBase; search: KnowledgeSearch };

  /** Loads the folder; throws `KnowledgeValidationError` when it is invalid. */
  constructor(readonly dir: string) {
    const kb = loadKnowledge(dir);
    this.state = { kb, search: new KnowledgeSearch(kb) };
  }

  /** The base and engine to use for this turn. */
  current(): { kb: KnowledgeBase; search: KnowledgeSearch } {
    return this.state;
  }

  /** Re-reads the folder; swaps when valid, returns the problems otherwise. */
  reload(): { ok: true; entries: number } | { ok: false; problems: ContentProblem[] } {
    const result = readKnowledge(this.dir);
    if (!result.ok) return { ok: false, problems: result.problems };
    this.state = { kb: result.kb, search: new KnowledgeSearch(result.kb) };
    return { ok: true, entries: result.kb.entries.length };
  }
}
