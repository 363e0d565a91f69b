/**
 * What the end-to-end suites share: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), the artifacts folder, and the rule that skips a suite, saying why,
 * when Chromium is not installed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium, Browser, Page } from 'playwright-core';
import { projectRoot } from '../../knowledge/paths';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
export const ARTIFACTS = path.join(projectRoot(__dirname), 'test-artifacts');

/** `describe`, or `describe.skip` with the reason in the title when Chromium is missing. */
export function e2eSuite(title: string, file: string): { suite: jest.Describe; title: string } {
  if (hasChromium) return { suite: describe, title };
  const reason = `no Chromium executable at ${CHROMIUM} (install Debian's chromium package or set CHROMIUM_PATH)`;
  console.warn(`${file} skipped: ${reason}`);
  return { suite: describe.skip, title: `${title} — SKIPPED: ${reason}` };
}

/** Starts Chromium headless with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Text as a page shows it, made comparable: typographic apostrophes and spaces. */
export function plain(text: string): string {
  return text.replace(/[\u2019\u2018]/g, "'").replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * Waits until `predicate(arg)` is truthy in the page. Playwright's `waitForFunction` evaluates
 * its predicate with `eval` inside the page, which the service's Content-Security-Policy
 * (no 'unsafe-eval') refuses; `page.evaluate` goes through the debugging protocol instead.
 */
export async function waitInPage<A>(page: Page, predicate: (arg: A) => unknown, arg: A, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(predicate as (arg: unknown) => unknown, arg as unknown).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in the page for: ${predicate.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
