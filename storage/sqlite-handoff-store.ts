/**
 * Handoff requests and transcripts in SQLite (the embedded default). Taking a request is a
 * single conditional update, so two agents clicking at once give one owner.
 */
import { SqliteStore } from './sqlite';
import { randomUUID } from 'crypto';
import { HandoffRequest, HandoffState, HandoffStore, TranscriptLine } from './handoff-store';
import { StorageError } from './port';

interface Row {
  id: string;
  conversation_id: string;
  channel_id: string;
  reference: string;
  lang: string;
  topic: string | null;
  summary: string;
  state: HandoffState;
  created_at: string;
  taken_at: string | null;
  closed_at: string | null;
  owner: string | null;
  contact: string | null;
  message: string | null;
  thread: string | null;
  thread_conversation: string | null;
  rating: number | null;
  comment: string | null;
}

const toRequest = (r: Row): HandoffRequest => ({
  id: r.id,
  conversationId: r.conversation_id,
  channelId: r.channel_id,
  reference: JSON.parse(r.reference) as Record<string, unknown>,
  lang: r.lang,
  topic: r.topic ?? undefined,
  summary: r.summary,
  state: r.state,
  createdAt: r.created_at,
  takenAt: r.taken_at ?? undefined,
  closedAt: r.closed_at ?? undefined,
  owner: r.owner ? (JSON.parse(r.owner) as { id: string; name: string }) : undefined,
  contact: r.contact ?? undefined,
  message: r.message ?? undefined,
  thread: r.thread ? (JSON.parse(r.thread) as HandoffRequest['thread']) : undefined,
  rating: r.rating ?? undefined,
  comment: r.comment ?? undefined,
});

/** {@link HandoffStore} on an SQLite file. */
export class SqliteHandoffStore extends SqliteStore implements HandoffStore {

  /** `now` dates the requests and transcripts (injected by tests that move the clock). */
  constructor(file: string, private readonly now: () => Date = () => new Date()) {
    super(file, `
      CREATE TABLE IF NOT EXISTS handoff_requests (
        id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, channel_id TEXT NOT NULL, reference TEXT NOT NULL,
        lang TEXT NOT NULL, topic TEXT, summary TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
        taken_at TEXT, closed_at TEXT, owner TEXT, contact TEXT, message TEXT,
        thread TEXT, thread_conversation TEXT, rating INTEGER, comment TEXT
      );
      CREATE INDEX IF NOT EXISTS handoff_by_thread ON handoff_requests (thread_conversation);
      CREATE INDEX IF NOT EXISTS handoff_by_conversation ON handoff_requests (conversation_id, state);
      CREATE INDEX IF NOT EXISTS handoff_by_state ON handoff_requests (state, created_at);
      CREATE TABLE IF NOT EXISTS handoff_transcripts (
        request_id TEXT NOT NULL REFERENCES handoff_requests(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, sender TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL,
        PRIMARY KEY (request_id, seq)
      );
    `);
  }


