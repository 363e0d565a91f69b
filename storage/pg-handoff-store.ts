/**
 * Handoff requests and transcripts in PostgreSQL, for several instances behind one database.
 * Same semantics as the SQLite store: taking a request is one conditional update, so two
 * agents clicking at once (on the same instance or on two) give one owner.
 */
import { randomUUID } from 'crypto';
import { Pool } from 'pg';
import { HandoffRequest, HandoffState, HandoffStore, TranscriptLine } from './handoff-store';
import { migrate, Migration, PgStore } from './pg';
import { StorageError } from './port';

/**
 * The handoff store's schema steps (store name `handoff`).
 *
 * Instants are TIMESTAMPTZ (the store only writes `toISOString()` values, which read back
 * identical); `arrival` is the insertion order, which breaks ties between requests created
 * at the same instant (a frozen test clock) the way SQLite's rowid does.
 * `transcript_lines` is the per-request counter transcript sequence numbers are taken from.
 */
export const PG_HANDOFF_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE handoff_requests (
        id TEXT PRIMARY KEY,
        arrival BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        conversation_id TEXT NOT NULL, channel_id TEXT NOT NULL, reference JSONB NOT NULL,
        lang TEXT NOT NULL, topic TEXT, summary TEXT NOT NULL, state TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, taken_at TIMESTAMPTZ, closed_at TIMESTAMPTZ,
        owner JSONB, contact TEXT, message TEXT, thread JSONB, thread_conversation TEXT,
        rating INTEGER, comment TEXT,
        transcript_lines INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX handoff_by_thread ON handoff_requests (thread_conversation);
      CREATE INDEX handoff_by_conversation ON handoff_requests (conversation_id, state);
      CREATE INDEX handoff_by_state ON handoff_requests (state, created_at, arrival);
      CREATE INDEX handoff_by_taken ON handoff_requests (taken_at) WHERE taken_at IS NOT NULL;
      CREATE TABLE handoff_transcripts (
        request_id TEXT NOT NULL REFERENCES handoff_requests(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (request_id, seq)
      );
    `,
  },
  {
    // The indicators read requests by creation date over weeks and months.
    version: 2,
    name: 'requests by creation date',
    sql: `CREATE INDEX IF NOT EXISTS handoff_by_created ON handoff_requests (created_at);`,
  },
];

interface Row {
  id: string;
  conversation_id: string;
  channel_id: string;
  reference: Record<string, unknown>;
  lang: string;
  topic: string | null;
  summary: string;
  state: HandoffState;
  created_at: Date;
  taken_at: Date | null;
  closed_at: Date | null;
  owner: { id: string; name: string } | null;
  contact: string | null;
  message: string | null;
  thread: HandoffRequest['thread'] | null;
  rating: number | null;
  comment: string | null;
}

/** The columns a request is read from (not the bookkeeping ones). */
const COLUMNS = 'id, conversation_id, channel_id, reference, lang, topic, summary, state, created_at, taken_at, closed_at, owner, contact, message, thread, rating, comment';

const toRequest = (r: Row): HandoffRequest => ({
  id: r.id,
  conversationId: r.conversation_id,
  channelId: r.channel_id,
  reference: r.reference,
  lang: r.lang,
  topic: r.topic ?? undefined,
  summary: r.summary,
  state: r.state,
  createdAt: r.created_at.toISOString(),
  takenAt: r.taken_at?.toISOString(),
  closedAt: r.closed_at?.toISOString(),
  owner: r.owner ?? undefined,
  contact: r.contact ?? undefined,
  message: r.message ?? undefined,
  thread: r.thread ?? undefined,
  rating: r.rating ?? undefined,
  comment: r.comment ?? undefined,
});

/** {@link HandoffStore} on PostgreSQL. */
export class PgHandoffStore extends PgStore implements HandoffStore {
  private constructor(pool: Pool, ownsPool: boolean, private readonly now: () => Date) {
    super(pool, ownsPool);
  }

  /**
   * Applies the pending migrations, then returns the store. `ownsPool`: the store ends the
   * pool when closed (and when opening fails). `now` dates the requests and transcripts
   * (injected by tests that move the clock).
   */
  static async open(pool: Pool, options: { ownsPool: boolean; now?: () => Date }): Promise<PgHandoffStore> {
    try {
      await migrate(pool, 'handoff', PG_HANDOFF_MIGRATIONS);
    } catch (err) {
      // A store that owns its pool must not leave it open behind a failed start.
      if (options.ownsPool) await pool.end().catch(() => undefined);
      throw err;
    }
    return new PgHandoffStore(pool, options.ownsPool, options.now ?? (() => new Date()));
  }

  async create(r: Omit<HandoffRequest, 'id' | 'createdAt'>): Promise<HandoffRequest> {
    const request: HandoffRequest = { ...r, id: randomUUID(), createdAt: this.now().toISOString() };
    await this.query(
      `INSERT INTO handoff_requests (id, conversation_id, channel_id, reference, lang, topic, summary, state, created_at, contact, message)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11)`,
      [request.id, r.conversationId, r.channelId, JSON.stringify(r.reference), r.lang, r.topic ?? null, r.summary, r.state, request.createdAt, r.contact ?? null, r.message ?? null],
    );
    return request;
  }

  async get(id: string): Promise<HandoffRequest | undefined> {
    const [row] = await this.query<Row>(`SELECT ${COLUMNS} FROM handoff_requests WHERE id = $1`, [id]);
    return row ? toRequest(row) : undefined;
  }

  async active(conversationId: string): Promise<HandoffRequest | undefined> {
    const [row] = await this.query<Row>(
      `SELECT ${COLUMNS} FROM handoff_requests WHERE conversation_id = $1 AND state IN ('waiting', 'agent') ORDER BY created_at DESC, arrival DESC LIMIT 1`,
      [conversationId],
    );
    return row ? toRequest(row) : undefined;
  }

  async latest(conversationId: string): Promise<HandoffRequest | undefined> {
    const [row] = await this.query<Row>(`SELECT ${COLUMNS} FROM handoff_requests WHERE conversation_id = $1 ORDER BY created_at DESC, arrival DESC LIMIT 1`, [conversationId]);
    return row ? toRequest(row) : undefined;
  }

  async withAgent(): Promise<HandoffRequest[]> {
    return (await this.query<Row>(`SELECT ${COLUMNS} FROM handoff_requests WHERE state = 'agent' ORDER BY created_at, arrival`)).map(toRequest);
  }

  async rate(id: string, rating: number, comment?: string): Promise<void> {
    await this.query('UPDATE handoff_requests SET rating = $1, comment = COALESCE($2, comment) WHERE id = $3', [rating, comment ?? null, id]);
  }

  async waiting(): Promise<HandoffRequest[]> {
    return (await this.query<Row>(`SELECT ${COLUMNS} FROM handoff_requests WHERE state = 'waiting' ORDER BY created_at, arrival`)).map(toRequest);
  }

  async messages(): Promise<HandoffRequest[]> {
    return (await this.query<Row>(`SELECT ${COLUMNS} FROM handoff_requests WHERE state = 'message' ORDER BY created_at, arrival`)).map(toRequest);
  }

  async position(id: string): Promise<number> {
    // One statement, so the request and those ahead of it are read from the same snapshot.
    const [row] = await this.query<{ ahead: number | null }>(
      `SELECT CASE WHEN me.state = 'waiting' THEN
                (SELECT COUNT(*)::int FROM handoff_requests o WHERE o.state = 'waiting' AND (o.created_at, o.arrival) < (me.created_at, me.arrival))
              END AS ahead
       FROM handoff_requests me WHERE me.id = $1`,
      [id],
    );
    return row && row.ahead !== null ? row.ahead + 1 : 0;
  }

  async take(id: string, owner: { id: string; name: string }): Promise<boolean> {
    // Under READ COMMITTED the second of two concurrent updates waits for the first, then
    // re-checks `state = 'waiting'` on the new row version and updates nothing.
    const rows = await this.query(
      "UPDATE handoff_requests SET state = 'agent', owner = $1::jsonb, taken_at = $2 WHERE id = $3 AND state = 'waiting' RETURNING id",
      [JSON.stringify(owner), this.now().toISOString(), id],
    );
    return rows.length === 1;
  }

  async setState(id: string, state: Exclude<HandoffState, 'agent'>): Promise<void> {
    const ends = state === 'closed' || state === 'cancelled' || state === 'expired';
    // Back in the queue means without an owner; taken_at stays, as in SQLite (it dated the take).
    await this.query(
      `UPDATE handoff_requests SET state = $1::text, closed_at = COALESCE($2::timestamptz, closed_at),
         owner = CASE WHEN $1::text = 'waiting' THEN NULL ELSE owner END
       WHERE id = $3`,
      [state, ends ? this.now().toISOString() : null, id],
    );
  }

  async attachThread(id: string, thread: NonNullable<HandoffRequest['thread']>): Promise<void> {
    await this.query('UPDATE handoff_requests SET thread = $1::jsonb, thread_conversation = $2 WHERE id = $3', [JSON.stringify(thread), thread.conversationId, id]);
  }

  async byThread(threadConversationId: string): Promise<HandoffRequest | undefined> {
    // Replies in a Teams thread carry the thread's id: "{channel};messageid={root message}".
    const [row] = await this.query<Row>(`SELECT ${COLUMNS} FROM handoff_requests WHERE thread_conversation = $1 ORDER BY created_at DESC, arrival DESC LIMIT 1`, [threadConversationId]);
    return row ? toRequest(row) : undefined;
  }

  async appendTranscript(id: string, line: Omit<TranscriptLine, 'at'>): Promise<void> {
    // The counter is incremented by an UPDATE, which waits for and then re-reads a concurrent
    // append's row: two appends get two numbers. (MAX(seq) + 1 would read the statement's
    // snapshot and give both the same number.)
    const rows = await this.query(
      `WITH next AS (UPDATE handoff_requests SET transcript_lines = transcript_lines + 1 WHERE id = $1 RETURNING id, transcript_lines)
       INSERT INTO handoff_transcripts (request_id, seq, sender, text, at) SELECT id, transcript_lines, $2, $3, $4 FROM next RETURNING seq`,
      [id, line.from, line.text, this.now().toISOString()],
    );
    // SQLite refuses a line for an unknown request (foreign key); so does this store.
    if (rows.length === 0) throw new StorageError('STORAGE_INVALID', `no handoff request ${id}`, id);
  }

  async transcript(id: string): Promise<TranscriptLine[]> {
    return (await this.query<{ sender: TranscriptLine['from']; text: string; at: Date }>('SELECT sender, text, at FROM handoff_transcripts WHERE request_id = $1 ORDER BY seq', [id])).map((r) => ({
      from: r.sender,
      text: r.text,
      at: r.at.toISOString(),
    }));
  }

  async createdBetween(fromIso: string, toIso: string): Promise<Array<Pick<HandoffRequest, 'createdAt' | 'takenAt' | 'state' | 'rating'>>> {
    const rows = await this.query<{ created_at: Date; taken_at: Date | null; state: HandoffState; rating: number | null }>(
      'SELECT created_at, taken_at, state, rating FROM handoff_requests WHERE created_at BETWEEN $1::timestamptz AND $2::timestamptz ORDER BY created_at, arrival',
      [fromIso, toIso],
    );
    return rows.map((r) => ({ createdAt: r.created_at.toISOString(), takenAt: r.taken_at?.toISOString(), state: r.state, rating: r.rating ?? undefined }));
  }

  async recentWaits(limit: number): Promise<number[]> {
    const rows = await this.query<{ created_at: Date; taken_at: Date }>('SELECT created_at, taken_at FROM handoff_requests WHERE taken_at IS NOT NULL ORDER BY taken_at DESC LIMIT $1', [limit]);
    return rows.map((r) => (r.taken_at.getTime() - r.created_at.getTime()) / 1000);
  }

  async purgeEndedBefore(beforeIso: string): Promise<{ requests: number; lines: number }> {
    return this.clearTexts("state IN ('closed', 'cancelled', 'expired') AND closed_at < $1", [beforeIso], false);
  }

  async eraseConversation(conversationId: string): Promise<{ requests: number; lines: number }> {
    return this.clearTexts('conversation_id = $1', [conversationId], true);
  }

  /** Deletes the transcripts and clears the texts of the requests `where` selects, in one transaction. */
  private clearTexts(where: string, params: string[], unlink: boolean): Promise<{ requests: number; lines: number }> {
    return this.transaction(async (q) => {
      const ids = (await q<{ id: string }>(`SELECT id FROM handoff_requests WHERE ${where} FOR UPDATE`, params)).map((r) => r.id);
      if (ids.length === 0) return { requests: 0, lines: 0 };
      const deleted = await q<{ request_id: string }>('DELETE FROM handoff_transcripts WHERE request_id = ANY($1::text[]) RETURNING request_id', [ids]);
      const cleared = await q<{ id: string }>(
        `UPDATE handoff_requests SET summary = '', contact = NULL, message = NULL, comment = NULL, reference = '{}'::jsonb${unlink ? ", conversation_id = ''" : ''}
         WHERE id = ANY($1::text[]) AND (summary <> '' OR contact IS NOT NULL OR message IS NOT NULL OR comment IS NOT NULL OR reference <> '{}'::jsonb${unlink ? " OR conversation_id <> ''" : ''})
         RETURNING id`,
        [ids],
      );
      const touched = new Set([...cleared.map((r) => r.id), ...deleted.map((r) => r.request_id)]);
      return { requests: touched.size, lines: deleted.length };
    });
  }
}
