/**
 * End to end, the agents' console in Debian's Chromium (playwright-core): a person on the
 * website asks for an agent through the built-in Direct Line channel (plain fetch, as the
 * page's Web Chat would); an agent signs in to `/console` in a plain browser (outside Teams:
 * the sign-in form), sees the request in the queue, takes it, reads what the person writes,
 * answers and closes; the person receives each step in their conversation. Also: a wrong
 * password, another agent taking first, an ended session. Screenshots go to
 * `test-artifacts/console-*.png`.
 *
 * Skipped, with the reason in the suite's name, when there is no Chromium at CHROMIUM_PATH
 * (default /usr/bin/chromium).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { hashPassword } from '../../bot/console/accounts';
import { projectRoot } from '../../knowledge/paths';
import { startTestApp, tempDir } from '../helpers/bot-harness';
import { ARTIFACTS, e2eSuite, launchChromium, plain, waitInPage } from '../helpers/browser';

const ROOT = projectRoot(__dirname);
const TIMEOUT = 60_000;
/** The console polls every 3 s: anything it should show is there well within this. */
const SHOWN = 12_000;
const SESSION_KEY = 'prefecture-console.session';

const fr = translator('fr');
// Monday 23 November 2026, 10:00 in Paris: the agents' desk is open.
const NOW = () => new Date('2026-11-23T09:00:00Z');


const { suite, title } = e2eSuite('the agents\' console, end to end (Chromium)', 'tests/e2e/console.e2e.test.ts');

