/** One problem found in a knowledge file, reported as `file: field: message`. */
export interface ContentProblem {
  /** File path relative to the content folder. */
  file: string;
  /** Dotted path of the field, or `-` for the whole file. */
  field: string;
  message: string;
}

/** Formats a problem the way editors and CI read it. */
export function formatProblem(p: ContentProblem): string {
  return `${p.file}: ${p.field}: ${p.message}`;
}

/**
 * Thrown when the knowledge content does not validate. The bot refuses to start with it, so
 * a half-loaded base is never served.
 */
export class KnowledgeValidationError extends Error {
  readonly code = 'KB_INVALID';
  constructor(readonly dir: string, readonly problems: ContentProblem[]) {
    super(`knowledge base in ${dir} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` + problems.map(formatProblem).join('\n'));
    this.name = 'KnowledgeValidationError';
  }
}
