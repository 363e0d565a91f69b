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
import { InFlightLimit, RateLimiter, sendTooMany } from '../rate-limit';
import { checkActivityFields, checkJsonShape } from '../activity-check';
import { translator } from '../i18n';
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

/** A refusal for going too fast: 429 with the seconds to wait (the Retry-After header). */
export class LimitError extends ChannelError {
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(429, 'TooManyRequests', message);
    this.name = 'LimitError';
  }
}

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
  limits: { tokenPerMinute: number; activitiesPerMinute: number; trustProxy?: number; turnsPerConversation?: number },
): () => void {
  const tokenLimiter = RateLimiter.perMinute(limits.tokenPerMinute);
  const activityLimiter = new RateLimiter(Math.max(1, Math.ceil(limits.activitiesPerMinute / 3)), limits.activitiesPerMinute);
  const ip = (req: Req): string => clientAddress(req, limits.trustProxy ?? 0);
  /** Activities of one conversation waiting for or in their turn: bounded, not queued without end. */
  const backlog = new InFlightLimit(limits.turnsPerConversation ?? 8);
  /** The language of a refusal the person may read: the activity's locale, else the browser's. */
  const langOf = (req: Req): string => {
    const locale = (req.body as { locale?: unknown } | undefined)?.locale;
    return typeof locale === 'string' ? locale : String(req.headers['accept-language'] ?? 'fr');
  };
  /** A 429 with Retry-After and a kind message in the person's language. */
  const tooMany = (req: Req, key: 'error.tooFast' | 'error.busy' | 'error.tooManyConversations', seconds: number): LimitError =>
    new LimitError(translator(langOf(req))(key, { seconds }), seconds);

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
        if (err instanceof LimitError) {
          logger.warn('direct line request limited', { route: String(req.getRoute()?.path ?? ''), retryAfter: err.retryAfterSeconds });
          sendTooMany(res, err.code, err.message, err.retryAfterSeconds);
        } else fail(res, err.status, err.code, err.message);
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
    if (!activityLimiter.take(`poll:${id}`)) throw tooMany(req, 'error.tooFast', activityLimiter.retryAfterSeconds(`poll:${id}`));
    res.send(200, await channel.activitiesAfter(id, watermarkOf(req)));
  }));

  server.post('/v3/directline/conversations/:conversationId/activities', handle(async (req, res) => {
    const id = conversationParam(req);
    const auth = authorise(req, id);
    if (!req.is('json')) throw new ChannelError(415, 'UnsupportedMediaType', 'activities are sent as application/json');
    if (!(await channel.exists(id))) throw new ChannelError(404, 'NotFound', 'unknown conversation');
    if (!activityLimiter.take(`post:${id}`)) throw tooMany(req, 'error.tooFast', activityLimiter.retryAfterSeconds(`post:${id}`));
    const body = req.body as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ChannelError(400, 'BadArgument', 'the body must be a JSON activity');
    const problem = checkActivityFields(body as Record<string, unknown>, 'BadArgument');
    if (problem) throw new ChannelError(400, problem.code, problem.message);
    const from = (body as { from?: { id?: unknown } }).from?.id;
    const userId = auth.secret ? (typeof from === 'string' && from ? from : 'dl_secret-user') : auth.claims.user;
    if (!backlog.enter(id)) throw tooMany(req, 'error.busy', 2);
    try {
      const activityId = await channel.fromUser(id, userId, body);
      res.send(200, { id: activityId });
    } finally {
      backlog.leave(id);
    }
  }));

  server.post('/v3/directline/conversations/:conversationId/upload', handle(async (req) => {
    authorise(req, conversationParam(req));
    throw new ChannelError(415, 'UnsupportedMediaType', 'this channel does not accept files: describe your request in words');
  }));

  // --- The page's token route, and the Web Chat settings ----------------------------------
  server.post('/api/directline/token', handle(async (req, res) => {
    if (!tokenLimiter.take(ip(req))) throw tooMany(req, 'error.tooManyConversations', tokenLimiter.retryAfterSeconds(ip(req)));
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
      // Even the bot's own activities are bounded: a deeply nested value would fail storing.
      const shape = req.body === undefined ? undefined : checkJsonShape(req.body, 'BadArgument');
      if (shape) throw new ChannelError(400, shape.code, shape.message);
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
    const reject = (status: number, message: string): void => {
      if (!socket.writable) return;
      socket.write(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    // A reset during the handshake must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    let url: URL;
    let conversationId: string;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      const m = /^\/v3\/directline\/conversations\/([^/]+)\/stream$/.exec(url.pathname);
      if (!m) return reject(404, 'Not Found');
      conversationId = decodeURIComponent(m[1] as string);
    } catch {
      // A malformed URL or escape (%zz): refused, never thrown out of the event handler.
      return reject(400, 'Bad Request');
    }
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
      // Checked again: other streams may have opened while the store answered.
      if (!channel.hub.canAccept(conversationId)) return reject(429, 'Too Many Requests');
      if (!socket.writable) return undefined;
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
    }, (err: unknown) => {
      logger.error('stream refused: the store failed', { err, conversation: pseudonym(conversationId) });
      reject(503, 'Service Unavailable');
    });
  };
  server.server.on('upgrade', onUpgrade);
  return () => {
    server.server.off('upgrade', onUpgrade);
    channel.hub.closeAll();
    wss.close();
  };
}
