/**
 * Abuse limits kept in memory, per key (an IP address, a conversation): a token-bucket
 * rate limiter and a bound on the work in flight. Each instance limits what reaches it.
 */
import type { Response } from 'restify';

/** A token-bucket rate limiter per key. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * `burst` requests at once, refilled at `perMinute` a minute. At most `maxKeys` keys are
   * remembered (the least recently seen are forgotten first), so that a flood of distinct
   * keys cannot grow the memory without end.
   */
  constructor(private readonly burst: number, private readonly perMinute: number, private readonly now: () => number = () => Date.now(), private readonly maxKeys = 100_000) {}

  /** `perMinute` a minute, with bursts of up to half of it (at least one). */
  static perMinute(perMinute: number): RateLimiter {
    return new RateLimiter(Math.max(1, Math.ceil(perMinute / 2)), perMinute);
  }

  /** True when the request may go ahead (and counts it). */
  take(key: string): boolean {
    const t = this.now();
    const b = this.refill(key, t);
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    // Re-inserted: the map's order is the order of last use.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > Math.min(10000, this.maxKeys)) this.prune(t);
    return ok;
  }

  /** Keys remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Whole seconds until `take(key)` would succeed again (at least 1). */
  retryAfterSeconds(key: string): number {
    const b = this.refill(key, this.now());
    if (b.tokens >= 1) return 1;
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / this.perMinute));
  }

  private refill(key: string, t: number): { tokens: number; at: number } {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 60000) * this.perMinute);
    b.at = t;
    return b;
  }

  private prune(t: number): void {
    // Oldest first: stop at the first key seen within the last ten minutes.
    for (const [k, b] of this.buckets) {
      if (t - b.at <= 10 * 60000) break;
      this.buckets.delete(k);
    }
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(k);
    }
  }
}

/**
 * A bound on the work in flight per key (turns of one conversation waiting or running):
 * beyond `max`, new work is refused rather than queued without end.
 */
export class InFlightLimit {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more unit for `key`; false (nothing counted) when the key is at its bound. */
  enter(key: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(key, n + 1);
    return true;
  }

  /** Releases one unit of `key`. */
  leave(key: string): void {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }

  /** Units in flight for a key. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
}

/**
 * Answers 429 with a `Retry-After` header and the usual JSON error body (`code`, a message
 * the person can read, `retryAfterSeconds`).
 */
export function sendTooMany(res: Response, code: string, message: string, retryAfterSeconds: number): void {
  res.setHeader('retry-after', String(retryAfterSeconds));
  res.send(429, { error: { code, message, retryAfterSeconds } });
}
