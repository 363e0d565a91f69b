/**
 * `POST /api/messages` through the CloudAdapter, with the Bot Framework token check answered
 * by the service itself: botbuilder's `process` prints a stack to stderr for every refused
 * request, and answers 500 with the network error's text when it cannot fetch the Bot
 * Framework's signing keys (OpenID metadata at login.botframework.com) — which a forged
 * token triggers as soon as the service cannot reach the internet.
 *
 * Here every failure before the bot's turn starts (no or bad Authorization header, bad
 * signature, issuer, audience, expiry, unknown key, keys unreachable) is a 401 with a short
 * JSON body and one log line naming the reason; a failure inside the turn stays a 500.
 */
import type * as restify from 'restify';
import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import type { Logger } from './logger';
import { pseudonym } from './redact';

/** Why a token was refused, in words for the log (never sent to the caller). */
export function refusalReason(err: unknown): { reason: string; keysUnreachable: boolean } {
  const e = err as { name?: string; message?: string; code?: string; type?: string };
  const message = String(e?.message ?? err).slice(0, 300);
  // node-fetch's FetchError (DNS, refused connection, timeout) or a non-OK metadata answer.
  const keysUnreachable = e?.name === 'FetchError' || e?.type === 'system' || /openID config|Failed to load Keys|\.well-known/i.test(message);
  return { reason: keysUnreachable ? `Bot Framework signing keys unavailable: ${message}` : message, keysUnreachable };
}

/** The activity with its date fields as botbuilder expects them (as its `process` does). */
function fixDates(activity: Record<string, unknown>): Activity {
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['expiration', 'rawExpiration'], ['localTimestamp', 'rawLocalTimestamp']] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field] as string);
    }
  }
  return activity as unknown as Activity;
}

/**
 * Authenticates the request (when the adapter has an app id) and runs the turn; answers the
 * request. The body must have been checked already (`checkActivityBody`).
 */
export async function processAuthenticated(
  adapter: CloudAdapter,
  req: restify.Request,
  res: restify.Response,
  logic: (context: TurnContext) => Promise<void>,
  logger: Logger,
): Promise<void> {
  const activity = fixDates(req.body as Record<string, unknown>);
  const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
  let started = false;
  let invoke: { status?: number; body?: unknown } | undefined;
  try {
    // `processActivity` is what `process` calls (protected in the typings): it authenticates,
    // runs the turn, and returns the invoke response.
    const core = adapter as unknown as { processActivity(auth: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<{ status?: number; body?: unknown } | undefined> };
    invoke = await core.processActivity(authorization, activity, async (context) => {
      started = true;
      await logic(context);
    });
  } catch (err) {
    if (started) throw err;
    const { reason, keysUnreachable } = refusalReason(err);
    (keysUnreachable ? logger.error : logger.warn)('bot framework token refused', {
      reason,
      header: authorization === '' ? 'missing' : /^Bearer\s+\S+/i.test(authorization) ? 'bearer' : 'malformed',
      channel: String(activity.channelId ?? '').slice(0, 20),
      conversation: pseudonym(activity.conversation?.id),
    });
    if (!res.headersSent) res.send(401, { error: { code: 'Unauthorized', message: 'a valid Bot Framework token is required' } });
    return;
  }
  if (res.headersSent) return;
  if (invoke?.body !== undefined) res.send(invoke.status ?? 200, invoke.body);
  else {
    res.status(invoke?.status ?? 200);
    res.end();
  }
}
