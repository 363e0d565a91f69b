/**
 * What survives a restart, what happens when storage fails, and authentication.
 */
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { translator } from '../../bot/i18n';
import { createLogger } from '../../bot/logger';
import { LiveKnowledge } from '../../knowledge/live';
import { defaultContentDir, projectRoot } from '../../knowledge/paths';
import { KnowledgeValidationError } from '../../knowledge/errors';
import { SqliteStateStore } from '../../storage/sqlite-storage';
import { StoreItems } from 'botbuilder';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { cardOf, cardTexts, closingQuestion, postRaw, startTestApp, suggestions, tempDir, TestConversation } from '../helpers/bot-harness';

const fr = translator('fr');
const en = translator('en');
const { kb, search } = new LiveKnowledge(defaultContentDir()).current();

let stub: ConnectorStub;
beforeAll(async () => {
  stub = await startConnectorStub();
});
afterAll(async () => {
  await stub.close();
});

it('a restart of the server mid-conversation loses neither the pending choice nor the language', async () => {
  const data = tempDir();
  let app = await startTestApp(data.dir);
  try {
    const question = 'registration certificate carte grise';
    expect(search.rank(question, 'en-US').decision).toBe('clarify');
    const c = new TestConversation(app, stub, 'en-US');
    const [choice] = await c.say(question, 1);
    const offered = suggestions(choice!);
    expect(choice!.activity.text).toBe(en('clarify.prompt'));

    await app.close();
    app = await startTestApp(data.dir);
    c.use(app);

    const [card] = await c.say(offered[0]!, 1);
    expect(cardTexts(cardOf(card!))[0]).toBe(offered[0]);
    expect(closingQuestion(card!)).toBe(en('feedback.question'));
    const next = 'I lost my residence permit';
    const decision = search.rank(next).decision;
    const replies = await c.say(next, 1);
    const last = replies[replies.length - 1]!;
    if (decision === 'answer') expect(closingQuestion(last)).toBe(en('feedback.question'));
    else expect(last.activity.text).toBe(en('clarify.prompt'));
  } finally {
    await app.close();
    data.cleanup();
  }
});

/** A store that fails on demand, as a database that goes away would. */
class FlakyStore extends SqliteStateStore {
  failWrites = false;
  override async write(changes: StoreItems): Promise<void> {
    if (this.failWrites) throw new Error('database unavailable');
    return super.write(changes);
  }
}

it('when storage fails, the person gets an apology, the operator a log line, and the next turn works', async () => {
  const data = tempDir();
  const lines: string[] = [];
  const store = new FlakyStore(path.join(data.dir, 'flaky.sqlite'));
  const app = await startTestApp(data.dir, {}, createLogger('info', (l) => lines.push(l)), store);
  try {
    const c = new TestConversation(app, stub);
    store.failWrites = true;
    // The answer (card and question in one message), then the apology when its state is not saved.
    const replies = await c.say('jai perdu ma cg', 2);
    expect(replies).toHaveLength(2);
    expect(closingQuestion(replies[0]!)).toBe(fr('feedback.question'));
    expect(replies[1]!.activity.text).toBe(fr('error.turn'));
    const errorLine = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'turn failed');
    expect(errorLine).toMatchObject({ level: 'error', err: { message: 'database unavailable' } });
    expect(JSON.stringify(errorLine)).not.toContain(c.id);

    store.failWrites = false;
    const [card] = await c.say('jai perdu ma cg', 1);
    expect(cardOf(card!)).toBeDefined();
    expect(closingQuestion(card!)).toBe(fr('feedback.question'));
  } finally {
    await app.close();
    data.cleanup();
  }
});

it('requires Bot Framework authentication when MicrosoftAppId is set', async () => {
  const data = tempDir();
  const app = await startTestApp(data.dir, { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret' });
  try {
    const c = new TestConversation(app, stub);
    const r = await postRaw(app, JSON.stringify(c.activity({ text: 'bonjour' })));
    expect(r.status).toBe(401);
    const forged = await postRaw(app, JSON.stringify(c.activity({ text: 'bonjour' })), 'application/json', { authorization: 'Bearer not.a.jwt' });
    expect(forged.status).toBe(401);
  } finally {
    await app.close();
    data.cleanup();
  }
});

describe('an invalid knowledge base stops the start', () => {
  const broken = tempDir('kb-broken-');
  beforeAll(() => {
    fs.cpSync(defaultContentDir(), broken.dir, { recursive: true });
    const file = path.join(broken.dir, 'procedures', 'immatriculation-duplicata.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^handler:\n  body: ants/m, 'handler:\n  body: nowhere'));
  });
  afterAll(() => broken.cleanup());

  it('startApp throws the validation report, never serving half a base', async () => {
    const data = tempDir();
    await expect(startTestApp(data.dir, { KB_CONTENT_DIR: broken.dir })).rejects.toThrow(KnowledgeValidationError);
    await expect(startTestApp(data.dir, { KB_CONTENT_DIR: broken.dir })).rejects.toThrow(/procedures\/immatriculation-duplicata\.yaml: handler\.body: unknown body "nowhere"/);
    data.cleanup();
  });

  it('the service process exits with the report on standard error', () => {
    const r = spawnSync(process.execPath, [path.join(projectRoot(), 'dist', 'bot', 'index.js')], {
      env: { ...process.env, KB_CONTENT_DIR: broken.dir, PORT: '0', DATA_DIR: broken.dir + '-data' },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('handler.body: unknown body "nowhere"');
  });
});
