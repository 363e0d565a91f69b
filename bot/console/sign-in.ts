/**
 * Signing in with a local account, shared by the agent console and the knowledge editor:
 * rate-limited per address, constant-time password check, the same answer for an unknown
 * account and a wrong password (nobody learns which accounts exist).
 */
import type { AgentAccount } from './accounts';
import { hashPassword, verifyPasswordAsync } from './accounts';
import type * as restify from 'restify';
import { RateLimiter, sendTooMany } from '../rate-limit';
import { clientAddress } from '../client-address';
import type { Logger } from '../logger';
import type { EntraValidator } from './entra';
import type { Sessions } from './sessions';

/** The outcome of a sign-in. */
export type SignIn =
  | { ok: true; who: { id: string; name: string } }
  | { ok: false; status: 401 | 429; code: 'BadCredentials' | 'TooManyRequests'; message: string; reason?: string };

/**
 * A hash checked when the account does not exist, so that an unknown username costs the same
 * scrypt time as a wrong password (the answer's delay does not tell which accounts exist).
 */
let decoy: string | undefined;

/** Checks a sign-in body against local accounts. */
export async function signInLocally(accounts: readonly AgentAccount[], body: Record<string, unknown>, limiter: RateLimiter, address: string): Promise<SignIn> {
  if (!limiter.take(address)) return { ok: false, status: 429, code: 'TooManyRequests', message: 'too many sign-in attempts; wait a minute' };
  const account = accounts.find((a) => a.username === body.username);
  const password = typeof body.password === 'string' ? body.password : '';
  const matches = await verifyPasswordAsync(password, account?.passwordHash ?? (decoy ??= hashPassword('decoy password, never valid')));
  if (!account || typeof body.password !== 'string' || !matches) {
    return { ok: false, status: 401, code: 'BadCredentials', message: 'wrong username or password', reason: account ? 'password' : 'unknown account' };
  }
  return { ok: true, who: { id: `local:${account.username}`, name: account.name } };
}

/** What the sign-in routes of one area (the console, the editor) need. */
export interface SignInRoutes {
  /** `/api/console` or `/api/editor`: `/login` and `/sso` are mounted under it. */
  prefix: string;
  /** Who signs in there: the response names them under this key, the logs by it. */
  role: 'agent' | 'editor';
  /** The log label of the area ("console", "editor"). */
  area: string;
  accounts: readonly AgentAccount[];
  sessions: Sessions;
  entra?: EntraValidator;
  /** The Entra ID app role a Teams user must hold. */
  entraRole: string;
  trustProxy: number;
  logger: Logger;
}

/**
 * Mounts `POST {prefix}/login` (local account) and `POST {prefix}/sso` (Teams single sign-on
 * with the area's app role). Password guesses per client address: 5 at once, then 10 a
 * minute; Teams sign-ins (signed tokens, nothing to guess) more loosely, against CPU
 * exhaustion only. Each area has its own limiters and its own session key.
 */
export function mountSignIn(server: restify.Server, o: SignInRoutes): void {
  const signInLimiter = new RateLimiter(5, 10);
  const ssoLimiter = new RateLimiter(30, 60);
  // Block bodies on purpose: an async restify handler must return nothing, or restify logs
  // the whole request (a sign-in body included).
  const fail = (res: restify.Response, status: number, code: string, message: string): void => {
    res.send(status, { error: { code, message } });
  };
  const tooMany = (req: restify.Request, res: restify.Response, limiter: RateLimiter, address: string): void => {
    o.logger.warn(`${o.area} sign-in attempts limited`, { route: req.path() });
    sendTooMany(res, 'TooManyRequests', 'too many sign-in attempts; wait a minute', limiter.retryAfterSeconds(address));
  };
  const bodyOf = (req: restify.Request): Record<string, unknown> =>
    req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};

  server.post(`${o.prefix}/login`, async (req: restify.Request, res: restify.Response) => {
    const address = clientAddress(req, o.trustProxy);
    const result = await signInLocally(o.accounts, bodyOf(req), signInLimiter, address);
    if (!result.ok && result.status === 429) { tooMany(req, res, signInLimiter, address); return; }
    if (!result.ok) {
      if (result.reason) o.logger.warn(`${o.area} sign-in refused`, { reason: result.reason });
      fail(res, result.status, result.code, result.message);
      return;
    }
    res.send(200, { ...o.sessions.issue(result.who), [o.role]: result.who });
  });

  server.post(`${o.prefix}/sso`, async (req: restify.Request, res: restify.Response) => {
    const token = bodyOf(req).token;
    if (!o.entra) { fail(res, 404, 'NotConfigured', 'Teams sign-in is not configured'); return; }
    if (typeof token !== 'string') { fail(res, 400, 'BadArgument', 'token is required'); return; }
    const address = clientAddress(req, o.trustProxy);
    if (!ssoLimiter.take(address)) { tooMany(req, res, ssoLimiter, address); return; }
    try {
      // Any user of the tenant gets a valid token for the tab: only the area's app role opens it.
      const who = await o.entra.validateWithRoles(token);
      if (!who.roles.includes(o.entraRole)) throw new Error(`no ${o.entraRole} role`);
      const person = { id: who.id, name: who.name };
      res.send(200, { ...o.sessions.issue(person), [o.role]: person });
    } catch (err) {
      o.logger.warn(`${o.area} SSO refused`, { reason: (err as Error).message });
      fail(res, 401, 'BadToken', `the Teams sign-in could not be validated, or you are not an ${o.role}`);
    }
  });
}
