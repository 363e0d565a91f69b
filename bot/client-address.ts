/**
 * The address of the person behind a request, for per-visitor limits. Behind a reverse
 * proxy or App Service every request comes from the proxy: with `TRUST_PROXY=n`, the
 * address is taken from `X-Forwarded-For`, n entries from the right (the ones our own
 * proxies appended); what a client writes further left is never trusted.
 */
import type { IncomingMessage } from 'http';

/** The client address of a request, trusting `hops` proxies in front of the service. */
export function clientAddress(req: IncomingMessage, hops: number): string {
  const direct = req.socket.remoteAddress ?? 'unknown';
  if (hops <= 0) return direct;
  const header = req.headers['x-forwarded-for'];
  const list = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The nearest proxy appended the last entry; the client is `hops` entries from the right.
  return list[list.length - hops] ?? list[0] ?? direct;
}
