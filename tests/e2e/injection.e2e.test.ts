/**
 * Injection through what a person writes, in Chromium: HTML, `<script>`, `<img onerror>`,
 * `javascript:` links, Markdown links and images, Adaptive Card JSON typed in a message are
 * shown to the person (Web Chat on `/`), to agents (`/console`), to editors (unanswered
 * questions on `/editeur`) and to the public (`/indicateurs`). Each payload would set
 * `window.__pwned` or open a dialog if it ran: neither happens, no script, frame, SVG,
 * image with a handler or `javascript:` link is built from it, and the text appears as text.
 *
 * These prove the pages' escaping, with or without the Content-Security-Policy (which would
 * block an inline script anyway): the DOM is inspected, not only the absence of effects.
 *
 * Skipped, with the reason in the suite's name, when there is no Chromium at CHROMIUM_PATH.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { App } from '../../bot/server';
import { hashPassword } from '../../bot/console/accounts';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';
import { ARTIFACTS, e2eSuite, launchChromium, plain, waitInPage } from '../helpers/browser';
import { ALL_IN_ONE, PAYLOADS } from '../security/payloads';

const TIMEOUT = 90_000;
const SHOWN = 15_000;
const NOW = () => new Date('2026-11-23T09:00:00Z');
/** What a payload must never become in a page. */
const DANGEROUS = 'script:not([src]):not([nonce]), iframe, svg[onload], img[onerror], [onerror], [onload]:not(body):not(link), a[href^="javascript:" i], img[src^="javascript:" i]';

const { suite, title } = e2eSuite('what a person writes is shown as text on every page (Chromium)', 'tests/e2e/injection.e2e.test.ts');

suite(title, () => {
  jest.setTimeout(TIMEOUT);

  const data = tempDir('e2e-injection-');
  let stub: ConnectorStub;
  let app: App;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  const dialogs: string[] = [];

  /** A new page that records dialogs (an `alert` that ran) and dismisses them. */
  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    return page;
  }

  /** Nothing ran in the page, and no dangerous element was built in `scope`. */
  async function expectInert(page: Page, scope: string, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `injection-${name}.png`), fullPage: true });
    expect(await page.evaluate('typeof globalThis.__pwned')).toBe('undefined');
    expect(dialogs).toEqual([]);
    expect(await page.locator(`${scope} :is(${DANGEROUS})`).count()).toBe(0);
  }

  /** A person on the website, through the built-in Direct Line channel. */
  async function person() {
    const grant = (await (await fetch(`${base}/api/directline/token`, { method: 'POST' })).json()) as { token: string; conversationId: string };
    const auth = { authorization: `Bearer ${grant.token}` };
    await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: auth });
    return {
      say: async (text: string): Promise<void> => {
        const r = await fetch(`${base}/v3/directline/conversations/${grant.conversationId}/activities`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text, locale: 'fr-FR' }) });
        expect(r.status).toBe(200);
      },
    };
  }

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    stub = await startConnectorStub();
    app = await startTestApp(
      data.dir,
      {
        INDICATORS_MIN_COUNT: '1',
        LONG_TAIL: 'false',
        TOKEN_RATE_PER_MINUTE: '1000',
        AGENT_ACCOUNTS: JSON.stringify([{ username: 'agent', name: 'Agent Martin', passwordHash: hashPassword('agent password long') }]),
        EDITOR_ACCOUNTS: JSON.stringify([{ username: 'editor', name: 'Editor Durand', passwordHash: hashPassword('editor password long') }]),
      },
      undefined,
      undefined,
      NOW,
    );
    base = `http://127.0.0.1:${app.port}`;
    // Unanswered questions (editor, indicators): each payload asked once.
    for (const p of PAYLOADS) await new TestConversation(app, stub).say(p, 1);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stub?.close();
    data.cleanup();
  }, TIMEOUT);

  test('Web Chat on / shows the payloads the person sends without running them', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.locator('#open-chat').click();
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.waitFor({ timeout: SHOWN });
    for (const p of PAYLOADS) {
      await box.fill(p);
      await box.press('Enter');
    }
    const userBubbles = page.locator('#webchat .webchat__bubble--from-user');
    await waitInPage(page, (n: number) => (globalThis as any).document.querySelectorAll('#webchat .webchat__bubble--from-user').length >= n, PAYLOADS.length, SHOWN);
    // The bot answers the last one: every message went through.
    await page.waitForTimeout(1500);
    const texts = (await userBubbles.allInnerTexts()).map(plain).join('\n');
    // The HTML payloads appear as the characters typed (escaped), not as elements.
    for (const p of PAYLOADS.filter((x) => x.startsWith('<'))) expect(texts).toContain(plain(p));
    // Markdown links keep their words; their javascript: target is never a link.
    expect(texts).toContain('cliquez ici');
    await expectInert(page, '#webchat', 'webchat');
    await page.close();
  });

  test('the agents\' console shows the request and the transcript as text', async () => {
    const visitor = await person();
    await visitor.say(ALL_IN_ONE.slice(0, 300));
    await visitor.say('je veux parler à un agent');
    const page = await newPage();
    await page.goto(`${base}/console`);
    await page.getByLabel('Identifiant').fill('agent');
    await page.getByLabel('Mot de passe').fill('agent password long');
    await page.getByLabel('Mot de passe').press('Enter');
    const item = page.locator('#queue-list > li', { hasText: 'window.__pwned' });
    await item.waitFor({ timeout: SHOWN });
    expect(plain(await item.innerText())).toContain(plain(PAYLOADS[0]));
    await item.getByRole('button', { name: 'Prendre en charge' }).click();
    // What the person writes next, in the transcript.
    for (const p of PAYLOADS) await visitor.say(p);
    const lines = page.locator('#transcript > li.console-line--person');
    await page.locator('#transcript > li.console-line--person', { hasText: "window.__pwned=1')()" }).waitFor({ timeout: SHOWN });
    const transcript = (await lines.allInnerTexts()).map(plain).join('\n');
    for (const p of PAYLOADS) expect(transcript).toContain(plain(p));
    await expectInert(page, 'body', 'console');
    await page.close();
  });

  test('the editor shows the unanswered questions as text', async () => {
    const page = await newPage();
    await page.goto(`${base}/editeur`);
    await page.fill('#login-username', 'editor');
    await page.fill('#login-password', 'editor password long');
    await page.click('#login-submit');
    await page.locator('#nav-unanswered').click();
    const list = page.locator('#unanswered-list');
    await list.locator('li', { hasText: 'window.__pwned' }).first().waitFor({ timeout: SHOWN });
    const text = plain(await list.innerText());
    for (const p of PAYLOADS) expect(text).toContain(plain(p).slice(0, 40));
    await expectInert(page, 'body', 'editor');
    await page.close();
  });

  test('the public indicators show the unanswered questions as text', async () => {
    const page = await newPage();
    await page.goto(`${base}/indicateurs?period=day`);
    await page.waitForSelector('#results:not([hidden])', { timeout: SHOWN });
    const text = plain(await page.locator('#unanswered').innerText());
    expect(text).toContain(plain(PAYLOADS[0]));
    expect(text).toContain(plain(PAYLOADS[1]));
    await expectInert(page, 'body', 'indicators');
    await page.close();
  });
});
