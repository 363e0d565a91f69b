/**
 * The agent console's API: sign-in (local accounts, or Teams SSO validated against Entra
 * ID), the queue, ongoing conversations and messages left, transcripts, and the same
 * actions as in Teams (take, write, hand back, close). Only signed-in agents get anything.
 */
import * as restify from 'restify';
import type { HandoffRequest, HandoffStore } from '../../storage/handoff-store';
import type { KnowledgeBase } from '../../knowledge/load';
import type { Logger } from '../logger';
import { firstName, Relay } from '../handoff/relay';
import type { AgentAccount } from './accounts';
import { mountSignIn } from './sign-in';
import type { EntraValidator } from './entra';
import { SessionAgent, Sessions } from './sessions';

type Req = restify.Request;
type Res = restify.Response;

/** A request as the console shows it. */
function view(r: HandoffRequest, kb: KnowledgeBase, now: Date) {
  return {
    id: r.id,
    state: r.state,
    topicTitle: r.topic ? kb.byId.get(r.topic)?.text.fr.title ?? null : null,
    lang: r.lang,
    createdAt: r.createdAt,
    waitingMinutes: Math.max(0, Math.round((now.getTime() - Date.parse(r.createdAt)) / 60000)),
    summary: r.message ?? r.summary,
    owner: r.owner ?? null,
    contact: r.contact ?? null,
  };
}

/** Mounts the console API. */
export function mountConsole(
  server: restify.Server,
  deps: {
    accounts: AgentAccount[];
    sessions: Sessions;
    entra?: EntraValidator;
    /** The Entra ID app role an agent signing in from Teams must hold (`CONSOLE_ENTRA_ROLE`). */
    entraRole: string;
    store: HandoffStore;
    relay: Relay;
    knowledge: () => KnowledgeBase;
    logger: Logger;
    now: () => Date;
    /** Proxies whose X-Forwarded-For is trusted, for the sign-in limit. */
    trustProxy?: number;
  },
): void {
  const { sessions, store, relay, logger } = deps;
  // Block bodies on purpose: an async restify handler must return nothing, or restify logs
  // the whole request (a sign-in body included).
  const fail = (res: Res, status: number, code: string, message: string): void => {
    res.send(status, { error: { code, message } });
  };
  const agentOf = (req: Req): SessionAgent | undefined => sessions.verify(/^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]);
  const authed = (fn: (req: Req, res: Res, agent: SessionAgent) => Promise<void>) => async (req: Req, res: Res): Promise<void> => {
    const agent = agentOf(req);
    if (!agent) { fail(res, 401, 'Unauthorized', 'sign in as an agent'); return; }
    try {
      await fn(req, res, agent);
    } catch (err) {
      logger.error('console request failed', { err, path: req.path() });
      fail(res, 500, 'InternalError', 'the request could not be handled');
    }
  };

  server.get('/api/console/config', async (_req: Req, res: Res) => {
    res.send(200, { teamsSso: Boolean(deps.entra) });
  });

  mountSignIn(server, { prefix: '/api/console', role: 'agent', area: 'console', accounts: deps.accounts, sessions, entra: deps.entra, entraRole: deps.entraRole, trustProxy: deps.trustProxy ?? 0, logger });

  server.post('/api/console/logout', authed(async (_req, res, agent) => {
    // An agent who signs out leaves their ongoing conversations: they go back to the queue.
    const requeued = await relay.agentLeft(agent.id);
    res.send(200, { requeued });
  }));

  server.get('/api/console/requests', authed(async (_req, res) => {
    const kb = deps.knowledge();
    const now = deps.now();
    res.send(200, {
      waiting: (await store.waiting()).map((r) => view(r, kb, now)),
      ongoing: (await store.withAgent()).map((r) => view(r, kb, now)),
      messages: (await store.messages()).map((r) => view(r, kb, now)),
    });
  }));

  server.get('/api/console/requests/:id', authed(async (req, res) => {
    const r = await store.get(String(req.params.id));
    if (!r) { fail(res, 404, 'NotFound', 'unknown request'); return; }
    res.send(200, { request: view(r, deps.knowledge(), deps.now()), transcript: await store.transcript(r.id) });
  }));

  const action = (verb: 'take' | 'handback' | 'close') =>
    authed(async (req, res, agent) => {
      const result = await relay.act(String(req.params.id), verb, agent);
      if (result.ok) { res.send(200, { request: view(result.request, deps.knowledge(), deps.now()) }); return; }
      if (result.reason === 'unknown') { fail(res, 404, 'NotFound', 'unknown request'); return; }
      if (result.reason === 'taken') { fail(res, 409, 'Taken', `Déjà prise en charge par ${result.request?.owner?.name ?? 'un autre agent'}.`); return; }
      if (result.reason === 'notOwner') { fail(res, 403, 'NotOwner', "Seul l'agent qui a pris la demande peut agir."); return; }
      fail(res, 409, 'NotActive', "Cette demande n'est plus en cours.");
    });
  server.post('/api/console/requests/:id/take', action('take'));
  server.post('/api/console/requests/:id/handback', action('handback'));
  server.post('/api/console/requests/:id/close', action('close'));

  server.post('/api/console/requests/:id/messages', authed(async (req, res, agent) => {
    const text = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || !text.trim() || text.length > 4000) { fail(res, 400, 'BadArgument', 'text must be 1 to 4000 characters'); return; }
    const refused = await relay.fromConsole(String(req.params.id), { id: agent.id, name: firstName(agent.name) }, text.trim());
    if (refused === 'unknown') { fail(res, 404, 'NotFound', 'unknown request'); return; }
    if (refused === 'notOwner') { fail(res, 403, 'NotOwner', "Seul l'agent qui a pris la demande peut lui écrire."); return; }
    if (refused === 'notActive') { fail(res, 409, 'NotActive', "Cette demande n'est plus en cours."); return; }
    res.send(200, { ok: true });
  }));
}
