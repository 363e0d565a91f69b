/**
 * Every page under the service's Content-Security-Policy, in Chromium: no violation is
 * reported (no inline script, no style without the nonce, no connection elsewhere), and Web
 * Chat renders and is styled — on the website (a real conversation with a card) and in the
 * editor's card preview. The headers themselves (nonce per response, frame-ancestors) are
 * checked on the pages' responses.
 */
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../bot/console/accounts';
import type { App } from '../../bot/server';
import { startTestApp, tempDir } from '../helpers/bot-harness';
import { e2eSuite, launchChromium } from '../helpers/browser';

const { suite, title } = e2eSuite('the pages under the Content-Security-Policy (Chromium)', 'tests/e2e/csp.e2e.test.ts');

suite(title, () => {
  jest.setTimeout(90_000);
  const data = tempDir('csp-e2e-');
  let app: App;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    app = await startTestApp(data.dir, {
      AGENT_ACCOUNTS: JSON.stringify([{ username: 'alice', name: 'Alice Martin', passwordHash: hashPassword('motdepasse-solide') }]),
      EDITOR_ACCOUNTS: JSON.stringify([{ username: 'claire', name: 'Claire Martin', passwordHash: hashPassword('motdepasse-test') }]),
      LONG_TAIL: 'false',
    });
    base = `http://127.0.0.1:${app.port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    data.cleanup();
  });

  /** A page that records every CSP violation and console error. */
  async function openPage(): Promise<{ page: Page; violations: string[]; errors: string[] }> {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const violations: string[] = [];
    const errors: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(
      "document.addEventListener('securitypolicyviolation', function (e) { window.reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber); });",
    );
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content.Security.Policy|Permissions.Policy|Unrecognized feature/i.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    return { page, violations, errors };
  }

  /** The HTML pages the service serves: its GET routes without parameters that answer HTML. */
  async function pages(): Promise<string[]> {
    const routes = Object.values(app.server.router.getRoutes() as unknown as Record<string, { method: string; path: string }>);
    const found: string[] = [];
    for (const r of routes) {
      if (r.method !== 'GET' || /[:*]/.test(String(r.path)) || /^\/(api|metrics|connector|v3|\.bot)\b/.test(String(r.path))) continue;
      const res = await fetch(`${base}${r.path}`);
      if (res.ok && (res.headers.get('content-type') ?? '').startsWith('text/html')) found.push(String(r.path));
    }
    return found;
  }

  it('serves each page with a fresh nonce on its scripts and in its policy', async () => {
    const nonces = new Set<string>();
    const all = await pages();
    expect(all).toEqual(expect.arrayContaining(['/', '/console', '/editeur', '/indicateurs']));
    for (const path of all) {
      const res = await fetch(`${base}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      const html = await res.text();
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeDefined();
      nonces.add(nonce!);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      // Every script tag carries the nonce; none is inline; no on* attribute anywhere.
      const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) {
        expect(tag).toContain(`nonce="${nonce}"`);
        expect(tag).toMatch(/\ssrc="/);
      }
      expect(html).not.toMatch(/<script\b[^>]*>[^<\s]/i);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i);
      expect(html).not.toMatch(/\sstyle\s*=/i);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect(nonces.size).toBe(all.length);
  });

  it('the website: no violation, Web Chat renders styled and shows a card', async () => {
    const { page, violations, errors } = await openPage();
    await page.goto(`${base}/`);
    await page.locator('#open-chat').click();
    await page.locator('#webchat[data-connection="online"]').waitFor({ timeout: 30_000 });
    const box = page.locator('[data-id="webchat-sendbox-input"]');
    await box.fill("j'ai perdu ma carte grise");
    await box.press('Enter');
    await page.locator('#webchat .ac-adaptiveCard').first().waitFor({ timeout: 30_000 });
    // Styled: Web Chat's emotion classes apply (a bubble has a border radius or background).
    const styled = (await page.evaluate(
      "(function () { var s = Array.prototype.filter.call(document.querySelectorAll('style'), function (e) { return e.sheet && e.sheet.cssRules.length > 0; }); return { sheets: s.length, withNonce: s.filter(function (e) { return e.nonce; }).length }; })()",
    )) as { sheets: number; withNonce: number };
    expect(styled.sheets).toBeGreaterThan(0);
    expect(styled.withNonce).toBe(styled.sheets);
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the agent console: no violation through the sign-in', async () => {
    const { page, violations, errors } = await openPage();
    await page.goto(`${base}/console`);
    await page.locator('#signin-form').waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByLabel('Identifiant').fill('alice');
    await page.getByLabel('Mot de passe').fill('motdepasse-solide');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.locator('#workspace').waitFor({ state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("the editor: no violation, and the card preview's Web Chat renders", async () => {
    const { page, violations, errors } = await openPage();
    await page.goto(`${base}/editeur`);
    await page.fill('#login-username', 'claire');
    await page.fill('#login-password', 'motdepasse-test');
    await page.click('#login-submit');
    await page.fill('#entry-search', 'passeport');
    await page.click('#entry-list [data-entry-id="cni-passeport"] button');
    await page.waitForSelector('#entry-form [name="text.fr.delays"]');
    await page.locator('#preview .ac-adaptiveCard').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('another site cannot frame the console tab; the service itself can', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const host = (src: string) => `<!doctype html><title>hôte</title><iframe id="tab" title="onglet" src="${src}"></iframe>`;
    await page.route('http://foreign.example/**', (route) => route.fulfill({ contentType: 'text/html', body: host(`${base}/console`) }));
    await page.route(`${base}/test-host`, (route) => route.fulfill({ contentType: 'text/html', body: host(`${base}/console`) }));
    const framedSignIn = async () => {
      await page.waitForTimeout(1500);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      return frame ? frame.locator('#signin-form').count() : 0;
    };
    await page.goto('http://foreign.example/');
    expect(await framedSignIn()).toBe(0);
    await page.goto(`${base}/test-host`);
    expect(await framedSignIn()).toBe(1);
    await context.close();
  });

  it('every other page (the published indicators, any page added later): no violation', async () => {
    const others = (await pages()).filter((p) => !['/', '/console', '/editeur'].includes(p));
    expect(others).toContain('/indicateurs');
    for (const path of others) {
      const { page, violations, errors } = await openPage();
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('networkidle');
      expect({ path, violations, errors }).toEqual({ path, violations: [], errors: [] });
      await page.context().close();
    }
  });
});
