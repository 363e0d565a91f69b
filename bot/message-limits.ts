/**
 * The abuse limits of `POST /api/messages`: a rate per conversation, a rate per client
 * address when the endpoint is unauthenticated (no MicrosoftAppId: anyone can post), and a
 * bound on the turns of one conversation waiting or running. A refused activity gets 429
 * with `Retry-After` and a message in the activity's language; other conversations go on.
 */
import type { Request, Response } from 'restify';
import { clientAddress } from './client-address';
import { Config } from './config';
import { translator } from './i18n';
import { Logger } from './logger';
import { InFlightLimit, RateLimiter, sendTooMany } from './rate-limit';
import { pseudonym } from './redact';

/** Why an activity was refused, and when to retry. */
export interface Refusal {
  why: 'address rate' | 'conversation rate' | 'conversation backlog';
  retryAfterSeconds: number;
  /** The message key the person reads. */
  key: 'error.tooFast' | 'error.busy';
}

/** The guard of `/api/messages`. */
export interface MessageLimits {
  /** Whether the endpoint is open (no MicrosoftAppId): limits then apply before the turn. */
  readonly unauthenticated: boolean;
  /** The per-address limit (unauthenticated endpoint only); a refusal or undefined. */
  checkAddress(req: Request): Refusal | undefined;
  /** The per-conversation rate and backlog: a refusal, or the release to call once the turn is over. */
  admit(conversationId: string): Refusal | (() => void);
  /** Answers 429 with Retry-After and the message in the activity's language, and logs it. */
  refuse(res: Response, refusal: Refusal, conversationId: string | undefined, locale: unknown): void;
}

/** Creates the guard from the configuration. */
export function messageLimits(config: Config, logger: Logger): MessageLimits {
  const { messagesPerMinute, messagesPerMinutePerIp, turnsPerConversation } = config.limits;
  const perConversation = RateLimiter.perMinute(messagesPerMinute);
  const perIp = RateLimiter.perMinute(messagesPerMinutePerIp);
  const inFlight = new InFlightLimit(turnsPerConversation);
  return {
    unauthenticated: config.microsoftAppId === '',
    checkAddress(req) {
      const ip = clientAddress(req, config.trustProxy);
      return perIp.take(ip) ? undefined : { why: 'address rate', retryAfterSeconds: perIp.retryAfterSeconds(ip), key: 'error.tooFast' };
    },
    admit(conversation) {
      if (!perConversation.take(conversation)) return { why: 'conversation rate', retryAfterSeconds: perConversation.retryAfterSeconds(conversation), key: 'error.tooFast' };
      if (!inFlight.enter(conversation)) return { why: 'conversation backlog', retryAfterSeconds: 2, key: 'error.busy' };
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight.leave(conversation);
      };
    },
    refuse(res, refusal, conversationId, locale) {
      logger.warn('activity limited', { why: refusal.why, conversation: pseudonym(conversationId), retryAfter: refusal.retryAfterSeconds });
      const t = translator(typeof locale === 'string' ? locale : undefined);
      sendTooMany(res, 'TooManyRequests', t(refusal.key, { seconds: refusal.retryAfterSeconds }), refusal.retryAfterSeconds);
    },
  };
}

/** Public read routes that cost the service work (aggregates, stored transcripts, pages). */
const PUBLIC_ROUTES = /^\/(?:api\/indicators|api\/transcripts\/|indicateurs$|indicators$|console$|editeur$|$)/;

/**
 * A `server.pre` handler limiting the public read routes per client address
 * (`PUBLIC_RATE_PER_MINUTE`): a script hammering the indicators or the pages gets 429 with
 * Retry-After, the others are served.
 */
export function publicRouteLimit(config: Config, logger: Logger): (req: Request, res: Response, next: (go?: boolean) => void) => void {
  const perMinute = config.limits.publicPerMinute;
  const limiter = RateLimiter.perMinute(perMinute);
  return (req, res, next) => {
    if (req.method !== 'GET' || !PUBLIC_ROUTES.test(req.path())) return next();
    const ip = clientAddress(req, config.trustProxy);
    if (limiter.take(ip)) return next();
    const seconds = limiter.retryAfterSeconds(ip);
    logger.warn('public route limited', { route: req.path().split('/').slice(0, 3).join('/'), retryAfter: seconds });
    const t = translator(String(req.headers['accept-language'] ?? 'fr'));
    sendTooMany(res, 'TooManyRequests', t('error.tooFast', { seconds }), seconds);
    return next(false);
  };
}
