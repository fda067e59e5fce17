import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../test/support/database.ts';
import { insertPoc } from '../test/support/factories.ts';
import {
  BrowserPages,
  findSevereViolations,
  saveScreenshot,
  signIn,
  startRunningApp,
  type RunningApp,
} from './support.ts';

function redBundle(indicatorId: string) {
  return {
    type: 'bundle',
    id: `bundle--${randomUUID()}`,
    objects: [
      {
        type: 'indicator',
        spec_version: '2.1',
        id: indicatorId,
        created: '2024-03-05T08:15:30.000Z',
        modified: '2024-03-05T08:15:30.000Z',
        pattern: "[ipv4-addr:value = '192.0.2.44']",
        pattern_type: 'stix',
        valid_from: '2024-03-05T08:15:30Z',
      },
    ],
  };
}

for (const dialect of testDialects) {
  describe(`share form recipients on ${dialect}`, () => {
    let t: RunningApp;
    let pages: BrowserPages;
    const newPage = () => pages.open();

    before(async () => {
      t = await startRunningApp(dialect);
      pages = await BrowserPages.launch();
    });
    after(async () => {
      await pages.close();
      await t.close();
    });

    it('TLP:RED upload reaches the chosen account', async () => {
      for (const [state, email] of [
        ['FR', 'duty@cert.fr.example'],
        ['DE', 'soc@cert.de.example'],
        ['KE', 'desk@cert.ke.example'],
      ] as const) {
        await insertPoc(t.ctx, { state, email });
      }
      const sharer = await t.createAccount('poc', { state: 'FR', email: 'duty@cert.fr.example' });
      const chosen = await t.createAccount('poc', { state: 'DE', email: 'soc@cert.de.example' });
      const other = await t.createAccount('poc', { state: 'KE', email: 'desk@cert.ke.example' });
      await t.createAccount('partner', { org: 'Acme CERT' });
      const page = await newPage();
      await signIn(page, t.baseUrl, sharer, '/app/share');

      const accounts = page.getByRole('group', { name: /Recipient accounts/ });
      await accounts.getByRole('checkbox').first().waitFor();
      assert.equal(await accounts.getByRole('checkbox').count(), 2);
      const organisations = page.getByRole('group', { name: /Recipient partner organisations/ });
      assert.equal(await organisations.getByRole('checkbox', { name: 'Acme CERT' }).count(), 1);
      assert.deepEqual(await findSevereViolations(page), []);

      // The filter narrows the list; the keyboard ticks the one account left.
      await page.getByLabel('Filter accounts').fill('cert.de');
      assert.equal(await accounts.getByRole('checkbox').count(), 1);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      assert.equal(
        await accounts.getByRole('checkbox', { name: /soc@cert\.de\.example/ }).isChecked(),
        true,
      );

      const indicatorId = `indicator--${randomUUID()}`;
      await page.getByLabel('STIX bundle (.json file)').setInputFiles({
        name: 'bundle.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(redBundle(indicatorId))),
      });
      await page.getByLabel('TLP level for unmarked objects').selectOption('red');
      await page.getByRole('button', { name: 'Share bundle' }).click();
      await page.getByText('1 object was stored.').waitFor();
      await saveScreenshot(page, `${dialect}-share-recipients`);

      const byChosen = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${indicatorId}`,
        token: chosen.token,
      });
      assert.equal(byChosen.statusCode, 200, byChosen.body);
      const byOther = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${indicatorId}`,
        token: other.token,
      });
      assert.equal(byOther.statusCode, 404);
    });

    it('recipient error shows by its group', async () => {
      const sharer = await t.createAccount('poc', { state: 'FR' });
      const organisationId = randomUUID();
      await t.ctx.db
        .insertInto('organisations')
        .values({
          id: organisationId,
          name: 'Short-lived CERT',
          clearance: 'amber',
          created_at: t.clock.now().toISOString(),
        })
        .execute();
      const page = await newPage();
      await signIn(page, t.baseUrl, sharer, '/app/share');
      await page.getByRole('checkbox', { name: 'Short-lived CERT' }).check();
      // The organisation is removed between loading the form and sending it.
      await t.ctx.db.deleteFrom('organisations').where('id', '=', organisationId).execute();

      await page.getByLabel('STIX bundle (.json file)').setInputFiles({
        name: 'bundle.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(redBundle(`indicator--${randomUUID()}`))),
      });
      await page.getByLabel('TLP level for unmarked objects').selectOption('amber');
      await page.getByRole('button', { name: 'Share bundle' }).click();

      const error = page.locator('#bundle-orgs-error');
      await error.waitFor();
      assert.match(await error.innerText(), /unknown partner organisations/);
      const group = page.getByRole('group', { name: /Recipient partner organisations/ });
      assert.match((await group.getAttribute('aria-describedby')) ?? '', /bundle-orgs-error/);
    });
  });
}
