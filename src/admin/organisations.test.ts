import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { countRejections } from './admin.test-helpers.ts';

interface OrganisationItem {
  id: string;
  name: string;
  clearance: string;
  sponsorState: string | null;
  createdAt: string;
}

for (const dialect of testDialects) {
  describe(`partner organisations on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let frEditor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      await t.createAccount('partner', { org: 'Blue Team Collective' });
    });
    after(() => t.close());

    async function findByName(name: string) {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/organisations',
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 200);
      const organisations = res.json<{ organisations: OrganisationItem[] }>().organisations;
      const organisation = organisations.find((item) => item.name === name);
      assert.ok(organisation !== undefined, `${name} is listed`);

      return organisation;
    }

    it('organisation list for secretariat only', async () => {
      const organisation = await findByName('Blue Team Collective');
      assert.equal(organisation.clearance, 'green');

      const res = await t.request({
        method: 'GET',
        url: '/api/v1/organisations',
        token: frEditor.token,
      });
      assert.equal(res.statusCode, 403);
      assert.equal(await countRejections(t, frEditor.id, 'organisation.list'), 1);
    });

    it('secretariat changes organisation clearance', async () => {
      const organisation = await findByName('Blue Team Collective');
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisation.id}`,
        token: secretariat.token,
        payload: { clearance: 'AMBER+STRICT' },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<OrganisationItem>().clearance, 'amber+strict');
      assert.equal((await findByName('Blue Team Collective')).clearance, 'amber+strict');

      const audit = await t.ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'organisation.update')
        .where('outcome', '=', 'allowed')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.account_id, secretariat.id);
    });

    it('invalid clearance changes rejected', async () => {
      const organisation = await findByName('Blue Team Collective');
      const byEditor = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisation.id}`,
        token: frEditor.token,
        payload: { clearance: 'red' },
      });
      assert.equal(byEditor.statusCode, 403);
      assert.equal(await countRejections(t, frEditor.id, 'organisation.update'), 1);

      const invalid = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisation.id}`,
        token: secretariat.token,
        payload: { clearance: 'purple' },
      });
      assert.equal(invalid.statusCode, 422);
      const fields = invalid.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      assert.deepEqual(fields, ['clearance']);

      const unknown = await t.request({
        method: 'PATCH',
        url: '/api/v1/organisations/no-such-organisation',
        token: secretariat.token,
        payload: { clearance: 'red' },
      });
      assert.equal(unknown.statusCode, 404);
      assert.notEqual((await findByName('Blue Team Collective')).clearance, 'red');
    });

    it('secretariat sets and clears the sponsor state', async () => {
      const organisation = await findByName('Blue Team Collective');
      const url = `/api/v1/organisations/${organisation.id}`;
      const patch = (payload: Record<string, unknown>) =>
        t.request({ method: 'PATCH', url, token: secretariat.token, payload });

      const set = await patch({ sponsorState: 'fr' });
      assert.equal(set.statusCode, 200);
      assert.equal(set.json<OrganisationItem>().sponsorState, 'FR');
      assert.equal((await findByName('Blue Team Collective')).sponsorState, 'FR');

      const unknown = await patch({ sponsorState: 'QQ' });
      assert.equal(unknown.statusCode, 422);
      assert.match(unknown.body, /"field":"sponsorState"/);
      const empty = await patch({});
      assert.equal(empty.statusCode, 422);
      assert.equal((await findByName('Blue Team Collective')).sponsorState, 'FR');

      const cleared = await patch({ sponsorState: null });
      assert.equal(cleared.json<OrganisationItem>().sponsorState, null);
    });

    it('invitation admits a partner with a sponsor', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/invitations',
        token: secretariat.token,
        payload: {
          email: 'analyst@northcert.example',
          role: 'partner',
          organisation: 'North CERT',
          clearance: 'amber',
          sponsorState: 'DE',
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal((await findByName('North CERT')).sponsorState, 'DE');
    });
  });
}
