/**
 * Direct Line tokens: signed (HMAC-SHA256), expiring, bound to one conversation and one
 * user. A token can never be used for another conversation; a forged or altered token
 * fails its signature, an old one its expiry.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'crypto';

/** What a token says. */
export interface TokenClaims {
  /** Conversation id. */
  conv: string;
  /** User id the channel gives the person. */
  user: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Unique id. */
  jti: string;
}

/** Why a token was refused; maps to 401 (missing) or 403 (everything else). */
export type TokenProblem = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'wrong-conversation';

/** A token refusal. */
export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(
      {
        missing: 'an Authorization: Bearer token is required',
        malformed: 'the token is malformed',
        'bad-signature': 'the token is not valid',
        expired: 'the token has expired; start or refresh the conversation',
        'wrong-conversation': 'the token is not valid for this conversation',
      }[problem],
    );
    this.name = 'TokenError';
  }

  /** HTTP status for this refusal. */
  get status(): 401 | 403 {
    return this.problem === 'missing' ? 401 : 403;
  }
}

const b64url = (buf: Buffer): string => buf.toString('base64url');

/** Issues and verifies tokens with a key derived from the Direct Line secret. */
export class TokenService {
  private readonly key: Buffer;

  constructor(secret: string, readonly ttlSeconds: number, private readonly now: () => number = () => Date.now()) {
    this.key = createHmac('sha256', secret).update('directline-token-signing-v1').digest();
  }

  /** A new token for a conversation and user. */
  issue(conv: string, user: string): { token: string; expires_in: number; claims: TokenClaims } {
    const iat = Math.floor(this.now() / 1000);
    const claims: TokenClaims = { conv, user, iat, exp: iat + this.ttlSeconds, jti: b64url(randomBytes(9)) };
    const payload = b64url(Buffer.from(JSON.stringify(claims)));
    return { token: `${payload}.${this.sign(payload)}`, expires_in: this.ttlSeconds, claims };
  }

  private sign(payload: string): string {
    return b64url(createHmac('sha256', this.key).update(payload).digest());
  }

  /** The claims of a valid, unexpired token; throws {@link TokenError} otherwise. */
  verify(token: string | undefined, conversationId?: string): TokenClaims {
    if (!token) throw new TokenError('missing');
    const parts = token.split('.');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new TokenError('malformed');
    const [payload, signature] = parts as [string, string];
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new TokenError('bad-signature');
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      throw new TokenError('malformed');
    }
    if (typeof claims.conv !== 'string' || typeof claims.exp !== 'number') throw new TokenError('malformed');
    if (claims.exp * 1000 <= this.now()) throw new TokenError('expired');
    if (conversationId !== undefined && claims.conv !== conversationId) throw new TokenError('wrong-conversation');
    return claims;
  }
}

/** A new random id for a conversation or a user. */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}
