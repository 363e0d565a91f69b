/**
 * Validates the Teams single sign-on token of the console tab against Microsoft Entra ID:
 * RS256 signature by one of the tenant's published keys, audience (the tab's application
 * URI or the app id), issuer and tenant, expiry. The keys are fetched once an hour.
 */
import { createPublicKey, JsonWebKey, verify } from 'crypto';
import type { SessionAgent } from './sessions';

/** What the validator needs to know. */
export interface EntraSettings {
  tenantId: string;
  appId: string;
  /** `api://{host}/{appId}`, from the manifest's webApplicationInfo. */
  resource: string;
}

type Jwk = JsonWebKey & { kid?: string };
/** Reads the tenant's signing keys (injected in tests). */
export type KeyFetcher = (tenantId: string) => Promise<Jwk[]>;

/** The keys published by Entra ID for a tenant. */
export const fetchEntraKeys: KeyFetcher = async (tenantId) => {
  const r = await fetch(`https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`, { signal: AbortSignal.timeout(10000) });
  if (!r.ok) throw new Error(`Entra ID keys answered ${r.status}`);
  return ((await r.json()) as { keys: Jwk[] }).keys;
};

/** Validates Teams SSO tokens. */
export class EntraValidator {
  private cache: { keys: Jwk[]; at: number } | undefined;

  constructor(private readonly settings: EntraSettings, private readonly fetchKeys: KeyFetcher = fetchEntraKeys, private readonly now: () => number = () => Date.now()) {}

  private async keys(): Promise<Jwk[]> {
    if (!this.cache || this.now() - this.cache.at > 3600_000) this.cache = { keys: await this.fetchKeys(this.settings.tenantId), at: this.now() };
    return this.cache.keys;
  }

  /**
   * The key of a token: an unknown key id refetches the keys (Entra ID rolled them over), at
   * most once every 5 minutes so that made-up key ids cannot make the service call Entra ID.
   */
  private async keyFor(kid: string | undefined): Promise<Jwk | undefined> {
    const found = (await this.keys()).find((k) => k.kid === kid);
    if (found || !this.cache || this.now() - this.cache.at < 300_000) return found;
    this.cache = { keys: await this.fetchKeys(this.settings.tenantId), at: this.now() };
    return this.cache.keys.find((k) => k.kid === kid);
  }

  /** The agent named by a valid token; throws with the reason otherwise. */
  async validate(token: string): Promise<SessionAgent> {
    const { id, name } = await this.validateWithRoles(token);
    return { id, name };
  }

  /** The person named by a valid token, with the app roles Entra ID gives them. */
  async validateWithRoles(token: string): Promise<SessionAgent & { roles: string[] }> {
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) throw new Error('malformed token');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; kid?: string };
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'RS256') throw new Error('unexpected signing algorithm');
    const jwk = await this.keyFor(header.kid);
    if (!jwk) throw new Error('unknown signing key');
    const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
    if (!ok) throw new Error('bad signature');
    const t = this.settings.tenantId;
    const issuers = [`https://login.microsoftonline.com/${t}/v2.0`, `https://sts.windows.net/${t}/`];
    if (!issuers.includes(String(claims.iss))) throw new Error('unexpected issuer');
    if (claims.tid !== t) throw new Error('other tenant');
    if (claims.aud !== this.settings.resource && claims.aud !== this.settings.appId) throw new Error('unexpected audience');
    const nowS = this.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= nowS) throw new Error('expired');
    if (typeof claims.nbf === 'number' && claims.nbf > nowS + 300) throw new Error('not yet valid');
    const id = String(claims.oid ?? claims.sub ?? '');
    if (!id) throw new Error('no user id');
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { id, name: String(claims.name ?? claims.preferred_username ?? 'Agent'), roles };
  }
}
