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
import { createAdapter } from './adapter';
import { createBotState } from './state';
import { OrientationBot } from './orientation-bot';
import { translator } from './i18n';
import { pseudonym } from './redact';
import { OrientationDialog } from '../dialogs/orientation-dialog';
import { LiveKnowledge } from '../knowledge/live';
import { SqliteStateStore } from '../storage/sqlite-storage';
import { StateStore } from '../storage/port';
import { watchFolder, Watcher } from './content-watcher';
import { DirectLineStore } from '../storage/directline-store';
import { SqliteDirectLineStore } from '../storage/sqlite-directline-store';
import { DirectLineChannel } from './directline/channel';
import { SocketHub } from './directline/socket-hub';
import { TokenService } from './directline/tokens';
import { connectorKey, directLineSecret } from './directline/secret';
import { mountDirectLine } from './directline/routes';
import { mountStatic } from './static-files';
import { HandoffStore } from '../storage/handoff-store';
import { SqliteHandoffStore } from '../storage/sqlite-handoff-store';
import { HandoffService } from './handoff/handoff-service';
import { Relay } from './handoff/relay';
import { Proactive } from './handoff/proactive';
import { AgentsChannelStore } from './teams/agents-channel';
import { TeamsHandler } from './teams/teams-handler';
import { mountTranscripts, TranscriptLinks } from './handoff/transcript-link';
import { HandoffWatch } from './handoff/watch';
import { mountConsole } from './console/routes';
import { Sessions } from './console/sessions';
import { EntraValidator } from './console/entra';
import { HandoffDialog } from '../dialogs/handoff-dialog';
import { mainContact, mainSite } from '../knowledge/directory';
import { Activity } from 'botbuilder';
import { RightToErrorDialog } from '../dialogs/right-to-error-dialog';
import { CommandRouter } from '../dialogs/commands';
import { InsightsStore } from '../storage/insights-store';
import { SqliteInsightsStore } from '../storage/sqlite-insights-store';
import { InsightsService } from './insights/insights-service';
import { mountIndicators } from './insights/routes';
import { openLongTail } from './long-tail';

/** A running service. */
export interface App {
  server: restify.Server;
  adapter: CloudAdapter;
  knowledge: LiveKnowledge;
  storage: StateStore;
  directLineStore: DirectLineStore;
  handoffStore: HandoffStore;
  insightsStore: InsightsStore;
  /** The handoff's clock (expiries, inactive agents); tests run its sweep directly. */
  handoffWatch: HandoffWatch;
  /** The Direct Line secret in force (configured or generated). */
  directLineSecret: string;
  /** The port actually listened on. */
  port: number;
  /** Stops accepting requests, then closes storage and watchers. */
  close(): Promise<void>;
}

