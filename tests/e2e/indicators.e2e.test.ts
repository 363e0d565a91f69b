/**
 * End to end, the public indicators page in Debian's Chromium: after real conversations
 * through /api/messages, `/indicateurs` shows the figures of the period, the most asked
 * procedures, and an unanswered question asked often enough, as text (a question holding
 * HTML is shown, never run). Screenshot in `test-artifacts/indicators-*.png`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../../bot/server';
import { startConnectorStub, ConnectorStub } from '../helpers/connector-stub';
import { startTestApp, tempDir, TestConversation } from '../helpers/bot-harness';
import { ARTIFACTS, e2eSuite, launchChromium, plain } from '../helpers/browser';

const { suite, title } = e2eSuite('the indicators page (Chromium)', 'tests/e2e/indicators.e2e.test.ts');

suite(title, () => {
  jest.setTimeout(60_000);
  let stub: ConnectorStub;
  let app: App;
  let browser: Browser;
  let page: Page;
  const data = tempDir('indicators-e2e-');
  const errors: string[] = [];

  beforeAll(async () => {
    stub = await startConnectorStub();
    app = await startTestApp(data.dir, { INDICATORS_MIN_COUNT: '2', LONG_TAIL: 'false' }, undefined, undefined, () => new Date('2026-11-23T09:00:00Z'));
    for (let i = 0; i < 2; i++) {
      const c = new TestConversation(app, stub);
      await c.say('jai perdu ma cg', 1);
      await c.say('oui', 1);
      const d = new TestConversation(app, stub);
      // A fallback: one message.
      await d.say('<img src=x onerror="window.__pwned=1"> blague carambar', 1);
    }
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stub?.close();
    data.cleanup();
  });

  it('shows the day\'s figures, the procedures asked, and the unanswered question as text', async () => {
    await page.goto(`http://127.0.0.1:${app.port}/indicateurs?period=day`);
    await page.waitForSelector('#results:not([hidden])');
    const figures = plain(await page.locator('#key-figures').innerText());
    expect(figures).toMatch(/\b4\b/); // four conversations
    expect(figures).toMatch(/50 ?%/); // two of four questions answered directly
    const procedures = plain(await page.locator('#procedures').innerText());
    expect(procedures).toContain("Carte grise perdue");
    const unanswered = plain(await page.locator('#unanswered').innerText());
    expect(unanswered).toContain('<img src=x onerror="window.__pwned=1"> blague carambar');
    expect(await page.evaluate('typeof globalThis.__pwned')).toBe('undefined');
    await page.screenshot({ path: path.join(ARTIFACTS, 'indicators-day.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
