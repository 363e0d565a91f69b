/**
 * The CloudAdapter and its turn error handler. With an empty MicrosoftAppId (MultiTenant)
 * the adapter accepts unauthenticated requests and signs nothing, as for the Emulator;
 * with an app id it validates every incoming token.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import { activityJsonBytes } from './activity-json';
import { Config } from './config';
import { Logger } from './logger';
import { pseudonym } from './redact';
import type { Translate } from '../dialogs/orientation-dialog';
import type { BotState } from './state';

/** The part of a Bot Connector client this file touches: its HTTP pipeline. */
interface PipelineHolder {
  client?: { pipeline?: { addPolicy(policy: { name: string; sendRequest(request: OutgoingRequest, next: (request: unknown) => Promise<unknown>): Promise<unknown> }): void } };
}

/** The name of the timeout policy in the Bot Connector client's pipeline. */
export const CONNECTOR_TIMEOUT_POLICY = 'connector-timeout';

/** The name of the policy encoding text bodies once ({@link bodyEncodedOnce}). */
export const CONNECTOR_BODY_BYTES_POLICY = 'connector-body-bytes';

/** Bot Connector clients kept for reuse at most (one per service URL and audience in use). */
export const MAX_KEPT_CONNECTOR_CLIENTS = 64;

type Factory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type Client = Awaited<ReturnType<Factory['create']>>;

/**
 * What makes two of botbuilder's connector factories create the same client: the identity
 * the bot signs as and where it logs in (`ConnectorFactoryImpl`'s fields), the audience and
 * the service URL. Undefined for a factory that does not expose them: its clients are not kept.
 */
function clientKey(factory: Factory, serviceUrl: string, audience: string | undefined): string | undefined {
  const f = factory as unknown as { appId?: unknown; toChannelFromBotOAuthScope?: unknown; loginEndpoint?: unknown; validateAuthority?: unknown };
  if (typeof f.toChannelFromBotOAuthScope !== 'string' || typeof f.loginEndpoint !== 'string') return undefined;
  // Joined on a character none of them holds (a JSON array of them cost a few µs a turn).
  return `${String(f.appId ?? '')}\u0000${audience ?? f.toChannelFromBotOAuthScope}\u0000${f.loginEndpoint}\u0000${String(f.validateAuthority)}\u0000${serviceUrl}`;
}

/** The parts of an operation of the Bot Connector client's that {@link activityAsBytes} reads. */
interface OperationSpec {
  requestBody?: { parameterPath?: unknown; mapper?: { type?: { name?: string; className?: string } } };
}

/** Operations whose Activity body goes out as its JSON bytes, made once per operation of botframework-connector. */
const asBytes = new WeakMap<object, OperationSpec>();

/**
 * The operation's arguments and spec with its Activity body sent as the bytes of its JSON
 * ({@link activityJsonBytes}), instead of walking it with the connector's model mappers and
 * then `JSON.stringify`. That walk (one call, with its options object, name split and path
 * string, per property of the Activity model and of every nested account, action and
 * attachment) allocated about 80 KB and cost more than the rest of a reply's HTTP call in
 * profiles, for the same JSON: the activities this service sends hold only the model's
 * properties, and their dates are ISO strings either way (the tests compare both
 * serialisations on every answer card, in both languages). Any other operation (a Teams
 * thread's parameters, an attachment's upload), and an Activity argument that is not an
 * object (for the serialiser to refuse, as it did), are left to the mappers.
 */
export function activityAsBytes<S extends OperationSpec>(args: unknown, spec: S): { args: unknown; spec: S } {
  const body = spec.requestBody;
  const mapper = body?.mapper;
  const path = body?.parameterPath;
  if (mapper?.type?.name !== 'Composite' || mapper.type.className !== 'Activity' || typeof path !== 'string') return { args, spec };
  const activity = typeof args === 'object' && args !== null ? (args as Record<string, unknown>)[path] : undefined;
  if (typeof activity !== 'object' || activity === null) return { args, spec };
  let lean = asBytes.get(spec);
  if (!lean) {
    // The serialiser passes a "Stream" body (bytes among them) through as it is.
    lean = { ...spec, requestBody: { ...body, mapper: { ...mapper, type: { name: 'Stream' } } } };
    asBytes.set(spec, lean);
  }
  return { args: { ...(args as object), [path]: activityJsonBytes(activity as Record<string, unknown>) }, spec: lean as S };
}

/** The part of an outgoing request of the Bot Connector client's that {@link bodyEncodedOnce} reads. */
interface OutgoingRequest {
  timeout: number;
  body?: unknown;
}

