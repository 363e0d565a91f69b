/**
 * The CloudAdapter and its turn error handler. With an empty MicrosoftAppId (MultiTenant)
 * the adapter accepts unauthenticated requests and signs nothing, as for the Emulator;
 * with an app id it validates every incoming token.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import { Config } from './config';
import { Logger } from './logger';
import { pseudonym } from './redact';
import type { Translate } from '../dialogs/orientation-dialog';
import type { BotState } from './state';

/** The part of a Bot Connector client this file touches: its HTTP pipeline. */
interface PipelineHolder {
  client?: { pipeline?: { addPolicy(policy: { name: string; sendRequest(request: { timeout: number }, next: (request: unknown) => Promise<unknown>): Promise<unknown> }): void } };
}

/** The name of the timeout policy in the Bot Connector client's pipeline. */
export const CONNECTOR_TIMEOUT_POLICY = 'connector-timeout';

/**
 * Gives every Bot Connector call (replies, cards, proactive messages, Teams threads) made
 * through this authentication a timeout: a Bot Connector (or the service's own Direct Line
 * endpoint) that stops answering cannot hold a turn, and the connection under it, forever.
 * botbuilder's ConnectorFactory replaces any `requestPolicyFactories` given in its options,
 * so the policy is added to each client it creates.
 */
export function withConnectorTimeout(auth: ConfigurationBotFrameworkAuthentication, timeoutMs: number): void {
  type Factory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
  const wrap = (factory: Factory): Factory => {
    const create = factory.create.bind(factory);
    factory.create = async (serviceUrl, audience) => {
      const client = await create(serviceUrl, audience);
      (client as unknown as PipelineHolder).client?.pipeline?.addPolicy({
        name: CONNECTOR_TIMEOUT_POLICY,
        sendRequest: (request, next) => {
          if (!(request.timeout > 0) || request.timeout > timeoutMs) request.timeout = timeoutMs;
          return next(request);
        },
      });
      return client;
    };
    return factory;
  };
  // Proactive messages get their factory here; incoming turns with their authentication.
  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (identity) => wrap(createFactory(identity));
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, header) => {
    const result = await authenticate(activity, header);
    if (result.connectorFactory) result.connectorFactory = wrap(result.connectorFactory);
    return result;
  };
  const authenticateStreaming = auth.authenticateStreamingRequest.bind(auth);
  auth.authenticateStreamingRequest = async (header, channel) => {
    const result = await authenticateStreaming(header, channel);
    if (result.connectorFactory) result.connectorFactory = wrap(result.connectorFactory);
    return result;
  };
}

/** Creates the adapter for a configuration. */
export function createAdapter(config: Config, logger: Logger, translate: Translate, state: BotState): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  withConnectorTimeout(auth, config.limits.connectorTimeoutSeconds * 1000);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error): Promise<void> => {
    const a = context.activity;
    logger.error('turn failed', {
      err: error,
      code: (error as { code?: unknown }).code,
      activityType: a.type,
      channel: a.channelId,
      conversation: pseudonym(a.conversation?.id),
    });
    let lang = a.locale ?? 'fr';
    try {
      lang = (await state.language.get(context)) ?? lang;
    } catch {
      // The state itself may be what failed; the activity's locale will do.
    }
    // The dialog state of a failed turn may be half-written: drop it so the next message
    // starts cleanly, keeping the conversation usable.
    try {
      await state.conversationState.delete(context);
    } catch (err) {
      logger.warn('could not reset conversation state after a failed turn', { err, conversation: pseudonym(a.conversation?.id) });
    }
    try {
      await context.sendActivity(translate(lang)('error.turn'));
    } catch (err) {
      logger.error('could not send the apology after a failed turn', { err, conversation: pseudonym(a.conversation?.id) });
    }
  };
  return adapter;
}
