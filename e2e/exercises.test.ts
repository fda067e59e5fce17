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

const bundle = {
  type: 'bundle',
  id: `bundle--${randomUUID()}`,
  objects: [
    {
      type: 'indicator',
      spec_version: '2.1',
      id: `indicator--${randomUUID()}`,
      created: '2024-03-05T08:15:30.000Z',
      modified: '2024-03-05T08:15:30.000Z',
      pattern: "[ipv4-addr:value = '198.51.100.7']",
      pattern_type: 'stix',
      valid_from: '2024-03-05T08:15:30Z',
    },
  ],
};

for (const dialect of testDialects) {
  describe(`exercise pages on ${dialect}`, () => {
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

    it('controller timeline grows live as a PoC answers', async () => {
      const secretariat = await t.createAccount('secretariat');
      const poc = await t.createAccount('poc', { state: 'JP' });
      await insertPoc(t.ctx, { state: 'JP', email: poc.email, level: 'technical' });
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/exercises',
        token: secretariat.token,
        payload: {
          title: 'Live drill',
          scenario: 'A regional outage.',
          states: ['JP'],
          levels: ['technical'],
          injects: [{ kind: 'check', title: 'Live roll call', offsetMinutes: 0 }],
        },
      });
      assert.equal(created.statusCode, 201, created.body);
      const exerciseId = created.json<{ id: string }>().id;
      const start = await t.request({
        method: 'POST',
        url: `/api/v1/exercises/${exerciseId}/start`,
        token: secretariat.token,
      });
      assert.equal(start.statusCode, 200, start.body);
      await t.createWorker().runUntilIdle();

      const page = await newPage();
      await signIn(page, t.baseUrl, secretariat);
      await page.goto(`${t.baseUrl}/exercises/${exerciseId}`);
      const timeline = page.locator('#exercise-timeline');
      await timeline.waitFor();
      const before = await timeline.locator('li').count();
      assert.doesNotMatch(await timeline.innerText(), /answered/);

      const check = await t.ctx.db
        .selectFrom('checks')
        .select('id')
        .where('exercise_id', '=', exerciseId)
        .executeTakeFirstOrThrow();
      const answer = await t.request({
        method: 'POST',
        url: `/api/v1/checks/${check.id}/answer`,
        token: poc.token,
        payload: { via: 'api' },
      });
      assert.equal(answer.statusCode, 200, answer.body);

      // The entry arrives over the live stream; the page is never reloaded.
      await timeline.getByText(/answered/).waitFor();
      assert.equal(await timeline.locator('li').count(), before + 1);
      assert.match(await timeline.innerText(), /Live roll call/);
      assert.deepEqual(await findSevereViolations(page), []);
    });

    it('secretariat plans, starts and releases', async () => {
      await insertPoc(t.ctx, { state: 'FR' });
      await insertPoc(t.ctx, { state: 'DE' });
      await t.createAccount('partner', { org: 'Acme CERT' });
      const secretariat = await t.createAccount('secretariat');
      const page = await newPage();
      await signIn(page, t.baseUrl, secretariat);
      await page.getByRole('link', { name: 'Exercises' }).click();
      await page.getByRole('link', { name: 'Plan a new exercise' }).click();
      await page.getByRole('heading', { level: 1, name: 'New exercise' }).waitFor();

      await page.getByLabel('Exercise title').fill('Ransomware drill');
      await page.getByLabel('Scenario').fill('A ransomware wave hits ministries.');
      await page.getByLabel('Participating states').fill('FR, XX');
      await page.getByRole('checkbox', { name: 'Technical' }).check();
      await page.getByRole('checkbox', { name: 'Acme CERT' }).check();

      // Adding an inject moves the focus to its first field, so the keyboard carries on there.
      await page.getByRole('button', { name: 'Add inject' }).click();
      const first = page.locator('fieldset.inject').nth(0);
      assert.equal(
        await first.getByLabel('Kind').evaluate((el) => el === document.activeElement),
        true,
      );
      await page.keyboard.press('Tab');
      await page.keyboard.type('Are you there?');
      await first.getByLabel('Minutes after start').fill('20000');

      await page.getByRole('button', { name: 'Add inject' }).click();
      const second = page.locator('fieldset.inject').nth(1);
      await second.getByLabel('Kind').selectOption('bundle');
      await second.getByLabel('Title').fill('Indicator feed');
      await second.getByLabel('TLP level').selectOption('green');
      await second.getByLabel('STIX bundle (JSON)').fill('{"type": "bundle",');
      await page.getByRole('button', { name: 'Create exercise' }).click();

      // Bundle text that is not JSON is caught before anything is sent.
      const bundleField = second.getByLabel('STIX bundle (JSON)');
      await second.getByText(/The bundle is not valid JSON/).waitFor();
      assert.equal(await bundleField.getAttribute('aria-invalid'), 'true');
      await bundleField.fill(JSON.stringify(bundle, null, 2));
      await page.getByRole('button', { name: 'Create exercise' }).click();

      // The schema names `injects.0.offsetMinutes`, shown by the field of the first inject.
      const offset = first.getByLabel('Minutes after start');
      await first.locator('.field-error').waitFor();
      assert.match(await first.locator('.field-error').innerText(), /10,080/);
      assert.equal(await offset.getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await findSevereViolations(page), []);
      await saveScreenshot(page, `${dialect}-exercise-errors`);

      // The service then names `states.1`, the unknown state code.
      await offset.fill('0');
      await page.getByRole('button', { name: 'Create exercise' }).click();
      const states = page.getByLabel('Participating states');
      await page.locator('#exercise-states-error').waitFor();
      assert.match(await page.locator('#exercise-states-error').innerText(), /XX/);
      assert.equal(await states.getAttribute('aria-invalid'), 'true');
      assert.equal(await offset.getAttribute('aria-invalid'), null);

      await states.fill('FR, DE');
      await page.getByRole('button', { name: 'Create exercise' }).click();
      await page.waitForURL(/\/app\/exercises\/[^/]+$/);
      await page.getByRole('heading', { level: 1, name: 'Exercise: Ransomware drill' }).waitFor();
      assert.match(await page.locator('.key-facts').innerText(), /Acme CERT/);
      const rows = page.locator('tr[data-inject-id]');
      assert.equal(await rows.count(), 2);
      const bundleRow = await rows.filter({ hasText: 'Indicator feed' }).innerText();
      assert.match(bundleRow, /STIX bundle/);
      assert.match(bundleRow, /TLP:GREEN/);
      assert.equal(await page.getByRole('button', { name: /^Release inject now/ }).count(), 0);

      await page.getByRole('button', { name: 'Start exercise' }).click();
      await page.locator('dd[data-status="running"]').waitFor();
      await page.getByRole('button', { name: 'Release inject now: Are you there?' }).click();
      await page.getByText('The inject "Are you there?" was released.').waitFor();
      const released = page.locator('tr[data-inject-id]', { hasText: 'Are you there?' });
      await released.getByRole('button').waitFor({ state: 'detached' });
      assert.doesNotMatch(await released.innerText(), /Not yet/);
      assert.deepEqual(await findSevereViolations(page), []);

      const timeline = page.getByRole('link', { name: 'Controller timeline' });
      const exerciseId = page.url().split('/').at(-1) ?? '';
      assert.equal(await timeline.getAttribute('href'), `/exercises/${exerciseId}`);
      const report = page.getByRole('link', { name: 'After-action report' });
      assert.equal(await report.getAttribute('href'), `/exercises/${exerciseId}/report`);
      await report.click();
      await page.waitForURL(`${t.baseUrl}/exercises/${exerciseId}/report`);
      await page.getByRole('heading', { level: 1 }).waitFor();

      await page.goBack();
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'End exercise' }).click();
      await page.locator('dd[data-status="ended"]').waitFor();
      await saveScreenshot(page, `${dialect}-exercise-ended`);

      const stored = await t.request({
        method: 'GET',
        url: `/api/v1/exercises/${exerciseId}`,
        token: secretariat.token,
      });
      const body = stored.json<{ status: string; injects: { releasedAt: string | null }[] }>();
      assert.equal(body.status, 'ended');
      assert.equal(body.injects.filter((inject) => inject.releasedAt !== null).length, 1);
    });

    it('hides exercises from other roles', async () => {
      const editor = await t.createAccount('state-editor', { state: 'FR' });
      const page = await newPage();
      await signIn(page, t.baseUrl, editor, '/app/exercises/new');

      await page.getByRole('heading', { level: 1, name: 'Not available' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Exercises' }).count(), 0);
    });
  });
}
