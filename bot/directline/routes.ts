/**
 * The HTTP and WebSocket surface of the Direct Line 3.0 channel, with the status codes and
 * JSON shapes of the Direct Line reference, plus the page's token route and the service's
 * own Bot Connector endpoints (where the adapter posts the bot's replies).
 */
import { clientAddress } from '../client-address';
import * as restify from 'restify';
import type { IncomingMessage } from 'http';
import type { Duplex } from 'stream';
import { timingSafeEqual } from 'crypto';
import { WebSocketServer } from 'ws';
import { Logger } from '../logger';
import { pseudonym } from '../redact';
import { RateLimiter } from '../rate-limit';
import { ChannelError, DirectLineChannel } from './channel';
import { TokenClaims, TokenError } from './tokens';

/** How the website reaches Direct Line. */
export interface WebChatSettings {
  /** `local` (this service) or `azure` (Azure Bot Service's Direct Line). */
  mode: 'local' | 'azure';
  /** Public base URL of this service, when behind a proxy that hides it. */
  publicUrl?: string;
  /** Azure's Direct Line base, for `azure` mode. */
  azureDomain: string;
  /** The Direct Line secret (this service's, or Azure's in `azure` mode). */
  secret: string;
}

type Req = restify.Request;
type Res = restify.Response;

