/**
 * The Bot Connector clients the adapter's authentication hands out (`withConnectorClients`):
 * one kept per identity, audience and service URL instead of one built per turn, each with
 * the call timeout in its pipeline once, a bounded number kept, a failed creation not kept;
 * and the user token client botbuilder asks for every turn kept per app id; activities sent
 * as their JSON, the same JSON the connector's model mappers made.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { Activity, ConfigurationBotFrameworkAuthentication, MessageFactory } from 'botbuilder';
import { ClaimsIdentity, ConnectorClient, MicrosoftAppCredentials } from 'botframework-connector';
import { activityAsBytes, bodyEncodedOnce, CONNECTOR_BODY_BYTES_POLICY, CONNECTOR_TIMEOUT_POLICY, MAX_KEPT_CONNECTOR_CLIENTS, withConnectorClients } from '../../bot/adapter';
import { translator } from '../../bot/i18n';
import { entryCard } from '../../dialogs/cards/entry-card';
import { loadKnowledge } from '../../knowledge/load';
import { defaultContentDir } from '../../knowledge/paths';

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

  it('puts the call timeout (and the body encoding) in a kept client once, however many turns use it', async () => {
    const auth = anonymousAuth();
    let client: any;
    for (let i = 0; i < 5; i++) client = await turnClient(auth, 'http://127.0.0.1:1/a');
    expect(policies(client).filter((n) => n === CONNECTOR_TIMEOUT_POLICY)).toHaveLength(1);
    expect(policies(client).filter((n) => n === CONNECTOR_BODY_BYTES_POLICY)).toHaveLength(1);
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

describe('activities sent as their JSON (activityAsBytes)', () => {
  let server: http.Server;
  let base: string;
  const bodies: Array<{ url: string; body: any }> = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({ url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: `r${bodies.length}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** What the Bot Connector receives for `activity` from a client: the parsed body. */
  async function received(client: any, activity: Partial<Activity>, how: 'reply' | 'send'): Promise<any> {
    bodies.length = 0;
    if (how === 'reply') await client.conversations.replyToActivity('conv-1', 'm-1', activity);
    else await client.conversations.sendToConversation('conv-1', activity);
    expect(bodies).toHaveLength(1);
    return bodies[0]!.body;
  }

  /** Every answer card of the base in both languages, closing on "did this help?" as the service sends it. */
  function answers(): Array<Partial<Activity>> {
    const kb = loadKnowledge(defaultContentDir());
    const out: Array<Partial<Activity>> = [];
    for (const lang of ['fr', 'en'] as const) {
      const t = translator(lang);
      for (const entry of kb.entries) {
        const reply = MessageFactory.suggestedActions([t('feedback.yes'), t('feedback.no')]);
        reply.attachments = [entryCard(kb, entry, lang, t, { closingQuestion: t('feedback.question') })];
        reply.locale = lang === 'fr' ? 'fr-FR' : 'en-US';
        out.push(reply);
      }
    }
    return out;
  }

  const addressed = (a: Partial<Activity>): Partial<Activity> => ({
    ...a,
    channelId: 'webchat',
    serviceUrl: base,
    from: { id: 'bot', name: 'Assistant' },
    recipient: { id: 'u-1', name: 'Usager' },
    conversation: { id: 'conv-1' } as any,
    replyToId: 'm-1',
  });

  it('the Bot Connector receives the same JSON as through the connector\'s model mappers, for every answer and the other shapes the service sends', async () => {
    const auth = anonymousAuth();
    const ours = await turnClient(auth, base);
    const plain = new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri: base });
    const activities: Array<Partial<Activity>> = [
      ...answers(),
      MessageFactory.text('Bonjour ! Quelle démarche vous amène ?'),
      { type: 'message', text: 'écrit par un agent', textFormat: 'plain', timestamp: new Date('2026-11-24T10:00:00Z'), locale: 'fr-FR' },
      { type: 'message', text: 'dans le fil', channelData: { channel: { id: '19:x@thread.tacv2' }, tenant: { id: 't' } } },
      { type: 'typing' },
      { type: 'event', name: 'handoff.status', value: { state: 'accepted', at: 3 } },
    ];
    for (const a of activities.map(addressed)) {
      const expected = await received(plain, a, 'reply');
      expect(await received(ours, a, 'reply')).toEqual(expected);
      expect(await received(ours, a, 'send')).toEqual(await received(plain, a, 'send'));
    }
    expect(activities.length).toBeGreaterThan(100);
  });

  it('is the JSON path that sends them: a property outside the model, which the mappers dropped, now goes out (the service sets none)', async () => {
    const ours = await turnClient(anonymousAuth(), base);
    const plain = new ConnectorClient(MicrosoftAppCredentials.Empty, { baseUri: base });
    const a = { ...addressed(MessageFactory.text('x')), outsideTheModel: 1 } as Partial<Activity>;
    expect((await received(plain, a, 'reply')).outsideTheModel).toBeUndefined();
    expect((await received(ours, a, 'reply')).outsideTheModel).toBe(1);
  });

  it('sends bodies as UTF-8 bytes made once: the length announced is the bytes\', the type JSON, every script intact, for an activity and for other operations', async () => {
    // What leaves the pipeline, after every policy (the HTTP client measures and writes it).
    const leaving: unknown[] = [];
    const seen: Array<{ length: number; type: string; raw: Buffer }> = [];
    const own = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ length: Number(req.headers['content-length']), type: String(req.headers['content-type']), raw: Buffer.concat(chunks) });
        res.setHeader('content-type', 'application/json');
        res.end('{"id":"r","activityId":"a"}');
      });
    });
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
      const ownClient = await turnClient(anonymousAuth(), url);
      ownClient.client.pipeline.addPolicy({ name: 'spy', sendRequest: (request: { body?: unknown }, next: (r: unknown) => Promise<unknown>) => (leaving.push(request.body), next(request)) }, { afterPhase: 'Sign' });
      const text = 'Préfecture du Val-d\'Oise · مرحبا · 你好 · 😀';
      // An activity (made into bytes before the pipeline), then a Teams thread's parameters
      // (serialised by the mappers, then encoded by the kept client's policy).
      await ownClient.conversations.replyToActivity('conv-1', 'm-1', { ...addressed(MessageFactory.text(text)), serviceUrl: url });
      await ownClient.conversations.createConversation({ isGroup: true, channelData: { channel: { id: '19:x' } }, activity: { type: 'message', text } as Activity, bot: { id: 'b', name: 'Assistant' } } as any);
      expect(seen).toHaveLength(2);
      expect(JSON.parse(seen[0]!.raw.toString('utf8')).text).toBe(text);
      expect(JSON.parse(seen[1]!.raw.toString('utf8')).activity.text).toBe(text);
      for (const [i, s] of seen.entries()) {
        expect(s.length).toBe(s.raw.length);
        expect(s.type).toMatch(/^application\/json/);
        expect(Buffer.isBuffer(leaving[i])).toBe(true);
        expect((leaving[i] as Buffer).equals(s.raw)).toBe(true);
      }
    } finally {
      await new Promise<void>((r) => own.close(() => r()));
    }
  });

  it('encodes only text bodies: none, bytes and streams are left as they are', () => {
    const bytes = Buffer.from('{"a":1}');
    const stream = { pipe: () => undefined };
    expect(bodyEncodedOnce({ timeout: 0, body: undefined }).body).toBeUndefined();
    expect(bodyEncodedOnce({ timeout: 0, body: bytes }).body).toBe(bytes);
    expect(bodyEncodedOnce({ timeout: 0, body: stream }).body).toBe(stream);
    expect(bodyEncodedOnce({ timeout: 0, body: 'é' }).body).toEqual(Buffer.from([0xc3, 0xa9]));
  });

  it('leaves every other operation to the mappers', () => {
    const spec = (className: string) => ({ httpMethod: 'POST', requestBody: { parameterPath: 'x', mapper: { serializedName: className, required: true, type: { name: 'Composite', className } } } });
    const args = { x: { type: 'message', text: 'é' } };
    const parameters = spec('ConversationParameters');
    expect(activityAsBytes(args, parameters)).toEqual({ args, spec: parameters });
    expect(activityAsBytes(args, parameters).spec).toBe(parameters);
    const upload = spec('AttachmentData');
    expect(activityAsBytes(args, upload).spec).toBe(upload);
    const noBody: { httpMethod: string; requestBody?: undefined } = { httpMethod: 'GET' };
    expect(activityAsBytes(args, noBody).spec).toBe(noBody);
    const activity = spec('Activity');
    // An activity that is not an object is left for the serialiser to refuse.
    expect(activityAsBytes({ x: undefined }, activity).spec).toBe(activity);
    const lean = activityAsBytes(args, activity);
    expect(lean.spec.requestBody.mapper.type).toEqual({ name: 'Stream' });
    expect(JSON.parse((lean.args as { x: Buffer }).x.toString('utf8'))).toEqual(args.x);
    // Still required, and made once per operation.
    expect(lean.spec.requestBody.mapper.required).toBe(true);
    expect(activityAsBytes(args, activity).spec).toBe(lean.spec);
    expect(activity.requestBody.mapper.type.name).toBe('Composite');
    expect(args.x).toEqual({ type: 'message', text: 'é' });
  });
});
