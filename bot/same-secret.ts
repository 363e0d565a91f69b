/**
 * Compares a presented credential with the expected one in constant time, so that the time
 * a refusal takes says nothing about how much of a guess was right.
 */
import { createHash, timingSafeEqual } from 'crypto';

/** True when `given` equals `expected`; hashes first so lengths never differ. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