/**
 * The request with a text body (the JSON the mappers made, as for a Teams thread's
 * parameters) turned into its UTF-8 bytes, once. Left as text, the HTTP client encodes it
 * twice: a full copy only to measure its length (`Content-Length`), then again to write it,
 * after joining it to the headers into one more copy (for an answer card of about 6,000
 * characters, before activities went out as bytes: 30 KB allocated and three conversions per
 * reply, issue 8). Any other body (none, bytes, a stream, a form) is left as it is.
 */
export function bodyEncodedOnce<R extends OutgoingRequest>(request: R): R {
  if (typeof request.body === 'string') request.body = Buffer.from(request.body, 'utf8');
  return request;
}

/** The part of a Bot Connector client {@link activityAsBytes} is applied through. */
interface OperationSender {
  sendOperationRequest?: (args: unknown, spec: OperationSpec, callback?: unknown) => Promise<unknown>;
}

/**
 * Promises kept by key, at most `max`, the oldest dropped first. One that rejects (credentials
 * refused) is dropped, so that the next call tries again.
 */
function keptBy<T>(max: number): (key: string, make: () => Promise<T>) => Promise<T> {
  const kept = new Map<string, Promise<T>>();
  return (key, make) => {
    let promise = kept.get(key);
    if (!promise) {
      if (kept.size >= max) kept.delete(kept.keys().next().value!);
      const made = make();
      kept.set(key, made);
      made.catch(() => {
        if (kept.get(key) === made) kept.delete(key);
      });
      promise = made;
    }
    return promise;
  };
}

/**
 * Shapes every Bot Connector client (replies, cards, proactive messages, Teams threads) made
 * through this authentication:
 * - a timeout on every call: a Bot Connector (or the service's own Direct Line endpoint) that
 *   stops answering cannot hold a turn, and the connection under it, forever. botbuilder's
 *   ConnectorFactory replaces any `requestPolicyFactories` given in its options, so the policy
 *   is added to each client it creates;
 * - reuse: botbuilder creates a client, with its whole HTTP pipeline, for every turn (with the
 *   user token client below, about a fifth of an echo turn's CPU, measured side by side). A
 *   client holds no state of a turn (its credentials fetch and cache tokens per call), so one
 *   is kept per identity, audience and service URL, as botbuilder's older BotFrameworkAdapter
 *   did. At most
 *   {@link MAX_KEPT_CONNECTOR_CLIENTS} are kept, the oldest dropped first: without an app id
 *   the service URL comes from unauthenticated requests, and must not grow the memory;
 * - activities sent as the bytes of their JSON ({@link activityAsBytes}), a shared answer
 *   card's kept with it ({@link activityJsonBytes}); any other text body encoded once
 *   ({@link bodyEncodedOnce}).
 */
export function withConnectorClients(auth: ConfigurationBotFrameworkAuthentication, timeoutMs: number): void {
  const make = async (create: Factory['create'], serviceUrl: string, audience?: string): Promise<Client> => {
    const client = await create(serviceUrl, audience);
    const pipeline = (client as unknown as PipelineHolder).client?.pipeline;
    pipeline?.addPolicy({
      name: CONNECTOR_TIMEOUT_POLICY,
      sendRequest: (request, next) => {
        if (!(request.timeout > 0) || request.timeout > timeoutMs) request.timeout = timeoutMs;
        return next(request);
      },
    });
    pipeline?.addPolicy({ name: CONNECTOR_BODY_BYTES_POLICY, sendRequest: (request, next) => next(bodyEncodedOnce(request)) });
    const sender = client as unknown as OperationSender;
    const send = sender.sendOperationRequest?.bind(client);
    if (send) {
      sender.sendOperationRequest = (args, spec, callback) => {
        const lean = activityAsBytes(args, spec);
        return send(lean.args, lean.spec, callback);
      };
    }
    return client;
  };
  const keptClient = keptBy<Client>(MAX_KEPT_CONNECTOR_CLIENTS);
  const wrap = (factory: Factory): Factory => {
    const create = factory.create.bind(factory);
    factory.create = (serviceUrl, audience) => {
      const key = clientKey(factory, serviceUrl, audience);
      return key === undefined ? make(create, serviceUrl, audience) : keptClient(key, () => make(create, serviceUrl, audience));
    };
    return factory;
  };
  // botbuilder also makes a user token client (OAuth sign-in, which this bot does not use)
  // for every turn, with a pipeline of its own: one is kept per app id the claims name.
  type TokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;
  const keptTokenClient = keptBy<TokenClient>(MAX_KEPT_CONNECTOR_CLIENTS);
  const createUserTokenClient = auth.createUserTokenClient.bind(auth);
  auth.createUserTokenClient = (identity) => {
    const key = String(identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '');
    return keptTokenClient(key, () => createUserTokenClient(identity));
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
  withConnectorClients(auth, config.limits.connectorTimeoutSeconds * 1000);
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
