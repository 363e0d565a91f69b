/**
 * The HTTP service: `POST /api/messages` through the CloudAdapter, `GET /api/health`.
 * Built from its parts so that tests start the real server on a free port.
 */
import * as restify from 'restify';
import * as path from 'path';
import { CloudAdapter } from 'botbuilder';
import { Config } from './config';
import { Logger } from './logger';
import { checkActivityBody } from './activity-check';
import { messageLimits, publicRouteLimit } from './message-limits';
import { shapeRestifyError } from './http-errors';
import { createAdapter } from './adapter';
import { BotState, createBotState } from './state';
import { OrientationBot } from './orientation-bot';
import { translator } from './i18n';
import { pseudonym, redact } from './redact';
import { sameSecret } from './same-secret';
import { OrientationDialog } from '../dialogs/orientation-dialog';
import { LiveKnowledge } from '../knowledge/live';
import { SearchThread } from './search-thread';
import { StateStore } from '../storage/port';
import { watchFolder, Watcher } from './content-watcher';
import { DirectLineStore } from '../storage/directline-store';
import { DirectLineChannel } from './directline/channel';
import { SocketHub } from './directline/socket-hub';
import { TokenService } from './directline/tokens';
import { connectorKey, directLineSecret } from './directline/secret';
import { mountDirectLine } from './directline/routes';
import { deliverInProcess } from './directline/in-process';
import { mountStatic } from './static-files';
import { HandoffStore } from '../storage/handoff-store';
import { HandoffService } from './handoff/handoff-service';
import { Relay } from './handoff/relay';
import { Proactive } from './handoff/proactive';
import { AgentsChannelStore } from './teams/agents-channel';
import { TeamsHandler } from './teams/teams-handler';
import { mountTranscripts, TranscriptLinks } from './handoff/transcript-link';
import { HandoffWatch } from './handoff/watch';
import { mountConsole } from './console/routes';
import { Sessions } from './console/sessions';
import { EntraValidator, KeyFetcher } from './console/entra';
import { mountSecurityHeaders, originsOf } from './security-headers';
import { processAuthenticated } from './channel-auth';
import { HandoffDialog } from '../dialogs/handoff-dialog';
import { mainContact, mainSite } from '../knowledge/directory';
import { Activity, TurnContext } from 'botbuilder';
import { RightToErrorDialog } from '../dialogs/right-to-error-dialog';
import { CommandRouter } from '../dialogs/commands';
import { InsightsStore } from '../storage/insights-store';
import { InsightsService } from './insights/insights-service';
import { BufferedInsightsStore } from './insights/buffered-insights-store';
import { mountIndicators } from './insights/routes';
import { openLongTail } from './long-tail';
import { openStores, Stores } from './stores';
import { Metrics } from './metrics';
import { KnowledgeStore } from '../storage/knowledge-store';
import { KnowledgeWorkspace } from './editor/workspace';
import { mountEditor } from './editor/routes';
import { RetentionJob } from './retention';
import { ErasureService } from './erasure';
import { ErasureDialog } from '../dialogs/erasure-dialog';
import { mountPrivacyPage } from './privacy-page';

/** Largest import of knowledge files, in bytes (the whole base is under 1 MB). */
const IMPORT_MAX_BYTES = 8 * 1024 * 1024;

/** restify's body parser with a larger limit on some routes. */
function routeBodyParser(maxBytes: number, larger: Record<string, number>): restify.RequestHandler {
  const make = (max: number) => restify.plugins.bodyParser({ maxBodySize: max, mapParams: false }) as unknown as restify.RequestHandler[];
  const normal = make(maxBytes);
  const special = new Map(Object.entries(larger).map(([route, max]) => [route, make(max)]));
  return (req, res, next) => {
    const chain = special.get(req.path()) ?? normal;
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) { next(err as Error); return; }
      const handler = chain[i++];
      if (!handler) { next(); return; }
      handler(req, res, step as restify.Next);
    };
    step();
  };
}

