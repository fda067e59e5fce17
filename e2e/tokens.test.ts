import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Browser, BrowserContext } from 'playwright-core';

import { testDialects } from '../test/support/database.ts';
import {
  findSevereViolations,
  launchBrowser,
  saveScreenshot,
  signIn,
  startRunningApp,
  type RunningApp,
} from './support.ts';

// Playwright's default of 30 s per action hides a hung step for too long.
const STEP_TIMEOUT_MS = 10_000;

for (const dialect of testDialects) {
  describe(`API token page on ${dialect}`, () => {
    let t: RunningApp;
    let browser: Browser;
    let context: BrowserContext;

    before(async () => {
      t = await startRunningApp(dialect);
      browser = await launchBrowser();
      context = await browser.newContext();
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: t.baseUrl,
      });
    });
    after(async () => {
      await context.close();
      await browser.close();
      await t.close();
    });

    it('member creates, copies and revokes a token', async () => {
      const partner = await t.createAccount('partner', { org: 'Blue Team Labs' });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await signIn(page, t.baseUrl, partner);
      await page.getByRole('link', { name: 'API tokens' }).click();
      await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();

      // An empty name comes back from the server as an error next to the field.
      await page.getByRole('button', { name: 'Create token' }).click();
      const name = page.getByLabel('Name');
      await page.locator('#token-label-error').waitFor();
      assert.equal(await name.getAttribute('aria-invalid'), 'true');
      assert.match((await name.getAttribute('aria-describedby')) ?? '', /token-label-error/);

      // From the keyboard: type the name and press Enter.
      await name.fill('SIEM feed');
      await name.press('Enter');
      const secret = page.getByLabel('Token', { exact: true });
      await secret.waitFor();
      const token = await secret.inputValue();
      assert.match(token, /^prl_/);
      assert.match(await page.getByRole('alert').innerText(), /shown only this once/);
      await page.getByRole('button', { name: 'Copy token' }).click();
      await page.getByText('The token was copied to the clipboard.').waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, token);
      assert.deepEqual(await findSevereViolations(page), []);
      await saveScreenshot(page, `${dialect}-tokens-created`);

      const me = await t.request({ method: 'GET', url: '/api/v1/me', token });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json<{ email: string }>().email, partner.email);
      await page.reload();
      const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'SIEM feed' }) });
      await row.waitFor();
      assert.doesNotMatch(await row.innerText(), /Never/);
      assert.equal(await page.getByLabel('Token', { exact: true }).count(), 0);

      page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: 'Revoke token SIEM feed' }).click();
      await page.getByText('The token "SIEM feed" was revoked.').waitFor();
      // The notice appears before the list reloads, so the test waits for the row to show
      // "Revoked", and the wait fails the test when it never does.
      await row.getByText('Revoked').waitFor();
      assert.equal(await row.getByRole('button').count(), 0);
      const after = await t.request({ method: 'GET', url: '/api/v1/me', token });
      assert.equal(after.statusCode, 401);
    });
  });
}
