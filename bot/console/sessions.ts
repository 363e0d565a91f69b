/**
 * Console sessions: a signed, expiring token naming the agent, sent by the console as a
 * Bearer header (no cookie, so no cross-site request can use it).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** The agent a session belongs to. */
export interface SessionAgent {
  id: string;
  name: string;
}

/** Issues and checks console sessions. */
export class Sessions {
  private readonly key: Buffer;

  /** `purpose` keys the signatures: a session for one purpose (agents) is refused for another (editors). */
  constructor(secret: string, readonly ttlSeconds: number, private readonly now: () => number = () => Date.now(), purpose = 'console-sessions-v1') {
    this.key = createHmac('sha256', secret).update(purpose).digest();
  }

  issue(agent: SessionAgent): { token: string; expires_in: number } {
    const payload = Buffer.from(JSON.stringify({ ...agent, exp: Math.floor(this.now() / 1000) + this.ttlSeconds, n: randomBytes(6).toString('base64url') })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expires_in: this.ttlSeconds };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  /** The agent of a valid session token, or undefined. */
  verify(token: string | undefined): SessionAgent | undefined {
    const [payload, signature] = (token ?? '').split('.');
    if (!payload || !signature) return undefined;
    const a = Buffer.from(this.sign(payload));
    const b = Buffer.from(signature);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionAgent & { exp: number };
      if (claims.exp * 1000 <= this.now()) return undefined;
      return { id: claims.id, name: claims.name };
    } catch {
      return undefined;
    }
  }
}
