/**
 * Links for a person to download the transcript of their conversation with an agent:
 * signed and expiring, so that a link reveals one transcript to whoever holds it, and for a
 * limited time only.
 */
import { createHmac, timingSafeEqual } from 'crypto';
import * as restify from 'restify';
import type { HandoffStore } from '../../storage/handoff-store';

/** Signs and checks transcript links. */
export class TranscriptLinks {
  private readonly key: Buffer;

  constructor(secret: string, private readonly base: string, private readonly ttlSeconds = 7 * 86400, private readonly now: () => number = () => Date.now()) {
    this.key = createHmac('sha256', secret).update('transcript-links-v1').digest();
  }

  private sign(id: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${id}.${expires}`).digest('base64url');
  }

  /** The download link of a request's transcript (relative when no public URL is set). */
  url(requestId: string): string {
    const expires = Math.floor(this.now() / 1000) + this.ttlSeconds;
    return `${this.base}/api/transcripts/${encodeURIComponent(requestId)}?e=${expires}&s=${this.sign(requestId, expires)}`;
  }

  /** Whether a link's signature and expiry are valid. */
  valid(requestId: string, expires: string | undefined, signature: string | undefined): boolean {
    const e = Number(expires);
    if (!signature || !Number.isInteger(e) || e * 1000 < this.now()) return false;
    const expected = Buffer.from(this.sign(requestId, e));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/** Mounts `GET /api/transcripts/:id`: the transcript as plain text, for a valid link. */
export function mountTranscripts(server: restify.Server, links: TranscriptLinks, store: HandoffStore): void {
  server.get('/api/transcripts/:id', async (req: restify.Request, res: restify.Response) => {
    const id = String(req.params.id ?? '');
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    if (!links.valid(id, q.e, q.s)) {
      res.send(403, { error: { code: 'Forbidden', message: 'this link is not valid or has expired' } });
      return;
    }
    const request = await store.get(id);
    if (!request) {
      res.send(404, { error: { code: 'NotFound', message: 'this conversation no longer exists' } });
      return;
    }
    const who = { person: 'Vous / You', bot: 'Assistant', agent: request.owner ? `${request.owner.name} (préfecture)` : 'Agent' };
    const lines = (await store.transcript(id)).map((l) => `[${l.at.slice(0, 16).replace('T', ' ')} UTC] ${who[l.from]}: ${l.text}`);
    const body = `Préfecture — conversation ${request.createdAt.slice(0, 10)}\n\n${lines.join('\n')}\n`;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="conversation-${request.createdAt.slice(0, 10)}.txt"`);
    res.sendRaw(200, body);
  });
}
