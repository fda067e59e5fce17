import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { testDialects } from '../test/support/database.ts';
import { insertPoc } from '../test/support/factories.ts';
import type { JobWorker } from '../src/jobs/worker.ts';
import {
  BrowserPages,
  findSevereViolations,
  saveScreenshot,
  signIn,
  startRunningApp,
  type RunningApp,
} from './support.ts';

const MINUTE_MS = 60_000;

for (const dialect of testDialects) {
  describe(`communication check journey on ${dialect}`, () => {
    let t: RunningApp;
    let worker: JobWorker;
    let pages: BrowserPages;

    const newPage = () => pages.open();

    /** Returns the answer link of the newest mail to `address`. */
    async function linkFromMail(address: string): Promise<string> {
      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('text_body')
        .where('to_address', '=', address)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const link = /http:\/\/parley\.test(\/checks\/answer\/[\w-]+)/.exec(mail.text_body)?.[1];
      assert.ok(link, `no answer link in the mail to ${address}`);

      return `${t.baseUrl}${link}`;
    }

    before(async () => {
      t = await startRunningApp(dialect);
      worker = t.createWorker();
      pages = await BrowserPages.launch();
    });
    // Every page's last state is kept, so a failed step can be seen and not only read about.
    afterEach(async (context) => {
      await pages.saveTestScreenshots(`${dialect}-check`, context.name);
    });
    after(async () => {
      await pages.close();
      await t.close();
    });

    it('check answered by link, page and escalation', async () => {
      const secretariat = await t.createAccount('secretariat');
      const dePoc = await t.createAccount('poc', { state: 'DE' });
      const fr = await insertPoc(t.ctx, { state: 'FR' });
      await insertPoc(t.ctx, { state: 'DE', email: dePoc.email });
      await insertPoc(t.ctx, { state: 'JP' });
      const jpAlternate = await insertPoc(t.ctx, { state: 'JP' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate' })
        .where('id', '=', jpAlternate.id)
        .execute();

      // The secretariat starts the check from the checks page.
      const desk = await newPage();
      await signIn(desk, t.baseUrl, secretariat);
      await desk.goto(`${t.baseUrl}/checks`);
      await desk.getByLabel('Title').fill('Technical contacts check');
      await desk.getByLabel(/^States/).fill('FR, DE, JP');
      await desk.getByLabel('Levels').selectOption('technical');
      await desk.getByLabel(/^Response window/).fill('60');
      await desk.getByLabel(/^Reminders/).fill('10');
      await Promise.all([
        desk.waitForURL(/\/checks\/[0-9a-f-]{36}$/),
        desk.getByRole('button', { name: 'Start check' }).click(),
      ]);
      const checkUrl = desk.url();
      await desk.getByRole('heading', { name: /Technical contacts check/ }).waitFor();
      await worker.runUntilIdle();

      // FR answers from the personal link in its mail; opening alone is not an answer.
      const mailbox = await newPage();
      await mailbox.goto(await linkFromMail(fr.email));
      await mailbox.getByRole('button', { name: 'Answer' }).click();
      await mailbox
        .getByRole('status')
        .getByText(/Your answer was recorded/)
        .waitFor();

      // DE's PoC answers from the check's web page while signed in.
      const dePage = await newPage();
      await signIn(dePage, t.baseUrl, dePoc);
      await dePage.goto(checkUrl);
      await dePage.getByRole('button', { name: 'Answer' }).click();
      await dePage.waitForURL(checkUrl);
      assert.equal(await dePage.getByRole('button', { name: 'Answer' }).count(), 0);

      // JP does not answer: the close escalates to its alternate, who stays silent too.
      t.clock.advance(61 * MINUTE_MS);
      await worker.runUntilIdle();
      t.clock.advance(61 * MINUTE_MS);
      await worker.runUntilIdle();
      const escalationMail = await linkFromMail(jpAlternate.email);
      assert.match(escalationMail, /\/checks\/answer\//);

      await desk.goto(checkUrl);
      const states = desk.getByRole('region', { name: 'States' });
      assert.match(
        await states.getByRole('listitem').filter({ hasText: 'FR' }).innerText(),
        /Answered/,
      );
      assert.match(
        await states.getByRole('listitem').filter({ hasText: 'DE' }).innerText(),
        /Answered/,
      );
      assert.match(
        await states.getByRole('listitem').filter({ hasText: 'JP' }).innerText(),
        /No answer/,
      );
      const escalationRow = desk.getByRole('row', { name: new RegExp(jpAlternate.email) });
      assert.match(await escalationRow.innerText(), /alternate \(escalation\)/);
      assert.equal(await desk.getByTestId('overall-rate').innerText(), '50% (2 of 4)');
      assert.equal(await desk.locator('svg[role="img"]').count(), 2);
      await saveScreenshot(desk, `${dialect}-check-results`);

      const violations = await findSevereViolations(desk);
      assert.deepEqual(violations, []);
    });
  });
}