suite(title, () => {
  jest.setTimeout(TIMEOUT);

  let data: { dir: string; cleanup: () => void } | undefined;
  let app: App;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const outside: string[] = [];
  const loaded: string[] = [];
  const pageErrors: string[] = [];
  let shot = 0;

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `console-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  }

  /** A person on the website, through the built-in Direct Line channel (polling). */
  async function person() {
    const dl = `${base}/v3/directline`;
    const grant = (await (await fetch(`${base}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${grant.token}` };
    const started = await fetch(`${dl}/conversations`, { method: 'POST', headers: auth });
    expect(started.status).toBeLessThan(300);
    /** What the bot (and, through it, the agent) wrote to the person. */
    const received = async (): Promise<string[]> => {
      const r = (await (await fetch(`${dl}/conversations/${grant.conversationId}/activities`, { headers: auth })).json()) as { activities: Array<{ text?: string; from: { id: string } }> };
      return r.activities.filter((a) => !a.from.id.startsWith('dl_')).map((a) => a.text ?? '');
    };
    return {
      conversationId: grant.conversationId,
      say: async (text: string): Promise<void> => {
        const r = await fetch(`${dl}/conversations/${grant.conversationId}/activities`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text, locale: 'fr-FR' }),
        });
        expect(r.status).toBe(200);
      },
      received,
      /** Waits until the person has received exactly `text`. */
      receives: async (text: string, ms = 10_000): Promise<void> => {
        const end = Date.now() + ms;
        for (;;) {
          const all = await received();
          if (all.includes(text)) return;
          if (Date.now() > end) throw new Error(`the person did not receive ${JSON.stringify(text)}; got ${JSON.stringify(all)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    };
  }

  /** The console API, as another agent would call it. */
  async function consoleApi(token: string | undefined, route: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${base}/api/console${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  async function storedSession(): Promise<{ token: string; agent: { id: string; name: string } } | null> {
    // (Expressions as strings: the project's type check has no DOM library.)
    return (await page.evaluate(`JSON.parse(sessionStorage.getItem(${JSON.stringify(SESSION_KEY)}) || "null")`)) as any;
  }

  async function expectFocusOn(selector: string): Promise<void> {
    await waitInPage(page, (sel: string) => { const d = (globalThis as any).document; return d.activeElement !== null && d.activeElement.matches(sel); }, selector, 10_000);
  }

  /** The queue's item whose summary holds `text`. */
  const queueItem = (text: string) => page.locator('#queue-list > li', { hasText: text });
  const transcriptLines = () => page.locator('#transcript > li');

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of fs.readdirSync(ARTIFACTS)) if (/^console-.*\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
    data = tempDir('e2e-console-');
    app = await startTestApp(
      data.dir,
      {
        AGENT_ACCOUNTS: JSON.stringify([
          { username: 'alice', name: 'Alice Martin', passwordHash: hashPassword('motdepasse-solide') },
          // A second agent, who takes a request through the API before Alice clicks.
          { username: 'bob', name: 'Bob Durand', passwordHash: hashPassword('autre-motdepasse') },
        ]),
      },
      undefined,
      undefined,
      NOW,
    );
    base = `http://127.0.0.1:${app.port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR' });
    page = await context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      loaded.push(url);
      if (!url.startsWith(`${base}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, TIMEOUT);

  afterAll(async () => {
    if (page) await screenshot('last').catch(() => undefined);
    await browser?.close();
    await app?.close();
    data?.cleanup();
  }, TIMEOUT);

  let visitor: Awaited<ReturnType<typeof person>>;
  const QUESTION = 'je veux parler à un agent';

  test('outside Teams, /console shows the sign-in form in French; a wrong password is refused with a message and no session', async () => {
    await page.goto(`${base}/console`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await page.locator('#signin-form').waitFor({ state: 'visible', timeout: 10_000 });
    // Labelled fields, the focus in the first one.
    await expectFocusOn('#username');
    await expect(page.getByLabel('Identifiant').getAttribute('autocomplete')).resolves.toBe('username');
    await expect(page.getByLabel('Mot de passe').getAttribute('type')).resolves.toBe('password');
    await screenshot('signin');

    await page.getByLabel('Identifiant').fill('alice');
    await page.getByLabel('Mot de passe').fill('pas-le-bon');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const error = page.locator('#signin-error[role="alert"]');
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    expect(plain(await error.innerText())).toContain('Identifiant ou mot de passe incorrect');
    await expect(page.getByLabel('Mot de passe').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await storedSession()).toBeNull();
    expect(await page.locator('#workspace').isVisible()).toBe(false);
    await screenshot('wrong-password');
  }, TIMEOUT);

  test('a person asks for an agent; Alice signs in and sees the request in the queue', async () => {
    visitor = await person();
    await visitor.say(QUESTION);
    // The request exists for the service before the console looks.
    expect((await app.handoffStore.waiting()).length).toBe(1);

    await page.getByLabel('Mot de passe').fill('motdepasse-solide');
    await page.getByLabel('Mot de passe').press('Enter');
    await page.locator('#workspace').waitFor({ state: 'visible', timeout: 10_000 });
    expect(plain(await page.locator('#agent-name').innerText())).toBe('Alice Martin');
    const session = await storedSession();
    expect(session?.agent).toEqual({ id: 'local:alice', name: 'Alice Martin' });
    expect(typeof session?.token).toBe('string');
    await expect(page.locator('#signin').isVisible()).resolves.toBe(false);

    const item = queueItem(QUESTION);
    await item.waitFor({ timeout: SHOWN });
    const text = plain(await item.innerText());
    expect(text).toContain('En attente depuis');
    expect(text).toContain('Langue : français');
    expect(text).toContain(QUESTION);
    await expect(item.getByRole('button', { name: 'Prendre en charge' }).isVisible()).resolves.toBe(true);
    expect(plain(await page.locator('#queue-count').innerText())).toBe('1');
    await screenshot('queue');
  }, TIMEOUT);

  test('Alice takes it: the person is told, the request moves to her conversations, the focus is in the message box', async () => {
    // With the keyboard.
    await queueItem(QUESTION).getByRole('button', { name: 'Prendre en charge' }).focus();
    await page.keyboard.press('Enter');
    await visitor.receives(fr('handoff.taken', { name: 'Alice' }));

    const mine = page.locator('#mine-list > li', { hasText: QUESTION });
    await mine.waitFor({ timeout: SHOWN });
    expect(plain(await mine.innerText())).toContain('Avec vous');
    await queueItem(QUESTION).waitFor({ state: 'detached', timeout: SHOWN });
    await expect(page.locator('#queue-empty').isVisible()).resolves.toBe(true);

    // The transcript is open, with the owner's tools.
    expect(plain(await page.locator('#detail-meta').innerText())).toContain('Alice (vous)');
    await page.locator('#transcript > li.console-line--person', { hasText: QUESTION }).waitFor({ timeout: SHOWN });
    await expect(page.getByRole('button', { name: 'Rendre au bot' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Clore' }).isVisible()).resolves.toBe(true);
    await expectFocusOn('#reply-text');
    await expect(page.getByLabel("Écrire à l'usager").getAttribute('id')).resolves.toBe('reply-text');
    await screenshot('taken');
  }, TIMEOUT);

  test('what the person writes appears in the console transcript (a live log)', async () => {
    const said = "J'ai perdu mon titre de séjour, je dois faire quoi ?";
    await visitor.say(said);
    const line = page.locator('#transcript > li.console-line--person', { hasText: 'perdu mon titre de séjour' });
    await line.waitFor({ timeout: SHOWN });
    expect(plain(await line.innerText())).toContain(plain(said));
    expect(plain(await line.locator('.console-line__who').innerText())).toBe('Usager');
    await expect(page.locator('#transcript-box').getAttribute('role')).resolves.toBe('log');
    await expect(page.locator('#transcript-box').getAttribute('aria-live')).resolves.toBe('polite');
    await screenshot('person-writes');
  }, TIMEOUT);

  test('Alice answers with Enter: the person receives it, the transcript shows it, the box is emptied', async () => {
    const answer = 'Bonjour, je vais vous aider. Avez-vous déclaré la perte ?';
    const box = page.getByLabel("Écrire à l'usager");
    await box.fill(answer);
    await box.press('Enter');
    await visitor.receives(fr('handoff.agentSays', { name: 'Alice', text: answer }));
    await page.locator('#transcript > li.console-line--agent', { hasText: 'déclaré la perte' }).waitFor({ timeout: SHOWN });
    expect(await box.inputValue()).toBe('');
    await expectFocusOn('#reply-text');

    // The button sends too.
    const second = 'Je reste en ligne.';
    await box.fill(second);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await visitor.receives(fr('handoff.agentSays', { name: 'Alice', text: second }));
    await page.locator('#transcript > li.console-line--agent', { hasText: second }).waitFor({ timeout: SHOWN });
    await screenshot('agent-writes');
  }, TIMEOUT);

  test('Alice closes: the person is told, the owner\'s tools go, the conversation leaves her list', async () => {
    await page.getByRole('button', { name: 'Clore' }).click();
    await visitor.receives(fr('handoff.closedByAgent', { name: 'Alice' }));
    await page.locator('#owner-tools').waitFor({ state: 'hidden', timeout: SHOWN });
    await page.locator('#mine-list > li').first().waitFor({ state: 'detached', timeout: SHOWN });
    expect(plain(await page.locator('#detail-meta').innerText())).toContain('État : Close');
    // The transcript stays readable.
    expect(await transcriptLines().count()).toBeGreaterThanOrEqual(4);
    // Said in the page's polite live region.
    await page.locator('#console-status[role="status"]', { hasText: 'Conversation close' }).waitFor({ timeout: 5000 });
    await screenshot('closed');
  }, TIMEOUT);

  test('a request another agent took first: "Prendre en charge" says who has it', async () => {
    const other = await person();
    const question = 'je veux joindre un agent de la préfecture';
    await other.say(question);
    const waiting = await app.handoffStore.waiting();
    expect(waiting.length).toBe(1);
    const item = page.locator('#queue-list > li').first();
    await item.waitFor({ timeout: SHOWN });
    // The console's list is held while Bob takes the request, so that Alice clicks on it as
    // she saw it a moment before.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const lists = /\/api\/console\/requests$/;
    await page.route(lists, async (route) => {
      await held;
      await route.continue().catch(() => undefined);
    });
    try {
      const bob = (await consoleApi(undefined, '/login', { username: 'bob', password: 'autre-motdepasse' })).json;
      expect((await consoleApi(bob.token, `/requests/${waiting[0]!.id}/take`, {})).status).toBe(200);
      await other.receives(fr('handoff.taken', { name: 'Bob' }));
      await item.getByRole('button', { name: 'Prendre en charge' }).click();
      const error = page.locator('#console-error[role="alert"]');
      await error.waitFor({ state: 'visible', timeout: 10_000 });
      expect(plain(await error.innerText())).toContain('Déjà prise en charge par Bob');
    } finally {
      release();
      await page.unroute(lists);
    }
    // Then the lists catch up: the request is with Bob, and Alice has no tools on it.
    const withBob = page.locator('#others-list > li', { hasText: 'Bob' });
    await withBob.waitFor({ timeout: SHOWN });
    await page.locator('#queue-list > li').first().waitFor({ state: 'detached', timeout: SHOWN });
    await withBob.getByRole('button', { name: 'Voir la conversation' }).click();
    await expectFocusOn('#detail-title');
    await page.locator('#detail-meta', { hasText: 'Bob' }).waitFor({ timeout: SHOWN });
    await expect(page.locator('#owner-tools').isVisible()).resolves.toBe(false);
    await screenshot('taken-by-bob');
  }, TIMEOUT);

  test('from the open request: "Prendre en charge", then "Rendre au bot" gives the person back to the assistant', async () => {
    const third = await person();
    await third.say('je veux parler à un agent svp');
    const item = page.locator('#queue-list > li').first();
    await item.waitFor({ timeout: SHOWN });
    await item.getByRole('button', { name: 'Voir la conversation' }).click();
    await expectFocusOn('#detail-title');
    await page.locator('#detail-meta', { hasText: 'En attente' }).waitFor({ timeout: SHOWN });
    await expect(page.locator('#owner-tools').isVisible()).resolves.toBe(false);
    await page.locator('#detail-take').click();
    await third.receives(fr('handoff.taken', { name: 'Alice' }));
    await expectFocusOn('#reply-text');
    await page.getByRole('button', { name: 'Rendre au bot' }).click();
    await third.receives(fr('handoff.handedBack', { name: 'Alice' }));
    await page.locator('#owner-tools').waitFor({ state: 'hidden', timeout: SHOWN });
    await expectFocusOn('#detail-title');
    await page.locator('#mine-list > li').first().waitFor({ state: 'detached', timeout: SHOWN });
    await screenshot('handed-back');
  }, TIMEOUT);

  test('a reload keeps the session; a session the service refuses goes back to the sign-in', async () => {
    await page.reload();
    await page.locator('#workspace').waitFor({ state: 'visible', timeout: 10_000 });
    expect(plain(await page.locator('#agent-name').innerText())).toBe('Alice Martin');

    await page.evaluate(`(function () {
      var s = JSON.parse(sessionStorage.getItem(${JSON.stringify(SESSION_KEY)}));
      s.token = s.token.slice(0, -4) + 'AAAA';
      sessionStorage.setItem(${JSON.stringify(SESSION_KEY)}, JSON.stringify(s));
    })()`);
    await page.reload();
    await page.locator('#signin-form').waitFor({ state: 'visible', timeout: SHOWN });
    expect(plain(await page.locator('#signin-error').innerText())).toContain('session a expiré');
    expect(await storedSession()).toBeNull();
    await screenshot('session-ended');
  }, TIMEOUT);

  test('in a frame that is not Teams, the console gives up waiting for Teams and offers the sign-in form', async () => {
    const framed = await context.newPage();
    const cdn: string[] = [];
    const errors: string[] = [];
    framed.on('pageerror', (err) => errors.push(err.message));
    // In a frame, the console loads the Teams library, which asks Microsoft's CDN for Teams'
    // domains: refused here (the library then uses its own list).
    await framed.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
      cdn.push(route.request().url());
      return route.abort();
    });
    try {
      // The host page is at the service's own origin: the console's frame-ancestors admit only
      // Teams and 'self' (tests/e2e/csp.e2e.test.ts checks that another origin is refused).
      await framed.route(`${base}/test-host`, (route) =>
        route.fulfill({ contentType: 'text/html', body: `<!doctype html><title>hôte</title><iframe id="tab" title="Console des agents" src="${base}/console" style="width:1200px;height:800px"></iframe>` }),
      );
      await framed.goto(`${base}/test-host`);
      const frame = framed.frameLocator('#tab');
      await frame.locator('#signin-teams').waitFor({ state: 'visible', timeout: 10_000 });
      await frame.locator('#signin-form').waitFor({ state: 'visible', timeout: 20_000 });
      expect(plain(await frame.locator('#signin-error').innerText())).toContain("La connexion automatique avec Microsoft Teams n'a pas abouti");
      await expect(frame.locator('html').getAttribute('class')).resolves.toContain('in-teams');
      await framed.screenshot({ path: path.join(ARTIFACTS, `console-${String(++shot).padStart(2, '0')}-framed-not-teams.png`) });
      expect(cdn.every((u) => u.startsWith('https://res.cdn.office.net/teams-js/'))).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await framed.close();
    }
  }, TIMEOUT);

  test('nothing was loaded from outside the service (not even the Teams library, outside Teams), and the page raised no error', () => {
    expect(outside).toEqual([]);
    expect(loaded.filter((u) => u.includes('/vendor/teams-js/'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
