/**
 * The Bot Connector clients the adapter's authentication hands out (`withConnectorClients`):
 * one kept per identity, audience and service URL instead of one built per turn, each with
 * the call timeout in its pipeline once, a bounded number kept, a failed creation not kept;
 * and the user token client botbuilder asks for every turn kept per app id.
 */
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { CONNECTOR_TIMEOUT_POLICY, MAX_KEPT_CONNECTOR_CLIENTS, withConnectorClients } from '../../bot/adapter';

/** An authentication as the service makes it without an app id (the Emulator, the built-in channel). */
function anonymousAuth(): ConfigurationBotFrameworkAuthentication {
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' });
  withConnectorClients(auth, 1500);
  return auth;
}

const activity = (serviceUrl: string) => ({ type: 'message', serviceUrl, channelId: 'webchat', conversation: { id: 'c' }, from: { id: 'u' }, recipient: { id: 'b' } }) as any;

/** The client a turn from `serviceUrl` gets, as CloudAdapter asks for it. */
async function turnClient(auth: ConfigurationBotFrameworkAuthentication, serviceUrl: string): Promise<any> {
  const result = await auth.authenticateRequest(activity(serviceUrl), '');
  return result.connectorFactory!.create(serviceUrl, result.audience);
}

/** The names of the policies in a client's HTTP pipeline. */
const policies = (client: any): string[] => client.client.pipeline.getOrderedPolicies().map((p: { name: string }) => p.name);

describe('Bot Connector clients', () => {
  it('gives the turns of one service URL the same client, and another URL its own', async () => {
    const auth = anonymousAuth();
    const a1 = await turnClient(auth, 'http://127.0.0.1:1/a');
    const a2 = await turnClient(auth, 'http://127.0.0.1:1/a');
    const b = await turnClient(auth, 'http://127.0.0.1:1/b');
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(b.baseUri).toBe('http://127.0.0.1:1/b');
    expect(a1.baseUri).toBe('http://127.0.0.1:1/a');
  });

  it('proactive messages (createConnectorFactory) share the client of the turns with the same identity', async () => {
    const auth = anonymousAuth();
    const fromTurn = await turnClient(auth, 'http://127.0.0.1:1/a');
    const result = await auth.authenticateRequest(activity('http://127.0.0.1:1/a'), '');
    const proactive = await auth.createConnectorFactory(result.claimsIdentity).create('http://127.0.0.1:1/a', result.audience);
    expect(proactive).toBe(fromTurn);
  });

  it('puts the call timeout in a kept client once, however many turns use it', async () => {
    const auth = anonymousAuth();
    let client: any;
    for (let i = 0; i < 5; i++) client = await turnClient(auth, 'http://127.0.0.1:1/a');
    expect(policies(client).filter((n) => n === CONNECTOR_TIMEOUT_POLICY)).toHaveLength(1);
  });

  it('keeps a bounded number of clients: service URLs from unauthenticated requests cannot grow the memory', async () => {
    const auth = anonymousAuth();
    const first = await turnClient(auth, 'http://127.0.0.1:1/u0');
    for (let i = 1; i <= MAX_KEPT_CONNECTOR_CLIENTS; i++) await turnClient(auth, `http://127.0.0.1:1/u${i}`);
    // The oldest was dropped to make room: its next turn gets a new client.
    const again = await turnClient(auth, 'http://127.0.0.1:1/u0');
    expect(again).not.toBe(first);
    // The most recent ones are still kept.
    const recent = await turnClient(auth, `http://127.0.0.1:1/u${MAX_KEPT_CONNECTOR_CLIENTS}`);
    expect(await turnClient(auth, `http://127.0.0.1:1/u${MAX_KEPT_CONNECTOR_CLIENTS}`)).toBe(recent);
  });

  it('does not keep a client that could not be made: the next turn tries again', async () => {
    const auth = anonymousAuth();
    const result = await auth.authenticateRequest(activity('http://127.0.0.1:1/a'), '');
    const factory = result.connectorFactory! as any;
    // The credentials are refused once (as when the app's secret is rejected), then accepted.
    const credentialFactory = factory.credentialFactory;
    const real = credentialFactory.createCredentials.bind(credentialFactory);
    let refuse = true;
    credentialFactory.createCredentials = (...args: unknown[]) => {
      if (refuse) {
        refuse = false;
        return Promise.reject(new Error('Invalid appId.'));
      }
      return real(...args);
    };
    await expect(factory.create('http://127.0.0.1:1/fail', result.audience)).rejects.toThrow('Invalid appId.');
    const client = await factory.create('http://127.0.0.1:1/fail', result.audience);
    expect(client).toBeDefined();
    expect(await factory.create('http://127.0.0.1:1/fail', result.audience)).toBe(client);
  });

  it('keeps the user token client per app id named by the claims', async () => {
    const auth = anonymousAuth();
    const anonymous = (await auth.authenticateRequest(activity('http://127.0.0.1:1/a'), '')).claimsIdentity;
    const t1 = await auth.createUserTokenClient(anonymous);
    const t2 = await auth.createUserTokenClient(anonymous);
    expect(t2).toBe(t1);
    const other = new ClaimsIdentity([{ type: 'aud', value: 'another-app' }], true);
    // The anonymous authentication makes empty credentials whatever the app id: what matters is that it is asked again.
    expect(await auth.createUserTokenClient(other)).not.toBe(t1);
  });
});
