/**
 * Security headers on every response (pages, assets, APIs, errors):
 *
 * - `Content-Security-Policy`: scripts only from this origin (no inline script, no `eval`);
 *   styles from this origin plus the `<style>` elements carrying this response's nonce (Web
 *   Chat injects its styles that way); connections to this origin (and its WebSocket) and,
 *   in `azure` Direct Line mode, to the Azure Direct Line domain; no plugin, no `<base>`.
 * - `frame-ancestors`: the Teams tabs (`/console`, `/editeur`) may be framed by Microsoft
 *   Teams only (and this origin); the public pages (`/`, `/indicateurs`, `/confidentialite`)
 *   by this origin or the origins listed in `FRAME_ANCESTORS` (a préfecture's website framing
 *   the assistant); everything else by this origin only.
 * - `Strict-Transport-Security` when the service is reached over https (`PUBLIC_URL` in
 *   https, or a trusted proxy saying so in `X-Forwarded-Proto`); a browser ignores it over
 *   plain http anyway.
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`
 *   (no path, which may hold a conversation id, leaves for another site), a
 *   `Permissions-Policy` turning off the devices and APIs none of the pages use, and
 *   `Cross-Origin-Opener-Policy: same-origin` outside the Teams tabs.
 *
 * The per-response nonce is read by the page handler ({@link nonceOf}), which writes it on the
 * page's `<script>` elements: the page scripts read it from `document.currentScript.nonce`
 * and hand it to Web Chat.
 */
import { randomBytes } from 'crypto';
import type * as restify from 'restify';

/** The origins of Microsoft Teams (web, desktop and the new cloud.microsoft domain). */
export const TEAMS_FRAME_ANCESTORS: readonly string[] = ['https://teams.microsoft.com', 'https://*.teams.microsoft.com', 'https://teams.cloud.microsoft'];

/** Teams' library fetches its list of valid host domains from Microsoft's CDN. */
const TEAMS_CONNECT = ['https://res.cdn.office.net'];

/** Pages shown as Microsoft Teams tabs. */
const TEAMS_TABS = new Set(['/console', '/editeur']);
/** Public pages a préfecture may frame on its own website. */
const PUBLIC_PAGES = new Set(['/', '/indicateurs', '/indicators', '/confidentialite', '/privacy']);

/** One year, the usual value for HSTS. */
const HSTS_SECONDS = 31536000;

/** Devices and APIs none of the pages use. */
const PERMISSIONS_POLICY = ['accelerometer', 'camera', 'display-capture', 'geolocation', 'gyroscope', 'hid', 'magnetometer', 'microphone', 'midi', 'payment', 'serial', 'usb'].map((f) => `${f}=()`).join(', ');

/** What the headers depend on. */
export interface SecurityHeaderOptions {
  /** `PUBLIC_URL`: in https, HSTS is always sent. */
  publicUrl: string;
  /** Origins, besides this one, allowed to frame the public pages (`FRAME_ANCESTORS`). */
  frameAncestors: readonly string[];
  /** Extra origins the pages connect to (the Azure Direct Line domain in `azure` mode). */
  connectOrigins: readonly string[];
  /** Proxies in front of the service: their `X-Forwarded-Proto` is trusted. */
  trustProxy: number;
}

const nonces = new WeakMap<object, string>();
const STYLE_SRC = "style-src 'self'";

/**
 * The nonce of a response (the same for the header and the page), made when a page asks for
 * it: only pages carry one, so an API response does not pay for random bytes it never uses.
 * The policy already set on the response is widened to admit the nonce's styles.
 */
export function nonceOf(res: restify.Response): string {
  let nonce = nonces.get(res);
  if (!nonce) {
    nonce = randomBytes(18).toString('base64');
    nonces.set(res, nonce);
    const policy = res.getHeader('content-security-policy');
    if (typeof policy === 'string') res.setHeader('content-security-policy', policy.replace(STYLE_SRC, `${STYLE_SRC} 'nonce-${nonce}'`));
  }
  return nonce;
}

/** The origin of a URL and its WebSocket twin (`https://a` → `https://a wss://a`). */
export function originsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const ws = u.protocol === 'https:' ? 'wss:' : 'ws:';
    return [u.origin, `${ws}//${u.host}`];
  } catch {
    return [];
  }
}

/** The frame ancestors allowed for a path. */
export function frameAncestorsFor(path: string, options: Pick<SecurityHeaderOptions, 'frameAncestors'>): string[] {
  if (TEAMS_TABS.has(path)) return ["'self'", ...TEAMS_FRAME_ANCESTORS];
  if (PUBLIC_PAGES.has(path)) return ["'self'", ...options.frameAncestors];
  return ["'self'"];
}

/** The Content-Security-Policy of a response. */
export function contentSecurityPolicy(path: string, nonce: string | undefined, host: string | undefined, options: SecurityHeaderOptions): string {
  // 'self' covers the same-origin WebSocket in current browsers; the explicit ws(s) source is
  // for the others. The host comes from PUBLIC_URL, else from the request (checked).
  const self = options.publicUrl ? originsOf(options.publicUrl) : host && /^[a-z0-9.-]+(:\d{1,5})?$/i.test(host) ? [`ws://${host}`, `wss://${host}`] : [];
  const connect = ["'self'", ...self, ...options.connectOrigins, ...(TEAMS_TABS.has(path) ? TEAMS_CONNECT : [])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    nonce ? `${STYLE_SRC} 'nonce-${nonce}'` : STYLE_SRC,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestorsFor(path, options).join(' ')}`,
  ].join('; ');
}

/** Whether the request reached the service over https. */
function overHttps(req: restify.Request, options: SecurityHeaderOptions): boolean {
  if (options.publicUrl.startsWith('https://')) return true;
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  if (options.trustProxy > 0) {
    const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',').pop()?.trim().toLowerCase();
    return proto === 'https';
  }
  return false;
}

/** Sets the security headers on a response. */
export function setSecurityHeaders(req: restify.Request, res: restify.Response, options: SecurityHeaderOptions): void {
  const path = req.path();
  res.setHeader('content-security-policy', contentSecurityPolicy(path, undefined, req.headers.host, options));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
  res.setHeader('permissions-policy', PERMISSIONS_POLICY);
  // Older browsers without frame-ancestors: same origin only, except where a list applies.
  if (frameAncestorsFor(path, options).length === 1) res.setHeader('x-frame-options', 'SAMEORIGIN');
  // A tab keeps its opener (Teams' authentication pop-ups); other pages are isolated.
  if (!TEAMS_TABS.has(path)) res.setHeader('cross-origin-opener-policy', 'same-origin');
  if (overHttps(req, options)) res.setHeader('strict-transport-security', `max-age=${HSTS_SECONDS}`);
}

/** Mounts the headers on every request, before routing (404s and refusals get them too). */
export function mountSecurityHeaders(server: restify.Server, options: SecurityHeaderOptions): void {
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    setSecurityHeaders(req, res, options);
    return next();
  });
}
