import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { JobWorker } from '../jobs/worker.ts';
import type { CheckResultRow } from './checks.schema.ts';

const sharedAddress = 'incident@govcert.ch.example';

for (const dialect of testDialects) {
  describe(`check recipients sharing an address on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let secretariat: TestAccount;
    let checkId = '';

    before(async () => {
      t = await startTestApp(dialect);
      worker = t.createWorker();
      secretariat = await t.createAccount('secretariat');
      await insertPoc(t.ctx, { state: 'CH', email: sharedAddress });
      await insertPoc(t.ctx, { state: 'LI', email: sharedAddress });
      await insertPoc(t.ctx, { state: 'AT', email: 'cert@at.example' });
    });
    after(() => t.close());

    async function mailsTo(address: string) {
      return t.ctx.db
        .selectFrom('mail_outbox')
        .select(['subject', 'text_body'])
        .where('to_address', '=', address)
        .execute();
    }

    async function results() {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 200);

      return res.json<{ recipients: CheckResultRow[] }>().recipients;
    }

    it('mails an address listed by two states once', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/checks',
        token: secretariat.token,
        payload: {
          title: 'Quarterly check CH',
          levels: ['technical'],
          states: ['CH', 'LI', 'AT'],
          windowMinutes: 120,
        },
      });
      assert.equal(res.statusCode, 201);
      checkId = res.json<{ id: string; recipients: number }>().id;
      assert.equal(res.json<{ recipients: number }>().recipients, 3);

      await worker.runUntilIdle();
      assert.equal((await mailsTo(sharedAddress)).length, 1);
      assert.equal((await mailsTo('cert@at.example')).length, 1);
      const shared = (await results()).filter((r) => r.stateCode !== 'AT');
      assert.equal(shared.length, 2);
      assert.ok(shared.every((r) => r.deliveredAt !== null));
    });

    it('answers both entries through the one link', async () => {
      const [mail] = await mailsTo(sharedAddress);
      const token = /\/checks\/answer\/([\w-]+)/.exec(mail?.text_body ?? '')?.[1];
      assert.ok(token);

      const res = await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      assert.equal(res.statusCode, 200);

      const answered = (await results()).filter((r) => r.answeredAt !== null);
      assert.deepEqual(answered.map((r) => r.stateCode).sort(), ['CH', 'LI']);
    });
  });
}
