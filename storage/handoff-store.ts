/**
 * The handoff storage port: requests for a human agent (the queue), their owners and
 * transcripts, and messages left when the desk is closed. Stored, so that a restart in the
 * middle of a handoff loses no request and no message.
 */

/** Where a request stands. */
export type HandoffState = 'waiting' | 'agent' | 'closed' | 'cancelled' | 'expired' | 'message';

/** A request for a human agent. */
export interface HandoffRequest {
  id: string;
  conversationId: string;
  channelId: string;
  /** The conversation reference (JSON), to write to the person proactively. */
  reference: Record<string, unknown>;
  lang: string;
  /** The best-matched catalogue id, when there is one. */
  topic?: string;
  /** A short summary of the conversation so far. */
  summary: string;
  state: HandoffState;
  createdAt: string;
  takenAt?: string;
  closedAt?: string;
  owner?: { id: string; name: string };
  /** Contact details left with consent (closed desk). */
  contact?: string;
  message?: string;
  /** The agents' thread (a Teams channel conversation reference) and its card's id. */
  thread?: { reference: Record<string, unknown>; conversationId: string; cardActivityId: string };
  /** The person's satisfaction (1 to 5) and optional comment, after closing. */
  rating?: number;
  comment?: string;
}

/** A line of a handoff transcript. */
export interface TranscriptLine {
  from: 'person' | 'bot' | 'agent';
  text: string;
  at: string;
}

/** Storage of handoff requests. */
export interface HandoffStore {
  create(request: Omit<HandoffRequest, 'id' | 'createdAt'>): Promise<HandoffRequest>;
  get(id: string): Promise<HandoffRequest | undefined>;
  /** The conversation's most recent request, whatever its state. */
  latest(conversationId: string): Promise<HandoffRequest | undefined>;
  /** Requests with an agent, oldest first. */
  withAgent(): Promise<HandoffRequest[]>;
  /** Records the person's rating and comment. */
  rate(id: string, rating: number, comment?: string): Promise<void>;
  /** The conversation's waiting or ongoing request. */
  active(conversationId: string): Promise<HandoffRequest | undefined>;
  /** Waiting requests, oldest first. */
  waiting(): Promise<HandoffRequest[]>;
  /** Messages left while the desk was closed, oldest first. */
  messages(): Promise<HandoffRequest[]>;
  /** 1-based position of a waiting request in the queue; 0 when it is not waiting. */
  position(id: string): Promise<number>;
  /** Gives a waiting request to an agent; false when someone else took it first. */
  take(id: string, owner: { id: string; name: string }): Promise<boolean>;
  /** Ends or reopens a request. */
  setState(id: string, state: Exclude<HandoffState, 'agent'>): Promise<void>;
  /** Records the agents' thread where the request's card was posted. */
  attachThread(id: string, thread: NonNullable<HandoffRequest['thread']>): Promise<void>;
  /** The request whose card opened this thread (Teams thread conversation id). */
  byThread(threadConversationId: string): Promise<HandoffRequest | undefined>;
  appendTranscript(id: string, line: Omit<TranscriptLine, 'at'>): Promise<void>;
  transcript(id: string): Promise<TranscriptLine[]>;
  /** Requests created between two instants (ISO, inclusive), for the indicators. */
  createdBetween(fromIso: string, toIso: string): Promise<Array<Pick<HandoffRequest, 'createdAt' | 'takenAt' | 'state' | 'rating'>>>;
  /** Seconds between request and take, for the most recent taken requests. */
  recentWaits(limit: number): Promise<number[]>;
  /**
   * Retention: for requests closed, cancelled or expired before `beforeIso`, deletes the
   * transcript and clears the free texts (summary, contact, message, comment) and the
   * person's conversation reference. The rows stay, for the indicators: times, state, topic,
   * language, rating. Counts only requests that still had something to clear. Idempotent.
   */
  purgeEndedBefore(beforeIso: string): Promise<{ requests: number; lines: number }>;
  /**
   * Erasure at the person's request: the same for every request of the conversation,
   * whatever its state (the caller cancels an active one first), which is also unlinked
   * from the conversation (its id cleared).
   */
  eraseConversation(conversationId: string): Promise<{ requests: number; lines: number }>;
  /** True when the store can serve requests (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
