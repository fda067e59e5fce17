import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { testDialects } from '../test/support/database.ts';
import { insertPoc } from '../test/support/factories.ts';
import {
  BrowserPages,
  saveScreenshot,
  signIn,
  startRunningApp,
  type RunningApp,
} from './support.ts';

interface DeliveriesReply {
  counts: { liveDelivered: number };
  recipients: { email: string; channels: { channel: string; status: string }[] }[];
}

for (const dialect of testDialects) {
  describe(`live delivery of alerts on ${dialect}`, () => {
    let t: RunningApp;
    let pages: BrowserPages;

    before(async () => {
      t = await startRunningApp(dialect);
      pages = await BrowserPages.launch();
    });
    afterEach(async (context) => {
      await pages.saveTestScreenshots(`${dialect}-live`, context.name);
    });
    after(async () => {
      await pages.close();
      await t.close();
    });

    it('open workspace confirms a live alert', async () => {
      const email = 'watch.officer@cert.at.example';
      await insertPoc(t.ctx, { state: 'AT', level: 'technical', name: 'Watch Officer', email });
      const poc = await t.createAccount('poc', { state: 'AT', email });
      const sender = await t.createAccount('secretariat');

      const inbox = await pages.open();
      await signIn(inbox, t.baseUrl, poc, '/app/inbox');
      // The alert must reach an open stream, so wait until the EventSource is connected.
      await inbox.getByText('Live updates: on').waitFor();
      const receiptSent = inbox.waitForResponse(
        (response) =>
          response.request().method() === 'POST' && response.url().endsWith('/receipts'),
      );

      const title = 'Credential stuffing against federal portals';
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title, severity: 4, tlp: 'green', body: 'Enforce MFA.', states: ['AT'] },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      const alertId = sent.json<{ id: string }>().id;

      const receipt = await receiptSent;
      assert.equal(receipt.url(), `${t.baseUrl}/api/v1/alerts/${alertId}/receipts`);
      assert.equal(receipt.status(), 200, await receipt.text());
      await inbox.locator(`tr[data-alert-id="${alertId}"]`).waitFor();

      const report = await pages.open();
      await signIn(report, t.baseUrl, sender, `/app/alerts/${alertId}`);
      const recipientRow = report.locator(`tr[data-recipient="${email}"]`);
      await recipientRow.getByText('live: delivered').waitFor();
      assert.equal(await report.locator('dd[data-count="liveDelivered"]').innerText(), '1');
      await saveScreenshot(report, `${dialect}-live-delivery`);

      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<DeliveriesReply>();
      assert.equal(body.counts.liveDelivered, 1);
      const recipient = body.recipients.find((candidate) => candidate.email === email);
      assert.ok(recipient, `recipient ${email} missing from the deliveries`);
      const live = recipient.channels.find((channel) => channel.channel === 'live');
      assert.equal(live?.status, 'delivered');
    });
  });
}
