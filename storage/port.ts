/**
 * The storage port. Conversation and user state go through botbuilder's `Storage`
 * contract (read, write with eTags, delete); every implementation (SQLite by default,
 * PostgreSQL for several instances) runs the same contract suite in `tests/contract/`.
 */
import { Storage } from 'botbuilder';

/** A botbuilder state store the service owns and must close. */
export interface StateStore extends Storage {
  /** True when the store can serve requests (for readiness checks). */
  ping(): Promise<boolean>;
  /** Releases the underlying resources; further calls fail with {@link StorageError}. */
  close(): Promise<void>;
}

/** A storage failure, with a code and the key involved. */
export class StorageError extends Error {
  constructor(
    readonly code: 'STORAGE_CONFLICT' | 'STORAGE_UNAVAILABLE' | 'STORAGE_INVALID',
    message: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
