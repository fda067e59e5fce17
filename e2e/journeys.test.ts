import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

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

interface DeliveriesReply {
  recipients: { email: string; acknowledgedAt: string | null; acknowledgedVia: string | null }[];
}

for (const dialect of testDialects) {
  describe(`workspace journeys on ${dialect}`, () => {
    let t: RunningApp;
    let pages: BrowserPages;

    const newPage = () => pages.open();

    before(async () => {
      t = await startRunningApp(dialect);
      pages = await BrowserPages.launch();
    });
    // Every page's last state is kept, so a failed step can be seen and not only read about.
    afterEach(async (context) => {
      await pages.saveTestScreenshots(dialect, context.name);
    });
    after(async () => {
      await pages.close();
      await t.close();
    });

    it('added PoC shows on public page', async () => {
      const editor = await t.createAccount('state-editor', { state: 'CH' });
      const page = await newPage();
      await signIn(page, t.baseUrl, editor, '/app/pocs');
      await page.getByRole('heading', { level: 1, name: "My state's PoCs" }).waitFor();

      await page.getByLabel('Level').selectOption('technical');
      await page.getByLabel('Full name').fill('Aline Vuilleumier');
      await page.getByLabel('Designation (job title)').fill('Head of incident response');
      await page.getByLabel('Organisation').fill('GovCERT.ch');
      await page.getByLabel('E-mail').fill('aline.vuilleumier@govcert.example');
      await page.getByLabel('Telephone (optional)').fill('+41225550123');
      await page.getByRole('button', { name: 'Add PoC' }).click();

      await page.getByRole('status').getByText('Aline Vuilleumier was added.').waitFor();
      const row = page.getByRole('row', { name: /Aline Vuilleumier/ });
      await row.waitFor();
      assert.match(await row.innerText(), /Technical/);
      assert.match(await row.innerText(), /\+41225550123/);
      await saveScreenshot(page, `${dialect}-pocs`);

      const visitor = await newPage();
      const response = await visitor.goto(`${t.baseUrl}/`);
      assert.equal(response?.status(), 200);
      const section = visitor.locator('#state-CH');
      assert.match(await section.innerText(), /Aline Vuilleumier/);
      assert.match(await section.innerText(), /Technical/);
    });

    it('live alert acknowledged from inbox', async () => {
      const email = 'duty.officer@ncsc.ch.example';
      await insertPoc(t.ctx, { state: 'CH', level: 'technical', name: 'Duty Officer', email });
      const poc = await t.createAccount('poc', { state: 'CH', email });
      const sender = await t.createAccount('secretariat');

      const inbox = await newPage();
      await signIn(inbox, t.baseUrl, poc, '/app/inbox');
      await inbox.getByRole('heading', { level: 1, name: 'Alert inbox' }).waitFor();
      // The alert must reach an open stream, so wait until the EventSource is connected.
      await inbox.getByText('Live updates: on').waitFor();
      let documentLoads = 0;
      inbox.on('load', () => {
        documentLoads += 1;
      });

      const title = 'Ransomware campaign against hospital networks';
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title, severity: 4, tlp: 'green', body: 'Block the listed addresses.' },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      const alertId = sent.json<{ id: string }>().id;

      const row = inbox.locator(`tr[data-alert-id="${alertId}"]`);
      await row.waitFor();
      assert.equal(documentLoads, 0, 'the inbox reloaded instead of updating live');
      assert.match(await row.innerText(), /4 Severe/);
      assert.match(await row.innerText(), /TLP:GREEN/);
      await saveScreenshot(inbox, `${dialect}-inbox-new-alert`);

      const deliveriesPage = await newPage();
      await signIn(deliveriesPage, t.baseUrl, sender, `/app/alerts/${alertId}`);
      const recipientRow = deliveriesPage.locator(`tr[data-recipient="${email}"]`);
      await recipientRow.waitFor();
      assert.doesNotMatch(await recipientRow.innerText(), /via web/);

      await inbox.getByRole('button', { name: `Acknowledge alert: ${title}` }).click();
      await row.getByText('Acknowledged').waitFor();

      // The sender's open deliveries view updates from the acknowledgement event.
      await recipientRow.getByText('via web').waitFor();
      await saveScreenshot(deliveriesPage, `${dialect}-deliveries`);

      const report = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      assert.equal(report.statusCode, 200, report.body);
      const recipient = report
        .json<DeliveriesReply>()
        .recipients.find((candidate) => candidate.email === email);
      assert.ok(recipient, `recipient ${email} missing from the deliveries`);
      assert.equal(recipient.acknowledgedVia, 'web');
      assert.notEqual(recipient.acknowledgedAt, null);
    });

    it('editor changes and deletes a PoC', async () => {
      await insertPoc(t.ctx, { state: 'CH', level: 'policy', name: 'Jonas Keller' });
      const editor = await t.createAccount('state-editor', { state: 'CH' });
      const page = await newPage();
      await signIn(page, t.baseUrl, editor, '/app/pocs');

      await page.getByRole('button', { name: 'Edit Jonas Keller' }).click();
      const designation = page.getByLabel('Designation (job title)');
      await designation.fill('Deputy head of cyber policy');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').getByText('Jonas Keller was changed.').waitFor();
      const row = page.getByRole('row', { name: /Jonas Keller/ });
      await row.getByText('Deputy head of cyber policy').waitFor();

      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Delete Jonas Keller' }).click();
      await page.getByRole('status').getByText('Jonas Keller was deleted.').waitFor();
      await row.waitFor({ state: 'detached' });
      const list = await t.request({ method: 'GET', url: '/api/v1/pocs', token: editor.token });
      const names = list.json<{ pocs: { name: string }[] }>().pocs.map((poc) => poc.name);
      assert.ok(!names.includes('Jonas Keller'), `still listed: ${names.join(', ')}`);
    });

    it('send form opens the deliveries', async () => {
      const sender = await t.createAccount('secretariat');
      const page = await newPage();
      await signIn(page, t.baseUrl, sender, '/app/alerts/new');

      await page.getByLabel('Title').fill('Exercise: phishing wave');
      await page.getByLabel('Severity').selectOption('2');
      await page.getByLabel('TLP level').selectOption('green');
      await page.getByLabel('Message', { exact: true }).fill('Check your mail gateways.');
      await page.getByRole('button', { name: 'Send alert' }).click();

      await page.getByRole('heading', { level: 1, name: 'Deliveries' }).waitFor();
      assert.match(page.url(), /\/app\/alerts\/[^/]+$/);
      const recipients = Number(await page.locator('dd[data-count="recipients"]').innerText());
      assert.ok(recipients >= 1, `expected at least one recipient, got ${recipients}`);
      assert.equal(await page.locator('tbody tr').count(), recipients);
    });

    it('send form flags invalid fields', async () => {
      const sender = await t.createAccount('secretariat');
      const page = await newPage();
      await signIn(page, t.baseUrl, sender, '/app/alerts/new');
      let alertPosts = 0;
      page.on('request', (request) => {
        if (request.method() === 'POST' && request.url().endsWith('/api/v1/alerts'))
          alertPosts += 1;
      });

      await page.getByLabel('TLP level').selectOption('amber');
      await page.getByLabel('Recipient states (optional)').fill('FR, K3');
      await page.getByRole('button', { name: 'Send alert' }).click();

      await page.getByRole('alert').waitFor();
      assert.equal(await page.locator('#alert-title-error').innerText(), 'Enter a title.');
      assert.equal(await page.locator('#alert-severity-error').innerText(), 'Choose a severity.');
      assert.match(await page.locator('#alert-states-error').innerText(), /K3/);
      assert.equal(alertPosts, 0);
    });

    it('member shares a bundle file', async () => {
      const member = await t.createAccount('poc', { state: 'CH' });
      const page = await newPage();
      await signIn(page, t.baseUrl, member, '/app/share');
      const indicatorId = 'indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91';
      const bundle = {
        type: 'bundle',
        id: 'bundle--0b6e0c4e-2d5a-4c1e-9a37-5a1f0c9d8e21',
        objects: [
          {
            type: 'indicator',
            spec_version: '2.1',
            id: indicatorId,
            created: '2024-03-05T08:15:30.000Z',
            modified: '2024-03-05T08:15:30.123456Z',
            pattern: "[ipv4-addr:value = '203.0.113.9']",
            pattern_type: 'stix',
            valid_from: '2024-03-05T08:15:30Z',
          },
          { type: 'indicator', id: 'not-a-stix-id' },
        ],
      };

      await page.getByLabel('STIX bundle (.json file)').setInputFiles({
        name: 'bundle.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(bundle)),
      });
      await page.getByLabel('TLP level for unmarked objects').selectOption('green');
      await page.getByLabel('Recipient states (optional)').fill('fr, KE');
      await page.getByRole('button', { name: 'Share bundle' }).click();

      await page.getByRole('heading', { name: 'Result' }).waitFor();
      await page.getByText('1 object was stored.').waitFor();
      const rejected = page.getByRole('table', { name: 'Rejected objects' });
      assert.match(await rejected.innerText(), /not-a-stix-id/);
      await saveScreenshot(page, `${dialect}-share`);

      const stored = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${indicatorId}`,
        token: member.token,
      });
      assert.equal(stored.statusCode, 200, stored.body);
      assert.equal(stored.json<{ modified: string }>().modified, '2024-03-05T08:15:30.123456Z');
    });

    it('sign-out ends the session', async () => {
      const member = await t.createAccount('poc', { state: 'CH' });
      const page = await newPage();
      await signIn(page, t.baseUrl, member, '/app/inbox');

      await Promise.all([
        page.waitForURL(`${t.baseUrl}/`),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      await page.goto(`${t.baseUrl}/app/pocs`);
      await page.waitForURL(/\/signin\?next=%2Fapp%2Fpocs$/);
      await page.getByLabel('Password').waitFor();
    });

    it('inbox works from the keyboard', async () => {
      const email = 'keyboard.user@ncsc.ch.example';
      await insertPoc(t.ctx, { state: 'CH', level: 'diplomatic', name: 'Nina Weber', email });
      const poc = await t.createAccount('poc', { state: 'CH', email });
      const sender = await t.createAccount('secretariat');
      const title = 'Keyboard acknowledgement check';
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title, severity: 3, tlp: 'green', body: 'Press Enter.' },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      const alertId = sent.json<{ id: string }>().id;

      const page = await newPage();
      await signIn(page, t.baseUrl, poc, '/app/inbox');
      const row = page.locator(`tr[data-alert-id="${alertId}"]`);
      await row.waitFor();

      await page.keyboard.press('Tab');
      const firstStop = await page.evaluate(() => document.activeElement?.textContent ?? '');
      assert.equal(firstStop, 'Skip to content');

      const button = page.getByRole('button', { name: `Acknowledge alert: ${title}` });
      await button.focus();
      await page.keyboard.press('Enter');
      await row.getByText('Acknowledged').waitFor();
    });

    it('inbox and PoC pages pass axe', async () => {
      const email = 'axe.check@ncsc.ch.example';
      await insertPoc(t.ctx, { state: 'CH', level: 'policy', name: 'Lea Brunner', email });
      const poc = await t.createAccount('poc', { state: 'CH', email });
      const editor = await t.createAccount('state-editor', { state: 'CH' });
      const sender = await t.createAccount('secretariat');
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title: 'Accessibility check', severity: 5, tlp: 'clear', body: 'Body.' },
      });
      assert.equal(sent.statusCode, 201, sent.body);

      const inbox = await newPage();
      await signIn(inbox, t.baseUrl, poc, '/app/inbox');
      await inbox.getByRole('row', { name: /Accessibility check/ }).waitFor();
      assert.deepEqual(await findSevereViolations(inbox), []);

      const pocs = await newPage();
      await signIn(pocs, t.baseUrl, editor, '/app/pocs');
      await pocs.getByRole('row', { name: /Lea Brunner/ }).waitFor();
      assert.deepEqual(await findSevereViolations(pocs), []);

      // The same page with the API's field error shown next to the telephone field.
      await pocs.getByLabel('Level').selectOption('policy');
      await pocs.getByLabel('Full name').fill('Marc Rochat');
      await pocs.getByLabel('Designation (job title)').fill('Cyber policy adviser');
      await pocs.getByLabel('Organisation').fill('Federal Department of Foreign Affairs');
      await pocs.getByLabel('E-mail').fill('marc.rochat@fdfa.example');
      await pocs.getByLabel('Telephone (optional)').fill('+0407123456');
      await pocs.getByRole('button', { name: 'Add PoC' }).click();
      await pocs.getByRole('alert').waitFor();
      const phone = pocs.getByLabel('Telephone (optional)');
      assert.equal(await phone.getAttribute('aria-invalid'), 'true');
      const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
      assert.match(describedBy, /poc-phone-error/);
      assert.notEqual(await pocs.locator('#poc-phone-error').innerText(), '');
      assert.equal(await pocs.getByRole('row', { name: /Marc Rochat/ }).count(), 0);
      await saveScreenshot(pocs, `${dialect}-pocs-errors`);
      assert.deepEqual(await findSevereViolations(pocs), []);
    });
  });
}
