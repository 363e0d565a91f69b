/**
 * The website page end to end: the real service on a free port, the page in Chromium
 * (Debian's, driven by playwright-core), Web Chat talking to the built-in Direct Line channel.
 * One conversation is followed from the first question to a page reload; screenshots go to
 * `test-artifacts/`.
 *
 * Skipped, with the reason in the suite's name, when there is no Chromium at CHROMIUM_PATH
 * (default /usr/bin/chromium).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { App } from '../../bot/server';
import { translator } from '../../bot/i18n';
import { projectRoot } from '../../knowledge/paths';
import { startTestApp, tempDir } from '../helpers/bot-harness';
import { ARTIFACTS, e2eSuite, launchChromium, plain, waitInPage } from '../helpers/browser';

const ROOT = projectRoot(__dirname);
const TIMEOUT = 60_000;

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const BOT_BUBBLES = '#webchat .webchat__bubble:not(.webchat__bubble--from-user)';
const USER_BUBBLES = '#webchat .webchat__bubble--from-user';

const fr = translator('fr');
const en = translator('en');

/** The French and English titles of an entry, from its content file. */
function entryTitles(file: string): { fr: string; en: string } {
  const doc = parseYaml(fs.readFileSync(path.join(ROOT, 'knowledge', 'content', file), 'utf8'));
  return { fr: doc.text.fr.title, en: doc.text.en?.title };
}


const { suite, title } = e2eSuite('the website page with Web Chat, end to end (Chromium)', 'tests/e2e/webchat.e2e.test.ts');

