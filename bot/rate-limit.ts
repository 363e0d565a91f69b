/**
 * A token-bucket rate limiter per key (an IP address, a conversation). In memory: each
 * instance limits what reaches it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `burst` requests at once, refilled at `perMinute` a minute. */
  constructor(private readonly burst: number, private readonly perMinute: number, private readonly now: () => number = () => Date.now()) {}

  /** True when the request may go ahead (and counts it). */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 60000) * this.perMinute);
    b.at = t;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 10000) this.prune(t);
    return ok;
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) if (t - b.at > 10 * 60000) this.buckets.delete(k);
  }
}
