import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { moderationStates } from '../db/migrations/2026-12-05-51-moderation-states.ts';
import { indicator } from '../taxii/taxii.test-helpers.ts';
import type { ModerationSummary } from './moderation.service.ts';
import { tlp2MarkingIds } from './tlp.ts';

for (const dialect of testDialects) {
  describe(`moderation of partner submissions on ${dialect}`, () => {
    let t: TestApp;
    let partner: TestAccount;
    let otherPartner: TestAccount;
    let pocFr: TestAccount;
    let pocDe: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      partner = await t.createAccount('partner', { org: 'Acme Research' });
      otherPartner = await t.createAccount('partner', { org: 'Beta Labs' });
      pocFr = await t.createAccount('poc', { state: 'FR' });
      pocDe = await t.createAccount('poc', { state: 'DE' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    async function submit(objects: unknown[], query = '') {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/moderation${query}`,
        token: partner.token,
        payload: { type: 'bundle', objects },
      });
      assert.equal(res.statusCode, 202, res.body);

      return res.json<ModerationSummary>();
    }

    function decide(token: string, id: string, payload: Record<string, string>) {
      return t.request({
        method: 'POST',
        url: `/api/v1/moderation/${id}/decision`,
        token,
        payload,
      });
    }

    function readObject(token: string, id: string) {
      return t.request({ method: 'GET', url: `/api/v1/objects/${id}`, token });
    }

    it('holds a submission unshared until approval', async () => {
      const object = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      const item = await submit([object], '?states=FR');
      assert.equal(item.status, 'pending');
      assert.equal(item.objectCount, 1);
      assert.equal((await readObject(pocFr.token, String(object.id))).statusCode, 404);

      const approved = await decide(pocFr.token, item.id, { decision: 'approve' });
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(approved.json<ModerationSummary>().status, 'approved');
      assert.equal(approved.json<ModerationSummary>().reason, null);
      assert.deepEqual(approved.json<ModerationSummary>().result, { stored: 1, rejected: 0 });
      assert.equal((await readObject(pocDe.token, String(object.id))).statusCode, 200);
    });

    it('shows the partner the outcome and reason', async () => {
      const item = await submit([indicator()], '?states=FR');
      const rejected = await decide(secretariat.token, item.id, {
        decision: 'reject',
        reason: 'duplicate of an existing report',
      });
      assert.equal(rejected.statusCode, 200);

      const seen = await t.request({
        method: 'GET',
        url: `/api/v1/moderation/${item.id}`,
        token: partner.token,
      });
      assert.equal(seen.json<ModerationSummary>().status, 'rejected');
      assert.equal(seen.json<ModerationSummary>().reason, 'duplicate of an existing report');
      const list = await t.request({
        method: 'GET',
        url: '/api/v1/moderation',
        token: partner.token,
      });
      const ids = list.json<{ items: ModerationSummary[] }>().items.map((entry) => entry.id);
      assert.ok(ids.includes(item.id));
    });

    it('lists each viewer only the items it submitted or moderates', async () => {
      const forFr = await submit([indicator()], '?states=FR');
      const forDe = await submit([indicator()], '?states=DE');
      async function listed(token: string) {
        const res = await t.request({ method: 'GET', url: '/api/v1/moderation', token });
        assert.equal(res.statusCode, 200);

        return res.json<{ items: ModerationSummary[] }>().items.map((item) => item.id);
      }

      const fr = await listed(pocFr.token);
      assert.ok(fr.includes(forFr.id));
      assert.ok(!fr.includes(forDe.id));
      const de = await listed(pocDe.token);
      assert.ok(de.includes(forDe.id));
      assert.ok(!de.includes(forFr.id));
      const submitter = await listed(partner.token);
      assert.ok(submitter.includes(forFr.id));
      assert.ok(submitter.includes(forDe.id));
      assert.deepEqual(await listed(otherPartner.token), []);
      const all = await listed(secretariat.token);
      assert.ok(all.includes(forFr.id));
      assert.ok(all.includes(forDe.id));
    });

    it('fills recipient states of older items in the migration', async () => {
      const item = await submit([indicator()], '?states=FR');
      await t.ctx.db.deleteFrom('moderation_item_states').execute();
      await t.ctx.db.schema.dropTable('moderation_item_states').execute();

      await moderationStates.up(t.ctx.db);

      const rows = await t.ctx.db
        .selectFrom('moderation_item_states')
        .select('state_code')
        .where('item_id', '=', item.id)
        .execute();
      assert.deepEqual(
        rows.map((row) => row.state_code),
        ['FR'],
      );
    });

    it('requires a reason to reject', async () => {
      const item = await submit([indicator()]);
      const res = await decide(secretariat.token, item.id, { decision: 'reject' });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /reason is required/);
    });

    it('lets only moderators of the community decide', async () => {
      const item = await submit([indicator()], '?states=FR');
      assert.equal((await decide(pocDe.token, item.id, { decision: 'approve' })).statusCode, 404);
      assert.equal((await decide(partner.token, item.id, { decision: 'approve' })).statusCode, 403);
      const other = await t.request({
        method: 'GET',
        url: `/api/v1/moderation/${item.id}`,
        token: otherPartner.token,
      });
      assert.equal(other.statusCode, 404);
      assert.equal(
        (await decide(secretariat.token, item.id, { decision: 'approve' })).statusCode,
        200,
      );
      const again = await decide(secretariat.token, item.id, { decision: 'approve' });
      assert.equal(again.statusCode, 409);
    });

    it('points partners from direct upload to moderation', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/bundles',
        token: partner.token,
        payload: { type: 'bundle', objects: [indicator()] },
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /\/api\/v1\/moderation/);
      const member = await t.request({
        method: 'POST',
        url: '/api/v1/moderation',
        token: pocFr.token,
        payload: { type: 'bundle', objects: [indicator()] },
      });
      assert.equal(member.statusCode, 403);
    });
  });
}
