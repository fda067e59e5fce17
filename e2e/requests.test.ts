import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../test/support/database.ts';
import { insertPoc } from '../test/support/factories.ts';
import {
  BrowserPages,
  saveScreenshot,
  signIn,
  startRunningApp,
  type RunningApp,
} from './support.ts';

for (const dialect of testDialects) {
  describe(`requests between states on ${dialect}`, () => {
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

    it('assistance request acknowledged and answered', async () => {
      const aEmail = 'duty@cert.fr.example';
      const bEmail = 'soc@cert.de.example';
      await insertPoc(t.ctx, { state: 'FR', name: 'Claire Dubois', email: aEmail });
      await insertPoc(t.ctx, {
        state: 'DE',
        level: 'technical',
        name: 'Jonas Weber',
        email: bEmail,
      });
      const stateA = await t.createAccount('poc', { state: 'FR', email: aEmail });
      const stateB = await t.createAccount('poc', { state: 'DE', email: bEmail });

      const a = await newPage();
      await signIn(a, t.baseUrl, stateA, '/app/requests/new');
      await a.getByRole('heading', { level: 1, name: 'New request' }).waitFor();
      await a.getByLabel('Type').selectOption('request-for-assistance');
      await a.getByLabel('Receiving state').fill('DE');
      await a.getByLabel('Subject').fill('Botnet controller in your address space');
      await a.getByLabel('Sector affected').fill('Energy');
      await a.getByLabel('Description').fill('Controller seen at a German hosting provider.');
      await a.getByLabel('What is requested').fill('Please ask the provider to take it down.');
      await a.getByLabel('Requested response time, in hours').fill('4');
      await a.getByRole('button', { name: 'Send request' }).click();
      await a.waitForURL(/\/app\/requests\/PRL-\d{4}-\d{6}$/);
      const reference = decodeURIComponent(a.url().split('/').at(-1) ?? '');
      await a.getByRole('heading', { level: 1, name: new RegExp(reference) }).waitFor();

      const b = await newPage();
      await signIn(b, t.baseUrl, stateB, '/app/requests');
      const row = b.locator(`tr[data-reference="${reference}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), /Claire Dubois, National CERT of FR \(FR\)/);
      await row.getByRole('link', { name: reference }).click();
      await b.getByRole('button', { name: 'Acknowledge' }).click();
      await b.getByRole('button', { name: 'Acknowledge' }).waitFor({ state: 'detached' });
      await b.getByLabel('Description').fill('Provider contacted; the server is offline.');
      await b.getByRole('button', { name: 'Send reply' }).click();
      await b.locator('article[data-reference]').nth(1).waitFor();
      await saveScreenshot(b, `${dialect}-request-thread-b`);

      // A's open thread updates from the live `request` event.
      const reply = a.locator('article[data-reference]').nth(1);
      await reply.getByText('Provider contacted; the server is offline.').waitFor();
      const first = a.locator(`article[data-reference="${reference}"]`);
      const acknowledgeTime = await first.locator('dd[data-time="acknowledge"]').innerText();
      const answerTime = await first.locator('dd[data-time="answer"]').innerText();
      assert.match(acknowledgeTime, /^\d+ h \d{2} min$/);
      assert.match(answerTime, /^\d+ h \d{2} min$/);
      await saveScreenshot(a, `${dialect}-request-thread-a`);

      const thread = await t.request({
        method: 'GET',
        url: `/api/v1/requests/${reference}`,
        token: stateA.token,
      });
      const messages = thread.json<{
        messages: { acknowledgedAt: string | null; answeredAt: string | null; type: string }[];
      }>().messages;
      assert.equal(messages.length, 2);
      assert.notEqual(messages[0]?.acknowledgedAt, null);
      assert.notEqual(messages[0]?.answeredAt, null);
      assert.equal(messages[1]?.type, 'response');
    });
  });
}