suite(title, () => {
  jest.setTimeout(TIMEOUT);

  let data: { dir: string; cleanup: () => void } | undefined;
  let app: App;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const outside: string[] = [];
  const pageErrors: string[] = [];
  let shot = 0;

  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `webchat-${String(++shot).padStart(2, '0')}-${name}.png`) });
  }

  /** The bot's bubbles' texts, plain. */
  async function botTexts(): Promise<string[]> {
    return (await page.locator(BOT_BUBBLES).allInnerTexts()).map(plain);
  }

  /** Types a message in Web Chat's send box and sends it with Enter. */
  async function send(text: string): Promise<void> {
    const box = page.locator(SEND_BOX);
    await box.click();
    await box.fill(text);
    await box.press('Enter');
    await page.locator(USER_BUBBLES, { hasText: text }).last().waitFor({ timeout: 15_000 });
  }

  /** Waits until a bot bubble after the first `after` ones satisfies `pred`; returns the new texts. */
  async function waitForBot(after: number, pred: (texts: string[]) => boolean, what: string): Promise<string[]> {
    const deadline = Date.now() + 30_000;
    let texts: string[] = [];
    while (Date.now() < deadline) {
      texts = (await botTexts()).slice(after);
      if (pred(texts)) return texts;
      await page.waitForTimeout(200);
    }
    throw new Error(`no bot reply ${what}; new bot messages: ${JSON.stringify(texts)}`);
  }

  async function openPanel(): Promise<void> {
    await page.locator('#open-chat').click();
    await expectFocusOn(SEND_BOX);
    await page.locator('#webchat[data-connection="online"]').waitFor({ timeout: 30_000 });
  }

  async function expectFocusOn(selector: string): Promise<void> {
    // (Expressions as strings: the project's type check has no DOM library.)
    await waitInPage(page, (sel: string) => { const d = (globalThis as any).document; return d.activeElement !== null && d.activeElement.matches(sel); }, selector, 15_000);
  }

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const f of fs.readdirSync(ARTIFACTS)) if (/^webchat-.*\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
    data = tempDir('e2e-');
    app = await startTestApp(data.dir);
    base = `http://127.0.0.1:${app.port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    page = await context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(`${base}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) outside.push(url);
    });
    page.on('websocket', (ws) => {
      if (!ws.url().startsWith(`ws://127.0.0.1:${app.port}/`)) outside.push(ws.url());
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, TIMEOUT);

  afterAll(async () => {
    if (page) await screenshot('last').catch(() => undefined);
    await browser?.close();
    await app?.close();
    data?.cleanup();
  }, TIMEOUT);

  test('the page is French, and the button opens the assistant with the focus in its message box; Escape closes it', async () => {
    await page.goto(`${base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expect(page.locator('.fr-header__service-title').innerText()).resolves.toContain("Préfecture du Val-d'Oise");
    const button = page.locator('#open-chat');
    await expect(button.innerText()).resolves.toContain("Poser une question à l'assistant");
    await screenshot('page');

    await openPanel();
    // A dialog named by its visible title.
    const chatTitle = plain(await page.locator('#chat-title').innerText());
    expect(chatTitle).toMatch(/assistant/i);
    await expect(page.getByRole('dialog', { name: chatTitle }).getAttribute('id')).resolves.toBe('chat-panel');
    await expect(page.locator('#chat-privacy').innerText()).resolves.toContain('durée limitée fixée par la préfecture');
    // The welcome, in French.
    await waitForBot(0, (t) => t.some((x) => x.includes(plain(fr('welcome.text')).slice(0, 30))), 'with the welcome');
    await screenshot('open');

    await page.keyboard.press('Escape');
    await waitInPage(page, () => !(globalThis as any).document.getElementById('chat-panel').open, undefined, 5000);
    await expectFocusOn('#open-chat');
    await openPanel();
  }, TIMEOUT);

  test('"j\'ai perdu ma carte grise" gets the card "Carte grise perdue"', async () => {
    const titles = entryTitles('procedures/immatriculation-duplicata.yaml');
    expect(titles.fr).toContain('Carte grise perdue');
    const before = (await botTexts()).length;
    await send("j'ai perdu ma carte grise");
    const card = page.locator('#webchat .ac-adaptiveCard', { hasText: 'Carte grise perdue' });
    await card.first().waitFor({ timeout: 30_000 });
    expect(plain(await card.first().innerText())).toContain(plain(titles.fr));
    await waitForBot(before, (t) => t.some((x) => x.includes(plain(fr('feedback.question')))), 'asking whether it helped');
    // One message: the card itself ends on "did this help?", below its buttons, with the replies offered under it.
    expect(plain(await card.first().innerText()).endsWith(plain(fr('feedback.question')))).toBe(true);
    for (const reply of [fr('feedback.yes'), fr('feedback.no')]) {
      await page.locator('#webchat button.webchat__suggested-action', { hasText: reply }).first().waitFor({ timeout: 15_000 });
    }
    // The card's links and buttons are real links and buttons (reachable from the keyboard).
    expect(await card.first().locator('a[href], button').count()).toBeGreaterThan(0);
    await screenshot('card');
  }, TIMEOUT);

  test('the suggested action "Oui" gets the thanks', async () => {
    const before = (await botTexts()).length;
    await page.locator('#webchat button.webchat__suggested-action', { hasText: fr('feedback.yes') }).first().click();
    await waitForBot(before, (t) => t.some((x) => x.includes(plain(fr('feedback.thanks')))), 'with the thanks');
    await screenshot('thanks');
  }, TIMEOUT);

  test('in English, "I lost my residence permit" gets an English reply', async () => {
    await page.selectOption('#lang-chat', 'en-US');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('#open-chat').textContent()).resolves.toBe('Ask the assistant a question');
    const before = (await botTexts()).length;
    await send('I lost my residence permit');
    const english = [en('feedback.question'), en('clarify.prompt'), en('fallback.text')].map(plain);
    const texts = await waitForBot(before, (t) => t.some((x) => english.some((e) => x.includes(e))), 'in English');
    const french = [fr('feedback.question'), fr('clarify.prompt'), fr('fallback.text')].map(plain);
    expect(texts.some((x) => french.some((f) => x.includes(f)))).toBe(false);
    await screenshot('english');
  }, TIMEOUT);

  test('in Arabic, the page and the chat are right to left', async () => {
    await page.selectOption('#lang-chat', 'ar-EG');
    expect(await page.getAttribute('#webchat', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    await expect(page.locator('#chat-title').innerText()).resolves.toMatch(/[\u0600-\u06ff]/);
    await screenshot('arabic');
  }, TIMEOUT);

  test('a reload resumes the conversation: the earlier messages are shown again', async () => {
    const kept = () => page.evaluate('JSON.parse(sessionStorage.getItem("prefecture-assistant.conversation") || "null")') as Promise<{ conversationId: string } | null>;
    const before = await kept();
    expect(before?.conversationId).toBeTruthy();
    await page.reload();
    await expect(page.locator('#open-chat').innerText()).resolves.toMatch(/[\u0600-\u06ff]/);
    await openPanel();
    for (const said of ["j'ai perdu ma carte grise", 'I lost my residence permit']) {
      await page.locator(USER_BUBBLES, { hasText: said }).first().waitFor({ timeout: 30_000 });
    }
    await page.locator('#webchat .ac-adaptiveCard', { hasText: 'Carte grise perdue' }).first().waitFor({ timeout: 30_000 });
    expect((await botTexts()).some((x) => x.includes(plain(fr('feedback.thanks'))))).toBe(true);
    expect(await page.getAttribute('#webchat', 'dir')).toBe('rtl');
    expect((await kept())?.conversationId).toBe(before?.conversationId);
    await screenshot('resumed');
  }, TIMEOUT);

  test('nothing was loaded from outside the service, and the page raised no error', () => {
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, TIMEOUT);
});
