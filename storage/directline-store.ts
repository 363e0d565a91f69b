/**
 * The Direct Line channel's storage port: conversations and their activities, numbered by a
 * per-conversation watermark, so that a client resumes from where it was and a restart
 * loses nothing. The SQLite implementation is the default; every implementation runs the
 * contract suite in `tests/contract/`.
 */

/** A stored activity with its position in the conversation. */
export interface StoredActivity {
  /** Position in the conversation, from 1. */
  seq: number;
  activity: Record<string, unknown> & { id: string };
}

/** A conversation of the channel. */
export interface ChannelConversation {
  id: string;
  userId: string;
  createdAt: string;
  /** Whether the bot has been told the conversation started. */
  started: boolean;
}

/** Storage of the Direct Line channel. */
export interface DirectLineStore {
  createConversation(id: string, userId: string): Promise<ChannelConversation>;
  getConversation(id: string): Promise<ChannelConversation | undefined>;
  /** Marks a conversation started; true only for the call that started it. */
  markStarted(id: string): Promise<boolean>;
  /**
   * Appends an activity, giving it the id `{conversationId}|{seq}` when it has none.
   * Throws `StorageError` (`STORAGE_INVALID`) for an unknown conversation.
   */
  append(conversationId: string, activity: Record<string, unknown>): Promise<StoredActivity>;
  /** Replaces a stored activity (same id, same position); false when it does not exist. */
  update(conversationId: string, activityId: string, activity: Record<string, unknown>): Promise<boolean>;
  /** Activities after a watermark (0 for all), oldest first, at most `limit`. */
  after(conversationId: string, watermark: number, limit?: number): Promise<StoredActivity[]>;
  /**
   * Retention: deletes the conversations whose last activity (their creation, when they have
   * none) is before `beforeIso`, with their activities. Idempotent.
   */
  purgeIdleBefore(beforeIso: string): Promise<{ conversations: number; activities: number }>;
  /**
   * Erasure at the person's request: removes every message of the conversation. The
   * conversation stays usable (its token still works) and later activities keep higher
   * positions than any a client saw; at most one content-free `event` activity named
   * `erased` stands in for what was removed. Returns how many activities were erased.
   */
  eraseActivities(conversationId: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
