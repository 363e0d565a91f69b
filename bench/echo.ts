/**
 * The baseline of the service benchmarks: an echo bot on the same plumbing as the service —
 * a restify server with the same body parsing and activity check on `/api/messages`, the
 * same CloudAdapter (`createAdapter`), the same SQLite state storage read and written every
 * turn through `createBotState`, and the same built-in Direct Line channel (store, tokens,
 * socket hub, routes). Only the bot differs: it replies with the text it got.
 */
import * as path from 'path';
import * as restify from 'restify';
import { Activity, ActivityHandler, TurnContext } from 'botbuilder';
import { Config } from '../bot/config';
import { silentLogger } from '../bot/logger';
import { checkActivityBody } from '../bot/activity-check';
import { createAdapter } from '../bot/adapter';
import { BotState, createBotState } from '../bot/state';
import { translator } from '../bot/i18n';
import { SqliteStateStore } from '../storage/sqlite-storage';
import { SqliteDirectLineStore } from '../storage/sqlite-directline-store';
import { DirectLineChannel } from '../bot/directline/channel';
import { SocketHub } from '../bot/directline/socket-hub';
import { TokenService } from '../bot/directline/tokens';
import { connectorKey, directLineSecret } from '../bot/directline/secret';
import { mountDirectLine } from '../bot/directline/routes';
import { deliverInProcess } from '../bot/directline/in-process';

/** Replies with the text; counts the turns in conversation state (read and written every turn). */
class EchoBot extends ActivityHandler {
  constructor(private readonly state: BotState) {
    super();
    const turns = state.conversationState.createProperty<number>('turns');
    this.onMessage(async (context, next) => {
      const n = (await turns.get(context, 0)) ?? 0;
      await turns.set(context, n + 1);
      await context.sendActivity(`${context.activity.text ?? ''}`);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.saveChanges(context);
  }
}

/** A running echo server. */
export interface EchoApp {
  port: number;
  close(): Promise<void>;
}

/** Starts the echo bot with the service's configuration (port, data folder, Direct Line). */
export async function startEchoApp(config: Config): Promise<EchoApp> {
  const logger = silentLogger;
  const storage = new SqliteStateStore(path.join(config.dataDir, 'bot.sqlite'));
  const state = createBotState(storage);
  const adapter = createAdapter(config, logger, translator, state);
  const bridgeAdapter = createAdapter({ ...config, microsoftAppId: '', microsoftAppPassword: '', microsoftAppType: 'MultiTenant', microsoftAppTenantId: '' }, logger, translator, state);
  const bot = new EchoBot(state);

  const server = restify.createServer({ name: 'echo-baseline' });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ maxBodySize: config.maxBodyBytes, mapParams: false }) as unknown as restify.RequestHandler[]);
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    const problem = checkActivityBody(req.body);
    if (problem) {
      res.send(problem.status, { error: { code: problem.code, message: problem.message } });
      return;
    }
    try {
      await adapter.process(req, res, (context) => bot.run(context));
    } catch {
      if (!res.headersSent) res.send(500, { error: { code: 'InternalError', message: 'the activity could not be processed' } });
    }
  });

  let port = config.port;
  const secret = directLineSecret(config.directLine.secret, config.dataDir);
  const key = connectorKey(secret);
  const directLineStore = new SqliteDirectLineStore(path.join(config.dataDir, 'directline.sqlite'));
  const channel = new DirectLineChannel(
    directLineStore,
    new TokenService(secret, config.directLine.tokenTtlSeconds),
    new SocketHub(logger),
    (activity) => bridgeAdapter.processActivityDirect('', activity as Activity, (context) => bot.run(context)),
    () => `http://127.0.0.1:${port}/connector/${key}`,
    logger,
  );
  // Wired as the service wires its channel (bot/server.ts): replies delivered in-process.
  deliverInProcess(bridgeAdapter, channel, `/connector/${key}`);
  const stopDirectLine = mountDirectLine(
    server,
    channel,
    { mode: 'local', publicUrl: undefined, azureDomain: config.directLine.azureDomain, secret },
    key,
    logger,
    { tokenPerMinute: config.directLine.tokensPerMinute, activitiesPerMinute: config.directLine.activitiesPerMinute },
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : config.port;
  return {
    port,
    async close() {
      stopDirectLine();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      (server.server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      await Promise.all([storage.close(), directLineStore.close()]);
    },
  };
}
