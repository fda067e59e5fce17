import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { JobWorker } from '../jobs/worker.ts';
import type { CheckResultRow } from './checks.schema.ts';

async function organisationId(t: TestApp, name: string): Promise<string> {
  const row = await t.ctx.db
    .selectFrom('organisations')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();

  return row.id;
}

async function countDenied(t: TestApp, accountId: string, target: string): Promise<number> {
  const rows = await t.ctx.db
    .selectFrom('audit_log')
    .select('seq')
    .where('account_id', '=', accountId)
    .where('target', '=', target)
    .where('outcome', '=', 'denied')
    .execute();

  return rows.length;
}

for (const dialect of testDialects) {
  describe(`checks of partner organisations on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let secretariat: TestAccount;
    let frEditor: TestAccount;
    let frPartner: TestAccount;
    let dePartner: TestAccount;
    let frOrg = '';
    let deOrg = '';
    let checkId = '';

    before(async () => {
      t = await startTestApp(dialect);
      worker = t.createWorker();
      secretariat = await t.createAccount('secretariat');
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      frPartner = await t.createAccount('partner', { org: 'Paris Telecom CSIRT' });
      dePartner = await t.createAccount('partner', { org: 'Berlin Grid CERT' });
      frOrg = await organisationId(t, 'Paris Telecom CSIRT');
      deOrg = await organisationId(t, 'Berlin Grid CERT');
      await t.ctx.db
        .updateTable('organisations')
        .set({ sponsor_state: 'FR' })
        .where('id', '=', frOrg)
        .execute();
      await insertPoc(t.ctx, { state: 'FR' });
      await insertPoc(t.ctx, { state: 'DE' });
    });
    after(() => t.close());

    const startCheck = (payload: Record<string, unknown>, token: string) =>
      t.request({ method: 'POST', url: '/api/v1/checks', token, payload });

    it('state editor checks its sponsored partner', async () => {
      const res = await startCheck(
        { title: 'Partner reachability', partners: [frOrg], windowMinutes: 60 },
        frEditor.token,
      );
      assert.equal(res.statusCode, 201, res.body);
      checkId = res.json<{ id: string }>().id;
      assert.equal(res.json<{ recipients: number }>().recipients, 1);
      await worker.runUntilIdle();

      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select(['subject', 'text_body'])
        .where('to_address', '=', frPartner.email)
        .executeTakeFirstOrThrow();
      assert.match(mail.subject, /Communication check: Partner reachability/);
      assert.match(mail.text_body, /\/checks\/answer\//);
      const others = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('to_address')
        .where('subject', 'like', '%Partner reachability%')
        .execute();
      assert.deepEqual(
        others.map((row) => row.to_address),
        [frPartner.email],
        'a partners-only check reaches no PoC',
      );
    });

    it('partner account answers the check', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/checks/${checkId}/answer`,
        token: frPartner.token,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ answered: number }>().answered, 1);

      const results = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: frEditor.token,
      });
      assert.equal(results.statusCode, 200, results.body);
      const rows = results.json<{ recipients: CheckResultRow[] }>().recipients;
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.equal(row?.organisationId, frOrg);
      assert.equal(row.email, frPartner.email);
      assert.notEqual(row.answeredAt, null);
    });

    it("rejects another state's partner with 403", async () => {
      const res = await startCheck(
        { title: 'Not ours', partners: [deOrg], windowMinutes: 60 },
        frEditor.token,
      );
      assert.equal(res.statusCode, 403);
      assert.equal(await countDenied(t, frEditor.id, `organisation:${deOrg}`), 1);
      const checks = await t.ctx.db
        .selectFrom('checks')
        .select('id')
        .where('title', '=', 'Not ours')
        .execute();
      assert.equal(checks.length, 0);
    });

    it('rejects an unknown partner with 404', async () => {
      const res = await startCheck(
        { title: 'Unknown', partners: ['no-such-org'], windowMinutes: 60 },
        frEditor.token,
      );
      assert.equal(res.statusCode, 404);
      assert.equal(await countDenied(t, frEditor.id, 'organisation:no-such-org'), 1);
    });

    it("rejects another state's PoCs for a state editor", async () => {
      const res = await startCheck(
        { title: 'DE too', states: ['DE'], partners: [frOrg], windowMinutes: 60 },
        frEditor.token,
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"states.0"/);
    });

    it('lets the secretariat check any partner with states', async () => {
      const res = await startCheck(
        { title: 'Everyone', states: ['DE'], partners: [deOrg, frOrg], windowMinutes: 60 },
        secretariat.token,
      );
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json<{ recipients: number }>().recipients, 3);
      await worker.runUntilIdle();
      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('subject')
        .where('to_address', '=', dePartner.email)
        .executeTakeFirstOrThrow();
      assert.match(mail.subject, /Everyone/);
    });

    it('names the partners field when no account exists', async () => {
      const empty = 'Empty Org';
      await t.ctx.db
        .insertInto('organisations')
        .values({ id: 'empty-org', name: empty, clearance: 'green', created_at: '2026-01-01' })
        .execute();
      const res = await startCheck(
        { title: 'Nobody', partners: ['empty-org'], windowMinutes: 60 },
        secretariat.token,
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"partners"/);
    });
  });
}
