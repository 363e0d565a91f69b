/**
 * End to end, the knowledge editor in Debian's Chromium, as an editor would: sign in, open
 * the passport entry, change its delay (with HTML in it: shown as text, never run), see the
 * card preview drawn by Web Chat, run the regression check, publish with a reason, ask the
 * bot and get the new text, then roll back to revision 1 and get the old text again.
 * Screenshots in `test-artifacts/editor-*.png`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../bot/server';
import { hashPassword } from '../../bot/console/accounts';
import { translator } from '../../bot/i18n';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { cardOf, cardTexts, closingQuestion, startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';
import { ARTIFACTS, e2eSuite, launchChromium } from '../helpers/browser';

const { suite, title } = e2eSuite('the knowledge editor (Chromium)', 'tests/e2e/editor.e2e.test.ts');
const NEW_DELAY = 'Comptez environ trois semaines <img src=x onerror="window.__pwned=1"> après le rendez-vous.';

suite(title, () => {
  jest.setTimeout(180_000);
  let stub: ConnectorStub;
  let app: App;
  let browser: Browser;
  let page: Page;
  const data = tempDir('editor-e2e-');
  const errors: string[] = [];
  let shot = 0;
  const screenshot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `editor-${String(++shot).padStart(2, '0')}-${name}.png`) });

  const delayAnswered = async (): Promise<string> => {
    const c = new TestConversation(app, stub);
    const [card] = await c.say('je veux faire un passeport', 1);
    expect(closingQuestion(card!)).toBe(translator('fr')('feedback.question'));
    return cardTexts(cardOf(card!)).find((t) => t.startsWith(`${translator('fr')('card.delays')}:`)) ?? '';
  };

  beforeAll(async () => {
    stub = await startConnectorStub();
    app = await startTestApp(data.dir, {
      EDITOR_ACCOUNTS: JSON.stringify([{ username: 'claire', name: 'Claire Martin', passwordHash: hashPassword('motdepasse-test') }]),
      LONG_TAIL: 'false',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    page.on('pageerror', (e) => errors.push(e.message));
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stub?.close();
    data.cleanup();
  });

  it('change a delay, preview, check, publish, ask the bot, roll back', async () => {
    const before = await delayAnswered();
    expect(before).not.toContain('trois semaines');

    await page.goto(`http://127.0.0.1:${app.port}/editeur`);
    await page.fill('#login-username', 'claire');
    await page.fill('#login-password', 'motdepasse-test');
    await page.click('#login-submit');
    await page.fill('#entry-search', 'passeport');
    await page.click('#entry-list [data-entry-id="cni-passeport"] button');
    await page.waitForSelector('#entry-form [name="text.fr.delays"]');

    // A link that is not https is refused at its field, as it is typed.
    const url0 = page.locator('[name="sources.0.url"]');
    const oldUrl = await url0.inputValue();
    await url0.fill('http://www.service-public.fr/particuliers/vosdroits/F1341');
    await page.waitForSelector('#field-error-sources-0-url', { timeout: 10_000 });
    expect(await page.textContent('#field-error-sources-0-url')).toMatch(/https/);
    await url0.fill(oldUrl);
    await page.waitForSelector('#field-error-sources-0-url', { state: 'detached', timeout: 10_000 });

    await page.fill('[name="text.fr.delays"]', NEW_DELAY);
    await page.locator('#preview').getByText('trois semaines', { exact: false }).first().waitFor({ timeout: 30_000 });
    // The HTML typed stays text in the field; Web Chat's card drops the tag: no element, nothing ran.
    expect(await page.inputValue('[name="text.fr.delays"]')).toContain('<img src=x');
    expect(await page.locator('#preview img[src="x"]').count()).toBe(0);
    expect(await page.evaluate('typeof globalThis.__pwned')).toBe('undefined');
    await screenshot('preview');
    await page.click('#entry-save');
    await page.locator('#entry-list [data-entry-id="cni-passeport"]').getByText('modifié', { exact: false }).first().waitFor({ timeout: 10_000 });

    // Not live until published.
    expect(await delayAnswered()).toBe(before);
    await page.click('#nav-publish');
    await page.click('#regression-run');
    await page.waitForSelector('#regression-results:visible', { timeout: 120_000 });
    await screenshot('regression');
    await page.fill('#publish-message', 'Délai relevé en novembre');
    await page.click('#publish-submit');
    await page.waitForSelector('#publish-done:visible', { timeout: 30_000 });
    // Live, with the tag escaped for the card's markdown (shown as typed, not as an element).
    expect(await delayAnswered()).toContain('trois semaines \\<img src=x');

    await page.click('#nav-history');
    await page.click('#history-list [data-revision-id="2"] button');
    await page.waitForSelector('#history-diff table');
    expect(await page.textContent('#history-diff')).toContain('trois semaines');
    await screenshot('diff');
    await page.click('#history-list [data-revision-id="1"] button');
    await page.click('#history-restore');
    await page.waitForSelector('#confirm-dialog[open]');
    await page.click('#confirm-dialog-ok');
    await page.waitForSelector('#history-list [data-revision-id="3"]', { timeout: 30_000 });
    expect(await delayAnswered()).toBe(before);
    expect(await page.evaluate('typeof globalThis.__pwned')).toBe('undefined');
    expect(errors).toEqual([]);
  });
});