/** A running service. */
export interface App {
  server: restify.Server;
  adapter: CloudAdapter;
  knowledge: LiveKnowledge;
  storage: StateStore;
  directLineStore: DirectLineStore;
  handoffStore: HandoffStore;
  insightsStore: InsightsStore;
  knowledgeStore: KnowledgeStore;
  /** The editors' workspace (revisions, draft); tests call its `sync` to skip the timer. */
  workspace: KnowledgeWorkspace;
  /** The handoff's clock (expiries, inactive agents); tests run its sweep directly. */
  handoffWatch: HandoffWatch;
  /** Deletes what is older than TRANSCRIPT_RETENTION_DAYS; tests run it directly. */
  retention: RetentionJob;
  /** The Direct Line secret in force (configured or generated). */
  directLineSecret: string;
  /** The port actually listened on. */
  port: number;
  metrics: Metrics;
  /** Turns being handled right now (shutdown waits for them). */
  turnsInFlight(): number;
  /** Stops accepting requests, then closes storage and watchers. */
  close(): Promise<void>;
}

/** What handles a turn once the server has admitted it: the orientation bot, or another. */
export interface TurnBot {
  run(context: TurnContext): Promise<void>;
}

/** Options of `startApp`: stores, clock and keys injected by tests; another bot for the benchmarks. */
export interface StartOptions {
  storage?: StateStore;
  directLineStore?: DirectLineStore;
  handoffStore?: HandoffStore;
  insightsStore?: InsightsStore;
  knowledgeStore?: KnowledgeStore;
  stores?: Stores;
  now?: () => Date;
  entraKeys?: KeyFetcher;
  /**
   * Another bot on this very server, adapter and storage instead of the orientation bot:
   * the benchmarks' echo baseline (bench/echo.ts), so that the two differ only by the bot.
   */
  bot?: (state: BotState) => TurnBot;
}

/** Starts the service. Throws `KnowledgeValidationError` when the content is invalid. */
export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  const stores =
    options.stores ??
    (await openStores(config, logger, { state: options.storage, directLine: options.directLineStore, handoff: options.handoffStore, insights: options.insightsStore, knowledge: options.knowledgeStore }, options.now));
  // The shipped folder is checked first (an invalid one stops the start); the bot then
  // serves the latest published revision, which is the folder on a first start.
  try {
    return await assemble(config, logger, stores, options);
  } catch (err) {
    // A start that fails (invalid knowledge, a port in use) leaves nothing open.
    await stores.close().catch(() => undefined);
    throw err;
  }
}

