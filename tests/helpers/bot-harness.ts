/**
 * Starts the real service on a free port with a temporary data folder, and talks to it over
 * HTTP the way a channel does, with replies going to a connector stub.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, Config } from '../../bot/config';
import { startApp, App } from '../../bot/server';
import { silentLogger, Logger } from '../../bot/logger';
import { StateStore } from '../../storage/port';
import { ConnectorStub, SentActivity, startConnectorStub } from './connector-stub';

/** A temporary data folder, removed by `cleanup`. */
export function tempDir(prefix = 'bot-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The configuration for a test service. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, KB_WATCH: 'false', ...env });
}

/** Starts the service. */
export async function startTestApp(dataDir: string, env: Record<string, string> = {}, logger: Logger = silentLogger, storage?: StateStore, now?: () => Date): Promise<App> {
  return startApp(testConfig(dataDir, env), logger, { storage, now });
}

/** Posts a raw body to `/api/messages`. */
export async function postRaw(app: App, body: string, contentType = 'application/json', headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`http://127.0.0.1:${app.port}/api/messages`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

let counter = 0;

/** A conversation with the bot, as a channel would hold it. */
export class TestConversation {
  readonly id: string;
  private seen = 0;

  constructor(private app: App, private readonly stub: ConnectorStub, readonly locale = 'fr-FR', id?: string) {
    this.id = id ?? `conv-${Date.now()}-${++counter}`;
  }

  /** Points the conversation at another running service (after a restart). */
  use(app: App): void {
    this.app = app;
  }

  activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      type: 'message',
      id: `act-${++counter}`,
      channelId: 'test',
      serviceUrl: this.stub.url,
      conversation: { id: this.id },
      from: { id: 'user-1', name: 'Usager' },
      recipient: { id: 'bot', name: 'Bot' },
      locale: this.locale,
      timestamp: new Date().toISOString(),
      ...extra,
    };
  }

  /** Posts an activity; returns the HTTP status. */
  async post(extra: Record<string, unknown>): Promise<number> {
    const { status } = await postRaw(this.app, JSON.stringify(this.activity(extra)));
    return status;
  }

  /** Sends a message and waits for `count` replies. */
  async say(text: string, count: number, extra: Record<string, unknown> = {}): Promise<SentActivity[]> {
    const from = this.stub.sent.length;
    const status = await this.post({ text, ...extra });
    if (status !== 200) throw new Error(`POST /api/messages answered ${status}`);
    const replies = await this.stub.waitFor(this.id, count, from);
    this.seen += replies.length;
    return replies;
  }
}

/** The Adaptive Card of a reply, if any. */
export function cardOf(reply: SentActivity): any {
  return reply.activity.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** Every text of a card, flattened. */
export function cardTexts(card: any): string[] {
  const out: string[] = [];
  const walk = (x: any): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (typeof x.text === 'string') out.push(x.text);
      if (Array.isArray(x.facts)) x.facts.forEach((f: any) => out.push(`${f.title}: ${f.value}`));
      Object.values(x).forEach(walk);
    }
  };
  walk(card?.body);
  return out;
}

/** A card's buttons: its own actions and those of the action sets in its body. */
export function cardActions(card: any): any[] {
  const inBody = (card?.body ?? []).filter((e: any) => e?.type === 'ActionSet').flatMap((e: any) => e.actions ?? []);
  return [...(card?.actions ?? []), ...inBody];
}

/**
 * The question closing an answer card ("did this help?"): the last element of its body, set
 * apart by a separator; undefined for a card without one.
 */
export function closingQuestion(reply: SentActivity): string | undefined {
  const last = cardOf(reply)?.body?.at(-1);
  return last?.type === 'TextBlock' && last.separator === true ? last.text : undefined;
}

/** The titles of a reply's suggested actions. */
export function suggestions(reply: SentActivity): string[] {
  return (reply.activity.suggestedActions?.actions ?? []).map((a: any) => a.title);
}

/** A service and its connector stub for a whole test file (started before, closed after). */
export interface ServedBot {
  readonly app: App;
  readonly stub: ConnectorStub;
  /** A new conversation with the service. */
  conversation(locale?: string): TestConversation;
}

/**
 * Starts the service with a connector stub before the file's tests and closes both after;
 * `now` is the service's clock (tests that move time pass a function reading a variable).
 */
export function serveBot(prefix: string, env: Record<string, string> = {}, now?: () => Date): ServedBot {
  const data = tempDir(prefix);
  let app: App | undefined;
  let stub: ConnectorStub | undefined;
  beforeAll(async () => {
    stub = await startConnectorStub();
    app = await startTestApp(data.dir, env, undefined, undefined, now);
  });
  afterAll(async () => {
    await app?.close();
    await stub?.close();
    data.cleanup();
  });
  return {
    get app() {
      return app as App;
    },
    get stub() {
      return stub as ConnectorStub;
    },
    conversation: (locale = 'fr-FR') => new TestConversation(app as App, stub as ConnectorStub, locale),
  };
}