function bearer(req: Req | IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m?.[1];
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fail(res: Res, status: number, code: string, message: string): void {
  res.send(status, { error: { code, message } });
}

function baseUrl(req: Req | IncomingMessage, settings: WebChatSettings): string {
  if (settings.publicUrl) return settings.publicUrl.replace(/\/$/, '');
  const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() || ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost').split(',')[0]!.trim();
  return `${proto}://${host}`;
}

function streamUrl(req: Req, settings: WebChatSettings, conversationId: string, token: string, watermark?: string): string {
  const ws = baseUrl(req, settings).replace(/^http/, 'ws');
  const q = new URLSearchParams({ t: token });
  if (watermark) q.set('watermark', watermark);
  return `${ws}/v3/directline/conversations/${encodeURIComponent(conversationId)}/stream?${q.toString()}`;
}

/** Mounts the channel's routes on the server. Returns a function that stops the stream server. */
export function mountDirectLine(
  server: restify.Server,
  channel: DirectLineChannel,
  settings: WebChatSettings,
  connectorKey: string,
  logger: Logger,
  limits: { tokenPerMinute: number; activitiesPerMinute: number; trustProxy?: number },
): () => void {
  const tokenLimiter = new RateLimiter(Math.max(1, Math.ceil(limits.tokenPerMinute / 2)), limits.tokenPerMinute);
  const activityLimiter = new RateLimiter(Math.max(1, Math.ceil(limits.activitiesPerMinute / 3)), limits.activitiesPerMinute);
  const ip = (req: Req): string => clientAddress(req, limits.trustProxy ?? 0);

  /** Secret or token; for a token, the conversation it is bound to must match when given. */
  const authorise = (req: Req, conversationId?: string): { secret: true } | { secret: false; claims: TokenClaims } => {
    const given = bearer(req);
    if (given && sameSecret(given, settings.secret)) return { secret: true };
    return { secret: false, claims: channel.tokens.verify(given, conversationId) };
  };

  const handle = (fn: (req: Req, res: Res) => Promise<void>) => async (req: Req, res: Res): Promise<void> => {
    try {
      await fn(req, res);
    } catch (err) {
      if (err instanceof TokenError) {
        logger.warn('direct line token refused', { path: req.path(), problem: err.problem });
        fail(res, err.status, err.status === 401 ? 'MissingToken' : err.problem === 'expired' ? 'TokenExpired' : 'BadToken', err.message);
      } else if (err instanceof ChannelError) {
        if (err.status >= 500) logger.error('direct line request failed', { path: req.path(), code: err.code });
        fail(res, err.status, err.code, err.message);
      } else {
        logger.error('direct line request failed', { err, path: req.path() });
        fail(res, 500, 'InternalError', 'the request could not be handled');
      }
    }
  };

  const conversationParam = (req: Req): string => String(req.params.conversationId ?? '');
  const watermarkOf = (req: Req): number => {
    const raw = (req.query as Record<string, unknown> | undefined)?.watermark;
    const n = Number(raw ?? 0);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  };

  // --- Tokens -----------------------------------------------------------------------------
  server.post('/v3/directline/tokens/generate', handle(async (req, res) => {
    const given = bearer(req);
    if (!given) throw new TokenError('missing');
    if (!sameSecret(given, settings.secret)) throw new TokenError('bad-signature');
    const user = (req.body as { user?: { id?: unknown } } | undefined)?.user?.id;
    const grant = await channel.create(typeof user === 'string' ? user : undefined);
    res.send(200, grant);
  }));

  server.post('/v3/directline/tokens/refresh', handle(async (req, res) => {
    const claims = channel.tokens.verify(bearer(req));
    res.send(200, channel.refresh(claims.conv, claims.user));
  }));

  // --- Conversations ----------------------------------------------------------------------
  server.post('/v3/directline/conversations', handle(async (req, res) => {
    const auth = authorise(req);
    let grant;
    if (auth.secret) grant = await channel.create();
    else {
      if (!(await channel.exists(auth.claims.conv))) throw new ChannelError(404, 'NotFound', 'unknown conversation');
      grant = { conversationId: auth.claims.conv, token: bearer(req) as string, expires_in: Math.max(0, auth.claims.exp - Math.floor(Date.now() / 1000)) };
    }
    const started = await channel.start(grant.conversationId, (req.body as { locale?: string } | undefined)?.locale);
    res.send(started ? 201 : 200, { ...grant, streamUrl: streamUrl(req, settings, grant.conversationId, grant.token), referenceGrammarId: '' });
  }));

  server.get('/v3/directline/conversations/:conversationId', handle(async (req, res) => {
    const id = conversationParam(req);
    const auth = authorise(req, id);
    const user = await channel.userOf(id);
    if (!user) throw new ChannelError(404, 'NotFound', 'unknown conversation');
    const token = auth.secret ? channel.refresh(id, user).token : (bearer(req) as string);
    const expires = auth.secret ? channel.tokens.ttlSeconds : Math.max(0, auth.claims.exp - Math.floor(Date.now() / 1000));
    const watermark = (req.query as Record<string, string> | undefined)?.watermark;
    res.send(200, { conversationId: id, token, expires_in: expires, streamUrl: streamUrl(req, settings, id, token, watermark) });
  }));

  server.get('/v3/directline/conversations/:conversationId/activities', handle(async (req, res) => {
    const id = conversationParam(req);
    authorise(req, id);
    if (!(await channel.exists(id))) throw new ChannelError(404, 'NotFound', 'unknown conversation');
    if (!activityLimiter.take(`poll:${id}`)) throw new ChannelError(429, 'TooManyRequests', 'too many requests for this conversation; slow down');
    res.send(200, await channel.activitiesAfter(id, watermarkOf(req)));
  }));

  server.post('/v3/directline/conversations/:conversationId/activities', handle(async (req, res) => {
    const id = conversationParam(req);
    const auth = authorise(req, id);
    if (!req.is('json')) throw new ChannelError(415, 'UnsupportedMediaType', 'activities are sent as application/json');
    if (!(await channel.exists(id))) throw new ChannelError(404, 'NotFound', 'unknown conversation');
    if (!activityLimiter.take(`post:${id}`)) throw new ChannelError(429, 'TooManyRequests', 'too many messages for this conversation; wait a moment');
    const userId = auth.secret ? String(((req.body as { from?: { id?: unknown } })?.from?.id as string | undefined) ?? 'dl_secret-user') : auth.claims.user;
    const activityId = await channel.fromUser(id, userId, req.body);
    res.send(200, { id: activityId });
  }));

  server.post('/v3/directline/conversations/:conversationId/upload', handle(async (req) => {
    authorise(req, conversationParam(req));
    throw new ChannelError(415, 'UnsupportedMediaType', 'this channel does not accept files: describe your request in words');
  }));

  // --- The page's token route, and the Web Chat settings ----------------------------------
  server.post('/api/directline/token', handle(async (req, res) => {
    if (!tokenLimiter.take(ip(req))) throw new ChannelError(429, 'TooManyRequests', 'too many conversations started from this address; try again in a minute');
    if (settings.mode === 'azure') {
      const r = await fetch(`${settings.azureDomain.replace(/\/$/, '')}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${settings.secret}`, 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(10000),
      });
      if (!r.ok) throw new ChannelError(502, 'UpstreamError', `Azure Direct Line answered ${r.status}`);
      const body = (await r.json()) as { token: string; conversationId: string; expires_in: number };
      res.send(200, { token: body.token, conversationId: body.conversationId, expires_in: body.expires_in });
      return;
    }
    res.send(200, await channel.create());
  }));

  server.get('/api/webchat/config', async (req: Req, res: Res) => {
    const directLineDomain = settings.mode === 'azure' ? settings.azureDomain : `${baseUrl(req, settings)}/v3/directline`;
    res.send(200, { directLineDomain, webSocket: true, mode: settings.mode });
  });

  // --- The service's own Bot Connector endpoints (the bridge's serviceUrl) ---------------
  const connector = (fn: (req: Req, res: Res) => Promise<void>) =>
    handle(async (req, res) => {
      if (!sameSecret(String(req.params.key ?? ''), connectorKey)) throw new ChannelError(404, 'NotFound', 'not found');
      await fn(req, res);
    });
  const botActivity = connector(async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || typeof body.type !== 'string') throw new ChannelError(400, 'BadArgument', 'the body must be an activity');
    res.send(200, { id: await channel.fromBot(conversationParam(req), body) });
  });
  server.post('/connector/:key/v3/conversations/:conversationId/activities', botActivity);
  server.post('/connector/:key/v3/conversations/:conversationId/activities/:activityId', botActivity);
  server.put('/connector/:key/v3/conversations/:conversationId/activities/:activityId', connector(async (req, res) => {
    res.send(200, { id: await channel.updateFromBot(conversationParam(req), String(req.params.activityId), req.body as Record<string, unknown>) });
  }));
  server.del('/connector/:key/v3/conversations/:conversationId/activities/:activityId', connector(async (_req, res) => {
    res.send(200);
  }));
  server.get('/connector/:key/v3/conversations/:conversationId/members', connector(async (_req, res) => {
    res.send(200, []);
  }));

  // --- The WebSocket stream ---------------------------------------------------------------
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/.exec(url.pathname);
    const reject = (status: number, message: string): void => {
      socket.write(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (!m) return reject(404, 'Not Found');
    const conversationId = decodeURIComponent(m[1] as string);
    let claims: TokenClaims | undefined;
    const given = url.searchParams.get('t') ?? bearer(req) ?? undefined;
    if (!(given && sameSecret(given, settings.secret))) {
      try {
        claims = channel.tokens.verify(given, conversationId);
      } catch (err) {
        logger.warn('stream refused', { problem: (err as TokenError).problem, conversation: pseudonym(conversationId) });
        return reject((err as TokenError).status ?? 403, 'Forbidden');
      }
    }
    if (!channel.hub.canAccept(conversationId)) return reject(429, 'Too Many Requests');
    void channel.exists(conversationId).then((exists) => {
      if (!exists) return reject(404, 'Not Found');
      wss.handleUpgrade(req, socket, head, (ws) => {
        channel.hub.add(conversationId, ws);
        // What the client sends on the stream is ignored, as in Direct Line.
        ws.on('message', () => undefined);
        const watermark = Number(url.searchParams.get('watermark') ?? 0);
        void channel.activitiesAfter(conversationId, Number.isInteger(watermark) && watermark >= 0 ? watermark : 0).then(
          ({ activities, watermark: wm }) => {
            if (activities.length) channel.hub.sendTo(ws, activities, wm);
          },
          (err: unknown) => logger.error('stream backlog failed', { err, conversation: pseudonym(conversationId) }),
        );
        logger.debug('stream opened', { conversation: pseudonym(conversationId), user: pseudonym(claims?.user) });
      });
    });
  };
  server.server.on('upgrade', onUpgrade);
  return () => {
    server.server.off('upgrade', onUpgrade);
    channel.hub.closeAll();
    wss.close();
  };
}
