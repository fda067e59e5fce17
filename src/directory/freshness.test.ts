import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { enqueueJob } from '../jobs/jobs.service.ts';
import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { freshnessSweepJob } from './freshness.job.ts';

const DAY = 24 * 60 * 60 * 1000;

for (const dialect of testDialects) {
  describe(`stale-entry reminders on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;
    let sweeps = 0;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'MX' });
      await t.createAccount('state-editor', { state: 'CL' });
      const poc = await insertPoc(t.ctx, { state: 'MX', name: 'Ana Stale' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: t.clock.now().toISOString() })
        .where('id', '=', poc.id)
        .execute();
      await insertPoc(t.ctx, { state: 'CL' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: new Date(t.clock.now().getTime() + 400 * DAY).toISOString() })
        .where('state_code', '=', 'CL')
        .execute();
    });
    after(() => t.close());

    async function sweep() {
      sweeps += 1;
      await enqueueJob(
        t.ctx.db,
        t.clock,
        freshnessSweepJob,
        {},
        { idempotencyKey: `sweep-${sweeps}` },
      );
      await t.createWorker().runUntilIdle();

      return t.ctx.db.selectFrom('mail_outbox').selectAll().orderBy('id').execute();
    }

    it('sends nothing while entries are fresh', async () => {
      assert.equal((await sweep()).length, 0);
    });

    it('reminds each editor of a stale state once per period', async () => {
      t.clock.advance(181 * DAY);
      const first = await sweep();
      assert.equal(first.length, 1);
      assert.equal(first[0]?.to_address, editor.email);
      assert.match(first[0].subject, /1 point-of-contact entry of MX needs confirming/);
      assert.match(first[0].text_body, /Ana Stale \(last confirmed 2026-12-01\)/);

      t.clock.advance(2 * 60 * 60 * 1000);
      assert.equal((await sweep()).length, 1);
    });

    it('reminds again in the next period', async () => {
      t.clock.advance(180 * DAY);
      const mails = await sweep();
      assert.equal(mails.filter((mail) => mail.to_address === editor.email).length, 2);
    });
  });
}
