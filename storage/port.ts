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
  /**
   * Retention: deletes the conversation and user state items (botbuilder's keys
   * `{channel}/conversations/{id}/…` and `{channel}/users/{id}/…`) not written since
   * `beforeIso` (conversations idle longer than `TRANSCRIPT_RETENTION_DAYS`); other items,
   * such as the agents' Teams channel, stay. Returns how many. Idempotent.
   */
  deleteIdleBefore(beforeIso: string): Promise<number>;
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
