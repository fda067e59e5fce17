import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { indicator } from '../taxii/taxii.test-helpers.ts';

for (const dialect of testDialects) {
  describe(`organisations named in any case on ${dialect}`, () => {
    let t: TestApp;
    let sharer: TestAccount;
    let editor: TestAccount;
    let secretariat: TestAccount;
    let analyst: TestAccount;
    let hunters = '';

    before(async () => {
      t = await startTestApp(dialect);
      sharer = await t.createAccount('poc', { state: 'CH' });
      editor = await t.createAccount('state-editor', { state: 'CH' });
      secretariat = await t.createAccount('secretariat');
      analyst = await t.createAccount('partner', { org: 'Example Hunters' });
      const row = await t.ctx.db
        .selectFrom('organisations')
        .select('id')
        .where('name', '=', 'Example Hunters')
        .executeTakeFirstOrThrow();
      hunters = row.id;
      await t.ctx.db
        .updateTable('organisations')
        .set({ sponsor_state: 'CH', clearance: 'amber' })
        .where('id', '=', hunters)
        .execute();
    });
    after(() => t.close());

    async function analystReads(id: unknown): Promise<boolean> {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${String(id)}`,
        token: analyst.token,
      });

      return res.statusCode === 200;
    }

    for (const [label, value] of [
      ['an upper-case id', () => hunters.toUpperCase()],
      ['a name in other case and spacing', () => '  example   HUNTERS '],
    ] as const) {
      it(`bundle orgs takes ${label}`, async () => {
        const object = indicator();
        const orgs = encodeURIComponent(value());
        const res = await t.request({
          method: 'POST',
          url: `/api/v1/bundles?tlp=amber&orgs=${orgs}`,
          token: sharer.token,
          payload: { type: 'bundle', objects: [object] },
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.equal(await analystReads(object.id), true);
      });
    }

    it('bundle orgs still rejects an unknown name', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/bundles?tlp=amber&orgs=Example%20Hunter',
        token: sharer.token,
        payload: { type: 'bundle', objects: [indicator()] },
      });
      assert.equal(res.statusCode, 422, res.body);
      const errors = res.json<{ errors: { field: string }[] }>().errors;
      assert.deepEqual(
        errors.map((error) => error.field),
        ['orgs'],
      );
    });

    it('indicator orgs takes an upper-case id', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/indicators',
        token: sharer.token,
        payload: {
          observable: { type: 'ipv4-addr', value: '198.51.100.77' },
          tlp: 'amber',
          orgs: [hunters.toUpperCase()],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const id = res.json<{ id: string }>().id;
      assert.equal(await analystReads(id), true);
    });

    it('community organisations stores the canonical id', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/communities',
        token: secretariat.token,
        payload: {
          name: 'Hunters circle',
          organisations: [hunters.toUpperCase(), 'EXAMPLE hunters'],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const organisations = res.json<{ organisations: { id: string }[] }>().organisations;
      assert.deepEqual(
        organisations.map((organisation) => organisation.id),
        [hunters],
      );
    });

    it('alert organisations takes an upper-case id', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: editor.token,
        payload: {
          title: 'Scanner wave',
          severity: 2,
          tlp: 'green',
          body: 'Scanner wave body',
          organisations: [hunters.toUpperCase()],
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const alertId = res.json<{ id: string }>().id;
      const recipients = await t.ctx.db
        .selectFrom('alert_recipients')
        .select(['email', 'organisation_id'])
        .where('alert_id', '=', alertId)
        .where('organisation_id', 'is not', null)
        .execute();
      assert.deepEqual(recipients, [{ email: analyst.email, organisation_id: hunters }]);
    });

    it('check partners takes an upper-case id', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/checks',
        token: editor.token,
        payload: { title: 'Partner check', partners: [hunters.toUpperCase()], windowMinutes: 60 },
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json<{ recipients: number }>().recipients, 1);
      const check = await t.ctx.db
        .selectFrom('checks')
        .select('partner_org_ids')
        .where('id', '=', res.json<{ id: string }>().id)
        .executeTakeFirstOrThrow();
      assert.equal(check.partner_org_ids, JSON.stringify([hunters]));
    });
  });
}
