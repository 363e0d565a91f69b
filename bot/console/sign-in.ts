/**
 * Signing in with a local account, shared by the agent console and the knowledge editor:
 * rate-limited per address, constant-time password check, the same answer for an unknown
 * account and a wrong password (nobody learns which accounts exist).
 */
import type { AgentAccount } from './accounts';
import { hashPassword, verifyPasswordAsync } from './accounts';
import type { RateLimiter } from '../rate-limit';

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
