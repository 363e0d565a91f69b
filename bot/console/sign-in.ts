/**
 * Signing in with a local account, shared by the agent console and the knowledge editor:
 * rate-limited per address, constant-time password check, the same answer for an unknown
 * account and a wrong password (nobody learns which accounts exist).
 */
import type { AgentAccount } from './accounts';
import { verifyPassword } from './accounts';
import type { RateLimiter } from '../rate-limit';

/** The outcome of a sign-in. */
export type SignIn =
  | { ok: true; who: { id: string; name: string } }
  | { ok: false; status: 401 | 429; code: 'BadCredentials' | 'TooManyRequests'; message: string; reason?: string };

/** Checks a sign-in body against local accounts. */
export function signInLocally(accounts: readonly AgentAccount[], body: Record<string, unknown>, limiter: RateLimiter, address: string): SignIn {
  if (!limiter.take(address)) return { ok: false, status: 429, code: 'TooManyRequests', message: 'too many sign-in attempts; wait a minute' };
  const account = accounts.find((a) => a.username === body.username);
  if (!account || typeof body.password !== 'string' || !verifyPassword(body.password, account.passwordHash)) {
    return { ok: false, status: 401, code: 'BadCredentials', message: 'wrong username or password', reason: account ? 'password' : 'unknown account' };
  }
  return { ok: true, who: { id: `local:${account.username}`, name: account.name } };
}