  async create(r: Omit<HandoffRequest, 'id' | 'createdAt'>): Promise<HandoffRequest> {
    const request: HandoffRequest = { ...r, id: randomUUID(), createdAt: this.now().toISOString() };
    this.open()
      .prepare(`INSERT INTO handoff_requests (id, conversation_id, channel_id, reference, lang, topic, summary, state, created_at, contact, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(request.id, r.conversationId, r.channelId, JSON.stringify(r.reference), r.lang, r.topic ?? null, r.summary, r.state, request.createdAt, r.contact ?? null, r.message ?? null);
    return request;
  }

  async get(id: string): Promise<HandoffRequest | undefined> {
    const row = this.open().prepare<[string], Row>('SELECT * FROM handoff_requests WHERE id = ?').get(id);
    return row ? toRequest(row) : undefined;
  }

  async active(conversationId: string): Promise<HandoffRequest | undefined> {
    const row = this.open()
      .prepare<[string], Row>("SELECT * FROM handoff_requests WHERE conversation_id = ? AND state IN ('waiting', 'agent') ORDER BY created_at DESC LIMIT 1")
      .get(conversationId);
    return row ? toRequest(row) : undefined;
  }

  async latest(conversationId: string): Promise<HandoffRequest | undefined> {
    const row = this.open().prepare<[string], Row>('SELECT * FROM handoff_requests WHERE conversation_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(conversationId);
    return row ? toRequest(row) : undefined;
  }

  async withAgent(): Promise<HandoffRequest[]> {
    return this.open().prepare<[], Row>("SELECT * FROM handoff_requests WHERE state = 'agent' ORDER BY created_at, rowid").all().map(toRequest);
  }

  async rate(id: string, rating: number, comment?: string): Promise<void> {
    this.open().prepare('UPDATE handoff_requests SET rating = ?, comment = COALESCE(?, comment) WHERE id = ?').run(rating, comment ?? null, id);
  }

  async waiting(): Promise<HandoffRequest[]> {
    return this.open().prepare<[], Row>("SELECT * FROM handoff_requests WHERE state = 'waiting' ORDER BY created_at, rowid").all().map(toRequest);
  }

  async messages(): Promise<HandoffRequest[]> {
    return this.open().prepare<[], Row>("SELECT * FROM handoff_requests WHERE state = 'message' ORDER BY created_at, rowid").all().map(toRequest);
  }

  async position(id: string): Promise<number> {
    const db = this.open();
    const me = db.prepare<[string], { created_at: string; rowid: number; state: string }>('SELECT created_at, rowid, state FROM handoff_requests WHERE id = ?').get(id);
    if (!me || me.state !== 'waiting') return 0;
    const { n } = db
      .prepare<[string, string, number], { n: number }>("SELECT COUNT(*) AS n FROM handoff_requests WHERE state = 'waiting' AND (created_at < ? OR (created_at = ? AND rowid < ?))")
      .get(me.created_at, me.created_at, me.rowid)!;
    return n + 1;
  }

  async take(id: string, owner: { id: string; name: string }): Promise<boolean> {
    const r = this.open()
      .prepare("UPDATE handoff_requests SET state = 'agent', owner = ?, taken_at = ? WHERE id = ? AND state = 'waiting'")
      .run(JSON.stringify(owner), this.now().toISOString(), id);
    return r.changes === 1;
  }

  async setState(id: string, state: Exclude<HandoffState, 'agent'>): Promise<void> {
    const ends = state === 'closed' || state === 'cancelled' || state === 'expired';
    this.open()
      .prepare(`UPDATE handoff_requests SET state = ?, closed_at = ${ends ? '?' : 'closed_at'} ${state === 'waiting' ? ', owner = NULL' : ''} WHERE id = ?`)
      .run(...(ends ? [state, this.now().toISOString(), id] : [state, id]));
  }

  async attachThread(id: string, thread: NonNullable<HandoffRequest['thread']>): Promise<void> {
    this.open().prepare('UPDATE handoff_requests SET thread = ?, thread_conversation = ? WHERE id = ?').run(JSON.stringify(thread), thread.conversationId, id);
  }

  async byThread(threadConversationId: string): Promise<HandoffRequest | undefined> {
    // Replies in a Teams thread carry the thread's id: "{channel};messageid={root message}".
    const row = this.open()
      .prepare<[string], Row>('SELECT * FROM handoff_requests WHERE thread_conversation = ? ORDER BY created_at DESC LIMIT 1')
      .get(threadConversationId);
    return row ? toRequest(row) : undefined;
  }

  async appendTranscript(id: string, line: Omit<TranscriptLine, 'at'>): Promise<void> {
    const db = this.open();
    db.transaction(() => {
      const { next } = db.prepare<[string], { next: number }>('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM handoff_transcripts WHERE request_id = ?').get(id)!;
      db.prepare('INSERT INTO handoff_transcripts (request_id, seq, sender, text, at) VALUES (?, ?, ?, ?, ?)').run(id, next, line.from, line.text, this.now().toISOString());
    })();
  }

  async transcript(id: string): Promise<TranscriptLine[]> {
    return this.open()
      .prepare<[string], { sender: TranscriptLine['from']; text: string; at: string }>('SELECT sender, text, at FROM handoff_transcripts WHERE request_id = ? ORDER BY seq')
      .all(id)
      .map((r) => ({ from: r.sender, text: r.text, at: r.at }));
  }

  async createdBetween(fromIso: string, toIso: string): Promise<Array<Pick<HandoffRequest, 'createdAt' | 'takenAt' | 'state' | 'rating'>>> {
    return this.open()
      .prepare<[string, string], { created_at: string; taken_at: string | null; state: HandoffState; rating: number | null }>(
        'SELECT created_at, taken_at, state, rating FROM handoff_requests WHERE created_at BETWEEN ? AND ? ORDER BY created_at',
      )
      .all(fromIso, toIso)
      .map((r) => ({ createdAt: r.created_at, takenAt: r.taken_at ?? undefined, state: r.state, rating: r.rating ?? undefined }));
  }

  async recentWaits(limit: number): Promise<number[]> {
    return this.open()
      .prepare<[number], { created_at: string; taken_at: string }>('SELECT created_at, taken_at FROM handoff_requests WHERE taken_at IS NOT NULL ORDER BY taken_at DESC LIMIT ?')
      .all(limit)
      .map((r) => (Date.parse(r.taken_at) - Date.parse(r.created_at)) / 1000);
  }

  async purgeEndedBefore(beforeIso: string): Promise<{ requests: number; lines: number }> {
    return this.clearTexts("state IN ('closed', 'cancelled', 'expired') AND closed_at < ?", [beforeIso], false);
  }

  async eraseConversation(conversationId: string): Promise<{ requests: number; lines: number }> {
    return this.clearTexts('conversation_id = ?', [conversationId], true);
  }

  /** Deletes the transcripts and clears the texts of the requests `where` selects. */
  private clearTexts(where: string, params: string[], unlink: boolean): { requests: number; lines: number } {
    const db = this.open();
    return db.transaction(() => {
      const ids = db.prepare<string[], { id: string }>(`SELECT id FROM handoff_requests WHERE ${where}`).all(...params).map((r) => r.id);
      let requests = 0;
      let lines = 0;
      const del = db.prepare('DELETE FROM handoff_transcripts WHERE request_id = ?');
      const clear = db.prepare(
        `UPDATE handoff_requests SET summary = '', contact = NULL, message = NULL, comment = NULL, reference = '{}'${unlink ? ", conversation_id = ''" : ''}
         WHERE id = ? AND (summary <> '' OR contact IS NOT NULL OR message IS NOT NULL OR comment IS NOT NULL OR reference <> '{}'${unlink ? " OR conversation_id <> ''" : ''})`,
      );
      for (const id of ids) {
        const removed = del.run(id).changes;
        lines += removed;
        if (clear.run(id).changes > 0 || removed > 0) requests++;
      }
      return { requests, lines };
    })();
  }
}
