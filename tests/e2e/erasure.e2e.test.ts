/**
 * Erasure on the website, end to end: the welcome names the privacy page (the footer links it), "effacer ma
 * conversation" then "Oui, effacer" erases the conversation: the page clears what it showed,
 * says why and starts a new conversation, and a reload shows none of what the person wrote; the privacy page renders without error
 * under the service's Content-Security-Policy. Skipped, with the reason in the suite's name,
 * when there is no Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { startTestApp, tempDir } from '../helpers/bot-harness';
import { e2eSuite, launchChromium, plain } from '../helpers/browser';

const TIMEOUT = 60_000;
const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
const USER_BUBBLES = '#webchat .webchat__bubble--from-user';
const fr = translator('fr');

const { suite, title } = e2eSuite('erasure on the website, end to end (Chromium)', 'tests/e2e/erasure.e2e.test.ts');

suite(title, () => {
  jest.setTimeout(TIMEOUT);
  let data: { dir: string; cleanup: () => void } | undefined;
  let app: App;
  let base: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  const botTexts = async (): Promise<string[]> => (await page.locator(BOT_BUBBLES).allInnerTexts()).map(plain);
  async function waitForBot(pred: (texts: string[]) => boolean, what: string): Promise<string[]> {
    const deadline = Date.now() + 30_000;
    let texts: string[] = [];
    while (Date.now() < deadline) {
      texts = await botTexts();
      if (pred(texts)) return texts;
      await page.waitForTimeout(200);
    }
    throw new Error(`no bot reply ${what}; bot messages: ${JSON.stringify(texts)}`);
  }
  async function send(text: string): Promise<void> {
    const box = page.locator(SEND_BOX);
    await box.click();
    await box.fill(text);
    await box.press('Enter');
    await page.locator(USER_BUBBLES, { hasText: text }).last().waitFor({ timeout: 15_000 });
  }
  async function openPanel(): Promise<void> {
    await page.locator('#open-chat').click();
    await page.locator('#webchat[data-connection="online"]').waitFor({ timeout: 30_000 });
  }

  beforeAll(async () => {
    data = tempDir('e2e-erasure-');
    app = await startTestApp(data.dir);
    base = `http://127.0.0.1:${app.port}`;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    data?.cleanup();
  }, TIMEOUT);

  test('the welcome names the privacy page, the footer links it; erasing clears the screen at once and a new conversation starts, also after a reload', async () => {
    await page.goto(`${base}/`);
    await openPanel();
    await waitForBot((t) => t.some((x) => x.includes('effacer ma conversation')), 'with the privacy notice');
    // The page's footer links the privacy notice the welcome names.
    expect(await page.locator('#pied-de-page a[href="/confidentialite"]').count()).toBe(1);

    await send('je suis né le 3 mars 1985, comment renouveler mon titre de séjour ?');
    await waitForBot((t) => t.length >= 2, 'to the question');
    await send('effacer ma conversation');
    await waitForBot((t) => t.some((x) => x.includes(plain(fr('erasure.confirm')).slice(0, 40))), 'asking to confirm');
    await send(fr('erasure.yes'));

    // The page hears the bot's "conversationErased" event: what was shown goes (a shared
    // computer at a counter must not keep showing it), the page says why, and a new
    // conversation starts with its welcome.
    await page.locator('#chat-status', { hasText: 'effacée' }).waitFor({ timeout: 30_000 });
    await waitForBot((t) => t.some((x) => x.includes('effacer ma conversation')), 'the new conversation\'s welcome');
    expect(await page.locator(USER_BUBBLES).count()).toBe(0);
    expect((await botTexts()).join('\n')).not.toContain(plain(fr('erasure.confirm')).slice(0, 40));
    expect(await page.locator('#webchat').innerText()).not.toContain('1985');

    await page.reload();
    await openPanel();
    await waitForBot((t) => t.some((x) => x.includes('effacer ma conversation')), 'after the reload');
    expect(await page.locator(USER_BUBBLES).count()).toBe(0);
    expect(await page.locator('#webchat').innerText()).not.toContain('1985');
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);

  test('the privacy page renders under the Content-Security-Policy, with no error', async () => {
    const errorsBefore = consoleErrors.length;
    await page.goto(`${base}/confidentialite`);
    await expect(page.locator('h1').innerText()).resolves.toContain('Confidentialité');
    await expect(page.locator('#retention-days').innerText()).resolves.toBe('30');
    expect(consoleErrors.slice(errorsBefore)).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
