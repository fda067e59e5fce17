import type { AddressInfo } from 'node:net';

import { AxeBuilder } from '@axe-core/playwright';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

import type { DialectName } from '../src/db/database.ts';
import { startTestApp, type TestApp } from '../test/support/test-app.ts';

/** Debian's Chromium, because playwright-core installs no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Folder for the screenshots the journeys take, to look at when a step fails. */
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? '/tmp';

/** The real app listening on a loopback port, with its base URL. */
export interface RunningApp extends TestApp {
  baseUrl: string;
}

/** Starts the app on a fresh database and a real socket on 127.0.0.1 (port chosen by the OS). */
export async function startRunningApp(dialect: DialectName): Promise<RunningApp> {
  const t = await startTestApp(dialect);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;

  return Object.assign(t, { baseUrl: `http://127.0.0.1:${port}` });
}

/** Launches headless Chromium without network services that would reach other hosts. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

// Playwright's default of 30 s per action hides a hung step for too long.
const STEP_TIMEOUT_MS = 10_000;

/**
 * The browser of one suite: each page opens in a fresh context (its own cookies, so several
 * accounts can be signed in at once), and the pages of the running test can be kept as
 * screenshots when it ends.
 */
export class BrowserPages {
  private readonly contexts: BrowserContext[] = [];
  private testPages: Page[] = [];

  private constructor(private readonly browser: Browser) {}

  /** Launches Chromium for a suite. */
  static async launch(): Promise<BrowserPages> {
    return new BrowserPages(await launchBrowser());
  }

  /** Opens a page in a new context, with a 10 s limit on each action. */
  async open(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    this.testPages.push(page);

    return page;
  }

  /** Saves the last state of every page the test opened, then clears the list for the next test. */
  async saveTestScreenshots(prefix: string, testName: string): Promise<void> {
    const slug = testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    for (const [index, page] of this.testPages.entries()) {
      await saveScreenshot(page, `${prefix}-${slug}-${index}`);
    }
    this.testPages = [];
  }

  /** Closes every context and the browser. */
  async close(): Promise<void> {
    await Promise.all(this.contexts.map((context) => context.close()));
    await this.browser.close();
  }
}

/** Signs in through the server-rendered form and waits for the workspace page `next`. */
export async function signIn(
  page: Page,
  baseUrl: string,
  account: { email: string; password: string },
  next = '/app/',
) {
  await page.goto(`${baseUrl}/signin?next=${encodeURIComponent(next)}`);
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await Promise.all([
    page.waitForURL(`${baseUrl}${next}`),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  // The workspace has loaded the account once the header shows it.
  await page.getByText(`Signed in as ${account.email}`).waitFor();
}

/** One axe-core rule violation, shortened for an assertion message. */
export interface SevereViolation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page with the WCAG 2.0 to 2.2 A and AA rules and axe's best practices, and
 * returns the serious and critical violations.
 */
export async function findSevereViolations(page: Page): Promise<SevereViolation[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();

  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/** Saves a full-page screenshot as `<SCREENSHOT_DIR>/parley-e2e-<name>.png`. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = `${SCREENSHOT_DIR}/parley-e2e-${name}.png`;
  await page.screenshot({ path, fullPage: true });

  return path;
}
