/**
 * Local agent accounts for the embedded default (outside Teams): passwords kept as scrypt
 * hashes, never in clear.
 *
 *   npm run --silent agent-hash -- 'a long passphrase'   # prints the hash to put in AGENT_ACCOUNTS
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'crypto';

/** A configured agent account. */
export interface AgentAccount {
  username: string;
  name: string;
  passwordHash: string;
}

const N = 16384;

/** A salted scrypt hash, written `scrypt$N$salt$hash`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N });
  return `scrypt$${N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether a password matches a hash (constant time). */
export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * {@link verifyPassword} off the event loop (scrypt runs in libuv's thread pool): the tens of
 * milliseconds a check costs do not hold up the other requests.
 */
export async function verifyPasswordAsync(password: string, stored: string): Promise<boolean> {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

if (require.main === module) {
  const password = process.argv[2];
  if (!password || password.length < 12) {
    process.stderr.write('usage: agent-hash <password of 12 characters or more>\n');
    process.exitCode = 2;
  } else process.stdout.write(`${hashPassword(password)}\n`);
}
