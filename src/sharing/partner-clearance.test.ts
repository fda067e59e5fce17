import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { indicator } from '../taxii/taxii.test-helpers.ts';
import type { ModerationSummary } from './moderation.service.ts';
import { tlp2MarkingIds } from './tlp.ts';

interface ProblemReply {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

function bundleOf(objects: unknown[]) {
  return { type: 'bundle', objects };
}

for (const dialect of testDialects) {
  describe(`named partners above their clearance on ${dialect}`, () => {
    let t: TestApp;
    let sharer: TestAccount;
    let pocDe: TestAccount;
    let analyst: TestAccount;
    let amberAnalyst: TestAccount;
    let submitter: TestAccount;
    let hunters: string;
    let amberOrg: string;

    before(async () => {
      t = await startTestApp(dialect);
      sharer = await t.createAccount('poc', { state: 'CH' });
      pocDe = await t.createAccount('poc', { state: 'DE' });
      analyst = await t.createAccount('partner', {
        org: 'Example Hunters',
        email: 'analyst@hunters.example',
      });
      amberAnalyst = await t.createAccount('partner', { org: 'Amber Labs' });
      submitter = await t.createAccount('partner', { org: 'Submitting Labs' });
      const organisations = await t.ctx.db
        .selectFrom('organisations')
        .select(['id', 'name'])
        .execute();
      hunters = organisations.find((row) => row.name === 'Example Hunters')?.id ?? '';
      amberOrg = organisations.find((row) => row.name === 'Amber Labs')?.id ?? '';
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'amber' })
        .where('id', '=', amberOrg)
        .execute();
    });
    beforeEach(async () => {
      // Example Hunters is cleared to TLP:GREEN, the default, unless a test raises it.
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'green' })
        .where('id', '=', hunters)
        .execute();
    });
    after(() => t.close());

    function share(objects: unknown[], query: string) {
      return t.request({
        method: 'POST',
        url: `/api/v1/bundles${query}`,
        token: sharer.token,
        payload: bundleOf(objects),
      });
    }

    async function storedCount(objects: Record<string, unknown>[]) {
      const ids = objects.map((object) => String(object.id));
      const rows = await t.ctx.db
        .selectFrom('stix_objects')
        .select('seq')
        .where('object_id', 'in', ids)
        .execute();

      return rows.length;
    }

    function fieldsOf(body: ProblemReply): string[] {
      return (body.errors ?? []).map((error) => error.field);
    }

    it('rejects an organisation cleared below the TLP', async () => {
      for (const named of [hunters, 'Example Hunters']) {
        const object = indicator();
        const res = await share([object], `?tlp=amber&orgs=${encodeURIComponent(named)}`);
        assert.equal(res.statusCode, 422, res.body);
        const problem = res.json<ProblemReply>();
        assert.equal(problem.code, 'validation_failed');
        assert.deepEqual(fieldsOf(problem), ['orgs.0']);
        assert.match(problem.errors?.[0]?.message ?? '', /^Example Hunters is cleared only/);
        assert.match(problem.errors?.[0]?.message ?? '', /cleared only up to TLP:GREEN/);
        assert.match(problem.errors?.[0]?.message ?? '', /shares TLP:AMBER objects/);
        assert.match(problem.errors?.[0]?.message ?? '', /remove it from orgs/);
        assert.equal(await storedCount([object]), 0);
      }
    });

    it('rejects a partner account cleared below the TLP', async () => {
      const object = indicator();
      const res = await share([object], `?tlp=red&accounts=${encodeURIComponent(analyst.email)}`);
      assert.equal(res.statusCode, 422, res.body);
      const problem = res.json<ProblemReply>();
      assert.deepEqual(fieldsOf(problem), ['accounts.0']);
      assert.match(problem.errors?.[0]?.message ?? '', /partner account cleared only up to/);
      assert.match(problem.errors?.[0]?.message ?? '', /remove it from accounts/);
      assert.equal(await storedCount([object]), 0);
    });

    it('names each partner below the strictest object', async () => {
      const green = indicator({ object_marking_refs: [tlp2MarkingIds.green] });
      const amber = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
      const query =
        `?orgs=${amberOrg},${hunters}` +
        `&accounts=${encodeURIComponent(pocDe.email)},${encodeURIComponent(analyst.email)}`;
      const res = await share([green, amber], query);
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(fieldsOf(res.json<ProblemReply>()), ['orgs.1', 'accounts.1']);
      assert.equal(await storedCount([green, amber]), 0);
    });

    it('shares with a partner cleared for every object', async () => {
      const object = indicator({ object_marking_refs: [tlp2MarkingIds.amber] });
      const res = await share([object], `?orgs=${amberOrg}`);
      assert.equal(res.statusCode, 201, res.body);
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${String(object.id)}`,
        token: amberAnalyst.token,
      });
      assert.equal(read.statusCode, 200);
    });

    it('accepts a partner after its clearance is raised', async () => {
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'red' })
        .where('id', '=', hunters)
        .execute();
      const object = indicator();
      const res = await share([object], `?tlp=red&accounts=${encodeURIComponent(analyst.email)}`);
      assert.equal(res.statusCode, 201, res.body);
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${String(object.id)}`,
        token: analyst.token,
      });
      assert.equal(read.statusCode, 200);
    });

    it('ignores objects kept for the sharer’s own audience', async () => {
      // Without a marking or a tlp option the object is AMBER for the sharer's state only.
      const object = indicator();
      const res = await share([object], `?orgs=${hunters}`);
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(await storedCount([object]), 1);
    });

    it('rejects an indicator naming a partner below its TLP', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/indicators',
        token: sharer.token,
        payload: {
          observable: { type: 'domain-name', value: 'grey-heron.example' },
          tlp: 'amber',
          orgs: [hunters],
        },
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(fieldsOf(res.json<ProblemReply>()), ['orgs.0']);
    });

    it('rejects a submission naming a partner below its TLP', async () => {
      const before = await t.ctx.db.selectFrom('moderation_items').select('id').execute();
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/moderation?tlp=amber&states=DE&orgs=${hunters}`,
        token: submitter.token,
        payload: bundleOf([indicator()]),
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(fieldsOf(res.json<ProblemReply>()), ['orgs.0']);
      const items = await t.ctx.db.selectFrom('moderation_items').select('id').execute();
      assert.equal(items.length, before.length);
    });

    it('rejects an approval after the clearance was lowered', async () => {
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'amber' })
        .where('id', '=', hunters)
        .execute();
      const object = indicator();
      const submitted = await t.request({
        method: 'POST',
        url: `/api/v1/moderation?tlp=amber&states=DE&orgs=${hunters}`,
        token: submitter.token,
        payload: bundleOf([object]),
      });
      assert.equal(submitted.statusCode, 202, submitted.body);
      const item = submitted.json<ModerationSummary>();
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'green' })
        .where('id', '=', hunters)
        .execute();

      const decided = await t.request({
        method: 'POST',
        url: `/api/v1/moderation/${item.id}/decision`,
        token: pocDe.token,
        payload: { decision: 'approve' },
      });
      assert.equal(decided.statusCode, 422, decided.body);
      assert.deepEqual(fieldsOf(decided.json<ProblemReply>()), ['orgs.0']);
      assert.equal(await storedCount([object]), 0);
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/moderation/${item.id}`,
        token: submitter.token,
      });
      assert.equal(read.json<ModerationSummary>().status, 'pending');
    });
  });
}