/** Starts the service. Throws `KnowledgeValidationError` when the content is invalid. */
export async function startApp(
  config: Config,
  logger: Logger,
  options: { storage?: StateStore; directLineStore?: DirectLineStore; handoffStore?: HandoffStore; insightsStore?: InsightsStore; now?: () => Date } = {},
): Promise<App> {
  const knowledge = new LiveKnowledge(config.contentDir);
  logger.info('knowledge loaded', { entries: knowledge.current().kb.entries.length, dir: config.contentDir });
  const storage = options.storage ?? new SqliteStateStore(path.join(config.dataDir, 'bot.sqlite'));
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
  const handoffStore = options.handoffStore ?? new SqliteHandoffStore(path.join(config.dataDir, 'handoff.sqlite'), options.now);
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
  const handoffDialog = new HandoffDialog(handoff, translator, (lang) => mainContact(knowledge.current().kb, lang));
  const insightsStore = options.insightsStore ?? new SqliteInsightsStore(path.join(config.dataDir, 'insights.sqlite'));
  const insights = new InsightsService(insightsStore, secret, logger, options.now);
  const longTail = config.longTail ? openLongTail(logger) : undefined;
  const dialog = new OrientationDialog({
    insights,
    longTail,
    handoffDialogId: HandoffDialog.id,
    now: options.now,
    knowledge,
    language: state.language,
    translate: translator,
    maxMessageChars: config.maxMessageChars,
    onDecision: (context, o) =>
      logger.info('decision', {
        conversation: pseudonym(context.activity.conversation?.id),
        lang: o.lang,
        decision: o.decision,
        top: o.results[0]?.id,
        score: o.results[0]?.score,
      }),
  });
  const rightToError = new RightToErrorDialog(knowledge, translator);
  const commands = new CommandRouter({ knowledge, language: state.language, translate: translator, handoff, maxMessageChars: config.maxMessageChars });
  const bot = new OrientationBot(state, dialog, translator, logger, [handoffDialog, rightToError], { relay, teams, commands });

  const directLineStore = options.directLineStore ?? new SqliteDirectLineStore(path.join(config.dataDir, 'directline.sqlite'));
  const channel = new DirectLineChannel(
    directLineStore,
    new TokenService(secret, config.directLine.tokenTtlSeconds),
    new SocketHub(logger),
    (activity) => bridgeAdapter.processActivityDirect('', activity as Activity, (context) => bot.run(context)),
    connectorBase,
    logger,
  );

  const server = restify.createServer({ name: 'prefecture-orientation-bot' });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: config.maxBodyBytes, mapParams: false }));
  server.on('restifyError', (req: restify.Request, _res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    logger.warn('request refused', { method: req.method, path: req.path(), status: err.statusCode, reason: err.message.slice(0, 200) });
    cb();
  });

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    const problem = checkActivityBody(req.body);
    if (problem) {
      logger.warn('malformed activity', { code: problem.code, reason: problem.message });
      res.send(problem.status, { error: { code: problem.code, message: problem.message } });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch (err) {
      logger.error('activity processing failed', { err, conversation: pseudonym((req.body as { conversation?: { id?: string } }).conversation?.id) });
      if (!res.headersSent) res.send(500, { error: { code: 'InternalError', message: 'the activity could not be processed' } });
    }
  });

  const stopDirectLine = mountDirectLine(
    server,
    channel,
    { mode: config.directLine.mode, publicUrl: config.directLine.publicUrl || undefined, azureDomain: config.directLine.azureDomain, secret },
    key,
    logger,
    { tokenPerMinute: config.directLine.tokensPerMinute, activitiesPerMinute: config.directLine.activitiesPerMinute },
  );
  mountStatic(server);
  mountTranscripts(server, transcriptLinks, handoffStore);
  mountIndicators(
    server,
    { insights: insightsStore, handoffs: handoffStore, title: (id) => knowledge.current().kb.byId.get(id)?.text.fr.title },
    { minCount: config.indicators.minCount, top: config.indicators.top, now: options.now ?? (() => new Date()), logger },
  );
  const publicHost = config.directLine.publicUrl ? new URL(config.directLine.publicUrl).host : '';
  mountConsole(server, {
    accounts: config.console.accounts,
    sessions: new Sessions(secret, config.console.sessionHours * 3600),
    entra:
      config.microsoftAppId && config.teams.tenantId && publicHost
        ? new EntraValidator({ tenantId: config.teams.tenantId, appId: config.microsoftAppId, resource: `api://${publicHost}/${config.microsoftAppId}` })
        : undefined,
    store: handoffStore,
    relay,
    knowledge: () => knowledge.current().kb,
    logger,
    now: options.now ?? (() => new Date()),
  });

  server.get('/api/health', async (_req: restify.Request, res: restify.Response) => {
    const storageOk = (await storage.ping()) && (await directLineStore.ping()) && (await insightsStore.ping());
    res.send(storageOk ? 200 : 503, {
      status: storageOk ? 'ok' : 'degraded',
      storage: storageOk ? 'ok' : 'unavailable',
      knowledge: { entries: knowledge.current().kb.entries.length },
      uptimeSeconds: Math.round(process.uptime()),
    });
  });

  let watcher: Watcher | undefined;
  if (config.watchContent) {
    watcher = watchFolder(config.contentDir, () => {
      const r = knowledge.reload();
      if (r.ok) logger.info('knowledge reloaded', { entries: r.entries });
      else logger.error('knowledge change refused: the content is invalid, the previous version stays live', { problems: r.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`) });
    }, (err) => logger.warn('content watcher failed; reload needs a restart', { err }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  listeningPort = port;
  handoffWatch.start();
  logger.info('listening', { port, auth: config.microsoftAppId ? 'bot framework tokens required' : 'open (no MicrosoftAppId)' });

  return {
    server,
    adapter,
    knowledge,
    storage,
    directLineStore,
    handoffStore,
    insightsStore,
    handoffWatch,
    directLineSecret: secret,
    port,
    async close() {
      watcher?.close();
      handoffWatch.stop();
      stopDirectLine();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await storage.close();
      await directLineStore.close();
      await handoffStore.close();
      await insightsStore.close();
    },
  };
}