async function assemble(config: Config, logger: Logger, stores: Stores, { now, entraKeys, bot: otherBot }: StartOptions): Promise<App> {
  const options = { now };
  const metrics = new Metrics();
  /** Turns being handled: shutdown waits for them. */
  let inFlight = 0;
  const turn = async (channel: string, work: () => Promise<void>): Promise<void> => {
    const stop = metrics.turnSeconds.startTimer({ channel });
    inFlight++;
    try {
      await work();
      metrics.turns.inc({ channel });
    } catch (err) {
      metrics.errors.inc({ kind: 'turn' });
      throw err;
    } finally {
      inFlight--;
      stop();
    }
  };
  const knowledge = new LiveKnowledge(config.contentDir);
  logger.info('knowledge loaded', { entries: knowledge.current().kb.entries.length, dir: config.contentDir });
  const knowledgeStore = stores.knowledge;
  const workspace = new KnowledgeWorkspace(knowledgeStore, knowledge, config.contentDir, logger);
  await workspace.init();
  // Messages ranked on a thread of their own, which gets every base served (issue 8);
  // started once the revision to serve is known, so that it builds that one first.
  const searchThread = config.searchThread
    ? new SearchThread(logger, { onRanked: (where) => metrics.rankings.inc({ where }), busy: () => inFlight > 1 })
    : undefined;
  if (searchThread) {
    searchThread.serve(knowledge.served().search, knowledge.served().files);
    knowledge.onSwap((served) => searchThread.serve(served.search, served.files));
  }
  // Another instance published: serve it now (the timer below is the safety net).
  stores.bus.on('knowledge_published', () => {
    workspace.sync().catch((err) => logger.error('knowledge sync failed', { err }));
  });
  const storage = stores.state;
  const state = createBotState(storage);
  const adapter = createAdapter(config, logger, translator, state);
  // The built-in Direct Line channel hands activities to the bot in-process, through an
  // adapter of its own that expects no Bot Framework token (the channel checked its own
  // token); the bot's replies still go out through that adapter to the channel's serviceUrl.
  const bridgeAdapter = createAdapter({ ...config, microsoftAppId: '', microsoftAppPassword: '', microsoftAppType: 'MultiTenant', microsoftAppTenantId: '' }, logger, translator, state);
  let listeningPort = config.port;
  const secret = directLineSecret(config.directLine.secret, config.dataDir);
  const key = connectorKey(secret);
  const connectorBase = (): string => `http://127.0.0.1:${listeningPort}/connector/${key}`;
  const handoffStore = stores.handoff;
  const site = mainSite(knowledge.current().kb);
  const hours = config.handoff.hours ?? site?.hours;
  if (!hours) throw new Error('no agent hours: set AGENT_HOURS or give the main site opening hours');
  const agentsChannel = new AgentsChannelStore(storage);
  const proactive = new Proactive(adapter, bridgeAdapter, config.microsoftAppId, `/connector/${key}`, connectorBase);
  const transcriptLinks = new TranscriptLinks(secret, config.directLine.publicUrl.replace(/\/$/, ''));
  const relay = new Relay(handoffStore, proactive, agentsChannel, translator, () => knowledge.current().kb, logger, (id) => transcriptLinks.url(id), options.now);
  const handoffWatch = new HandoffWatch(handoffStore, relay, config.handoff, logger, options.now);
  const teams = new TeamsHandler(relay, agentsChannel, config.teams, translator('fr'), logger);
  const handoff = new HandoffService(handoffStore, { hours, defaultWaitMinutes: config.handoff.defaultWaitMinutes }, relay, options.now);
  const handoffDialog = new HandoffDialog(handoff, translator, (lang) => mainContact(knowledge.current().kb, lang), state.handoffMark);
  // Events written in batches (a transaction per batch, not per turn); reads see them all.
  const insightsStore = new BufferedInsightsStore(stores.insights, logger);
  const insights = new InsightsService(insightsStore, secret, logger, options.now);
  const longTail = openLongTail(logger);
  const dialog = new OrientationDialog({
    insights,
    longTail: config.longTail ? longTail : undefined,
    rank:
      searchThread?.rank ??
      ((search, text, locale) => {
        metrics.rankings.inc({ where: 'main' });
        return Promise.resolve(search.rank(text, locale));
      }),
    handoffDialogId: HandoffDialog.id,
    now: options.now,
    knowledge,
    language: state.language,
    translate: translator,
    maxMessageChars: config.maxMessageChars,
    onDecision: (context, o) => {
      metrics.decisions.inc({ decision: o.decision });
      logger.info('decision', {
        conversation: pseudonym(context.activity.conversation?.id),
        lang: o.lang,
        decision: o.decision,
        top: o.results[0]?.id,
        score: o.results[0]?.score,
      });
    },
  });
  const rightToError = new RightToErrorDialog(knowledge, translator);
  // The person's right to erasure ("effacer ma conversation"), at any point.
  const erasureDialog = new ErasureDialog(
    new ErasureService({ state, directLine: stores.directLine, handoff: handoffStore, insights: insightsStore, insightsKey: secret, agents: relay, agentsTranslate: translator, logger }),
    translator,
  );
  const commands = new CommandRouter({ knowledge, language: state.language, translate: translator, handoff, maxMessageChars: config.maxMessageChars, erasure: true });
  const bot: TurnBot = otherBot ? otherBot(state) : new OrientationBot(state, dialog, translator, logger, [handoffDialog, rightToError, erasureDialog], { relay, teams, commands });
  // With an agent, "effacer ma conversation" and its yes / no buttons still reach the bot.
  relay.keepFromAgent = (text) => commands.detect(text)?.kind === 'erase' || erasureDialog.isButton(text);

  const directLineStore = stores.directLine;
  const channel = new DirectLineChannel(
    directLineStore,
    new TokenService(secret, config.directLine.tokenTtlSeconds),
    new SocketHub(logger, {
      perConversation: config.limits.socketsPerConversation,
      total: config.limits.socketsTotal,
      keepAliveSeconds: config.limits.socketPingSeconds,
      maxBufferedBytes: config.limits.socketMaxBufferedBytes,
    }),
    (activity) => turn('directline', () => bridgeAdapter.processActivityDirect('', activity as Activity, (context) => bot.run(context))),
    connectorBase,
    logger,
    undefined,
    stores.bus,
  );
  // The bridge's replies go to the channel in-process rather than over loopback HTTP to the
  // connector routes (same storage, sockets and bus; see in-process.ts).
  deliverInProcess(bridgeAdapter, channel, `/connector/${key}`);

  const server = restify.createServer({ name: 'prefecture-orientation-bot' });
  // CSP (nonce for Web Chat's styles), frame-ancestors, HSTS, nosniff... on every response.
  mountSecurityHeaders(server, { publicUrl: config.directLine.publicUrl, frameAncestors: config.frameAncestors, connectOrigins: config.directLine.mode === 'azure' ? originsOf(config.directLine.azureDomain) : [], trustProxy: config.trustProxy });
  // Idle keep-alive connections are kept longer than a reverse proxy keeps its own (nginx's
  // upstream keepalive_timeout is 60 s). With Node's 5 s default, a connection the proxy (or
  // the Bot Connector) reuses can be closed under it: when the event loop is busy for a few
  // seconds under load, a request already sent on an idle connection is dropped (ECONNRESET,
  // a 502 at the proxy). Found by the HTTP benchmark at 500 concurrent conversations.
  server.server.keepAliveTimeout = 65_000;
  server.server.headersTimeout = 66_000;
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Small bodies everywhere; a whole knowledge base may be imported by an editor (signed in).
  server.use(routeBodyParser(config.maxBodyBytes, { '/api/editor/import': IMPORT_MAX_BYTES }));
  // Every request: its id in a header and in the log line, its latency in the metrics. The
  // route pattern is logged, never the path (it holds conversation ids).
  let stopping = false;
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.setHeader('x-request-id', req.id());
    if (stopping) {
      res.setHeader('connection', 'close');
      res.send(503, { error: { code: 'Stopping', message: 'this instance is stopping; retry' } });
      return next(false);
    }
    (req as restify.Request & { started?: number }).started = Date.now();
    return next();
  });
  // The public read routes are limited per address (the others have limits of their own).
  server.pre(publicRouteLimit(config, logger));
  server.on('after', (req: restify.Request, res: restify.Response, route: { path?: string } | null) => {
    const pattern = route?.path ? String(route.path) : 'unmatched';
    const ms = Date.now() - ((req as restify.Request & { started?: number }).started ?? Date.now());
    metrics.httpSeconds.observe({ method: req.method, route: pattern, status: String(res.statusCode) }, ms / 1000);
    const quiet = res.statusCode < 400 && (req.method === 'GET' || pattern === '/api/messages');
    (quiet ? logger.debug : logger.info)('request', { requestId: req.id(), method: req.method, route: pattern, status: res.statusCode, ms });
  });
  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    logger.warn('request refused', { method: req.method, path: req.path(), status: err.statusCode, reason: redact(err.message.slice(0, 200)) });
    shapeRestifyError(err, config.maxBodyBytes);
    cb();
  });

  const messageGuard = messageLimits(config, logger);
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    const problem = checkActivityBody(req.body);
    if (problem) {
      logger.warn('malformed activity', { code: problem.code, reason: problem.message });
      res.send(problem.status, { error: { code: problem.code, message: problem.message } });
      return;
    }
    // Abuse limits: an open endpoint is limited per address and per conversation before the
    // turn (429, Retry-After); an authenticated one per conversation once the token is
    // checked, so that forged requests cannot use up a real conversation's allowance.
    const activity = req.body as { conversation: { id: string }; locale?: unknown };
    let release: (() => void) | undefined;
    if (messageGuard.unauthenticated) {
      const refusal = messageGuard.checkAddress(req) ?? messageGuard.admit(activity.conversation.id);
      if (typeof refusal !== 'function') return messageGuard.refuse(res, refusal, activity.conversation.id, activity.locale);
      release = refusal;
    }
    const run = async (context: TurnContext): Promise<void> => {
      if (release) return bot.run(context);
      const admitted = messageGuard.admit(activity.conversation.id);
      if (typeof admitted !== 'function') {
        logger.warn('authenticated activity dropped by the limits', { why: admitted.why, conversation: pseudonym(activity.conversation.id) });
        return;
      }
      try {
        await bot.run(context);
      } finally {
        admitted();
      }
    };
    try {
      await turn(String((req.body as { channelId?: unknown }).channelId ?? 'unknown').slice(0, 20), () => processAuthenticated(adapter, req, res, run, logger));
    } catch (err) {
      logger.error('activity processing failed', { err, conversation: pseudonym((req.body as { conversation?: { id?: string } }).conversation?.id) });
      if (!res.headersSent) res.send(500, { error: { code: 'InternalError', message: 'the activity could not be processed' } });
    } finally {
      release?.();
    }
  });

  const stopDirectLine = mountDirectLine(
    server,
    channel,
    { mode: config.directLine.mode, publicUrl: config.directLine.publicUrl || undefined, azureDomain: config.directLine.azureDomain, secret },
    key,
    logger,
    { tokenPerMinute: config.directLine.tokensPerMinute, activitiesPerMinute: config.directLine.activitiesPerMinute, trustProxy: config.trustProxy, turnsPerConversation: config.limits.turnsPerConversation },
  );
  mountStatic(server);
  mountPrivacyPage(server, config.retention.transcriptDays);
  mountTranscripts(server, transcriptLinks, handoffStore);
  const publicHost = config.directLine.publicUrl ? new URL(config.directLine.publicUrl).host : '';
  mountEditor(server, {
    workspace,
    accounts: config.editor.accounts,
    sessions: new Sessions(secret, config.console.sessionHours * 3600, undefined, 'editor-sessions-v1'),
    entra:
      config.microsoftAppId && config.teams.tenantId && publicHost
        ? new EntraValidator({ tenantId: config.teams.tenantId, appId: config.microsoftAppId, resource: `api://${publicHost}/${config.microsoftAppId}` }, entraKeys)
        : undefined,
    entraRole: config.editor.entraRole,
    insights: insightsStore,
    translate: translator,
    fiche: (id) => longTail?.fiche(id),
    reviewMaxDays: config.editor.reviewMaxDays,
    trustProxy: config.trustProxy,
    shippedDir: config.contentDir,
    evalDir: config.editor.evalDir,
    logger,
    now: options.now ?? (() => new Date()),
  });
  mountIndicators(
    server,
    { insights: insightsStore, handoffs: handoffStore, title: (id) => knowledge.current().kb.byId.get(id)?.text.fr.title },
    { minCount: config.indicators.minCount, top: config.indicators.top, now: options.now ?? (() => new Date()), logger },
  );
  mountConsole(server, {
    accounts: config.console.accounts,
    sessions: new Sessions(secret, config.console.sessionHours * 3600),
    entra:
      config.microsoftAppId && config.teams.tenantId && publicHost
        ? new EntraValidator({ tenantId: config.teams.tenantId, appId: config.microsoftAppId, resource: `api://${publicHost}/${config.microsoftAppId}` }, entraKeys)
        : undefined,
    entraRole: config.console.entraRole,
    store: handoffStore,
    relay,
    knowledge: () => knowledge.current().kb,
    logger,
    now: options.now ?? (() => new Date()),
    trustProxy: config.trustProxy,
  });

  // Alive: the process answers. Ready: storage reachable and a knowledge revision served.
  server.get('/api/health', async (_req: restify.Request, res: restify.Response) => {
    res.send(200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  metrics.onScrape(async () => {
    metrics.queueLength.set((await handoffStore.waiting()).length);
    const waits = (await handoffStore.recentWaits(20)).sort((x, y) => x - y);
    metrics.waitSeconds.set(waits.length ? waits[Math.floor(waits.length / 2)]! : 0);
    metrics.sockets.set(channel.hub.size);
    metrics.revision.set(knowledge.revision ?? 0);
  });
  server.get('/metrics', async (req: restify.Request, res: restify.Response) => {
    if (config.metricsToken && !sameSecret(req.headers.authorization, `Bearer ${config.metricsToken}`)) {
      res.send(401, { error: { code: 'Unauthorized', message: 'metrics need the METRICS_TOKEN bearer' } });
      return;
    }
    res.setHeader('content-type', metrics.registry.contentType);
    res.sendRaw(200, await metrics.text());
  });
  server.get('/api/ready', async (_req: restify.Request, res: restify.Response) => {
    const checks = await Promise.all([storage.ping(), directLineStore.ping(), handoffStore.ping(), insightsStore.ping(), knowledgeStore.ping()]);
    const storageOk = checks.every(Boolean);
    const knowledgeOk = knowledge.revision !== null;
    const ready = storageOk && knowledgeOk;
    res.send(ready ? 200 : 503, {
      status: ready ? 'ready' : 'not ready',
      storage: storageOk ? stores.kind : 'unavailable',
      knowledge: { revision: knowledge.revision, entries: knowledge.current().kb.entries.length },
    });
  });

  let watcher: Watcher | undefined;
  if (config.watchContent) {
    // A change to the shipped files becomes a new revision (when no editor published since).
    watcher = watchFolder(config.contentDir, () => {
      workspace.init().catch((err) => logger.error('knowledge change refused: the content is invalid, the published revision stays live', { err, problems: (err as { details?: { problems?: unknown } }).details?.problems }));
    }, (err) => logger.warn('content watcher failed; reload needs a restart', { err }));
  }
  // Revisions published by another instance are served within seconds.
  let syncing = false;
  const syncTimer = setInterval(() => {
    if (syncing) return;
    syncing = true;
    workspace.sync().catch((err) => logger.error('knowledge sync failed', { err })).finally(() => { syncing = false; });
  }, config.editor.syncSeconds * 1000);
  syncTimer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  listeningPort = port;
  handoffWatch.start();
  const retention = new RetentionJob({ state: storage, directLine: directLineStore, handoff: handoffStore, insights: insightsStore }, config.retention.transcriptDays, logger, options.now);
  retention.start(config.retention.sweepMinutes);
  logger.info('listening', { port, auth: config.microsoftAppId ? 'bot framework tokens required' : 'open (no MicrosoftAppId)' });

  return {
    server,
    adapter,
    knowledge,
    storage,
    directLineStore,
    handoffStore,
    insightsStore,
    knowledgeStore,
    workspace,
    handoffWatch,
    retention,
    directLineSecret: secret,
    port,
    metrics,
    turnsInFlight: () => inFlight,
    /**
     * Graceful: new requests get 503, turns in flight finish (up to SHUTDOWN_GRACE_SECONDS),
     * WebSockets are closed with 1001 "going away" (clients reconnect to another instance),
     * then the listener and the stores close.
     */
    async close() {
      stopping = true;
      watcher?.close();
      clearInterval(syncTimer);
      handoffWatch.stop();
      await retention.stop();
      const deadline = Date.now() + config.shutdownGraceSeconds * 1000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (inFlight > 0) logger.warn('stopping with turns still in flight', { turns: inFlight });
      stopDirectLine();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold the listener open.
      (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      await searchThread?.close();
      // Queued insight events are written before the stores close.
      await insightsStore.close();
      await stores.close();
      logger.info('stopped', { turnsInFlight: inFlight });
    },
  };
}
