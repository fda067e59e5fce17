import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { CommunityView } from './communities.schema.ts';

interface Problem {
  code: string;
  errors?: { field: string; message: string }[];
}

for (const dialect of testDialects) {
  describe(`sharing communities on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let frPoc: TestAccount;
    let dePoc: TestAccount;
    let partner: TestAccount;
    let partnerOrgId = '';

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      frPoc = await t.createAccount('poc', { state: 'FR' });
      dePoc = await t.createAccount('poc', { state: 'DE' });
      partner = await t.createAccount('partner', { org: 'Pacific CERT Forum' });
      const org = await t.ctx.db
        .selectFrom('organisations')
        .select('id')
        .where('name', '=', 'Pacific CERT Forum')
        .executeTakeFirstOrThrow();
      partnerOrgId = org.id;
    });
    after(() => t.close());

    function send(method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: object) {
      return t.request({ method, url, token, ...(payload === undefined ? {} : { payload }) });
    }

    async function create(name: string, states: string[], organisations: string[] = []) {
      const res = await send('POST', '/api/v1/communities', secretariat.token, {
        name,
        description: 'Regional exchange',
        states,
        organisations,
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<CommunityView>();
    }

    async function auditActions(target: string) {
      const rows = await t.ctx.db
        .selectFrom('audit_log')
        .select(['action', 'outcome', 'account_id'])
        .where('target', '=', target)
        .orderBy('seq')
        .execute();

      return rows.map((row) => `${row.action} ${row.outcome}`);
    }

    it('lets the secretariat create a community of states and partners, audited', async () => {
      const community = await create('CERTs of the Pacific', ['fr', 'JP'], ['Pacific CERT Forum']);

      assert.equal(community.name, 'CERTs of the Pacific');
      assert.deepEqual(community.states.sort(), ['FR', 'JP']);
      assert.deepEqual(community.organisations, [{ id: partnerOrgId, name: 'Pacific CERT Forum' }]);
      assert.equal(community.taxiiCollection, `/taxii2/members/collections/${community.id}/`);
      assert.deepEqual(await auditActions(`community:${community.id}`), [
        'community.create allowed',
      ]);
    });

    it('refuses creation by anyone but the secretariat and audits the refusal', async () => {
      const res = await send('POST', '/api/v1/communities', frPoc.token, { name: 'Mine' });

      assert.equal(res.statusCode, 403);
      const denied = await t.ctx.db
        .selectFrom('audit_log')
        .select('details')
        .where('account_id', '=', frPoc.id)
        .where('outcome', '=', 'denied')
        .execute();
      assert.equal(denied.length, 1);
      assert.equal(await countCommunities('Mine'), 0);
    });

    async function countCommunities(name: string) {
      const rows = await t.ctx.db
        .selectFrom('communities')
        .select('id')
        .where('name', '=', name)
        .execute();

      return rows.length;
    }

    it('names each unknown state, organisation and bad field, storing nothing', async () => {
      const res = await send('POST', '/api/v1/communities', secretariat.token, {
        name: 'Broken',
        states: ['FR', 'XX'],
        organisations: ['No Such Org'],
      });

      assert.equal(res.statusCode, 422);
      const fields = (res.json<Problem>().errors ?? []).map((e) => e.field);
      assert.deepEqual(fields, ['states.1', 'organisations.0']);
      assert.equal(await countCommunities('Broken'), 0);

      const bad = await send('POST', '/api/v1/communities', secretariat.token, {
        name: '',
        states: ['France'],
        colour: 'blue',
      });
      assert.equal(bad.statusCode, 422);
      const badFields = (bad.json<Problem>().errors ?? []).map((e) => e.field).sort();
      assert.deepEqual(badFields, ['colour', 'name', 'states.0']);
    });

    it('refuses a second community with the same name in any case', async () => {
      await create('Sahel Exchange', ['ML']);
      const res = await send('POST', '/api/v1/communities', secretariat.token, {
        name: 'SAHEL exchange',
      });

      assert.equal(res.statusCode, 409);
      assert.equal(res.json<Problem>().errors?.[0]?.field, 'name');
    });

    it('shows a community to its members and the secretariat only', async () => {
      const community = await create('Baltic Watch', ['DE']);
      const url = `/api/v1/communities/${community.id}`;

      assert.equal((await send('GET', url, dePoc.token)).statusCode, 200);
      assert.equal((await send('GET', url, secretariat.token)).statusCode, 200);
      const other = await send('GET', url, frPoc.token);
      assert.equal(other.statusCode, 404);
      const unknown = await send('GET', `/api/v1/communities/${crypto.randomUUID()}`, dePoc.token);
      const withoutRequestId = (body: string) => {
        const problem = JSON.parse(body) as Record<string, unknown>;
        delete problem.requestId;
        return problem;
      };
      assert.deepEqual(withoutRequestId(other.body), withoutRequestId(unknown.body));

      const listed = async (token: string) =>
        (await send('GET', '/api/v1/communities', token))
          .json<{ communities: CommunityView[] }>()
          .communities.map((c) => c.name);
      assert.ok((await listed(dePoc.token)).includes('Baltic Watch'));
      assert.ok(!(await listed(frPoc.token)).includes('Baltic Watch'));
      assert.ok((await listed(partner.token)).includes('CERTs of the Pacific'));
      assert.ok(!(await listed(partner.token)).includes('Baltic Watch'));
      assert.ok((await listed(secretariat.token)).includes('Baltic Watch'));
    });

    it('replaces membership, so a removed member stops seeing it', async () => {
      const community = await create('North Sea', ['DE']);
      const url = `/api/v1/communities/${community.id}`;
      const res = await send('PATCH', url, secretariat.token, {
        states: ['FR'],
        organisations: [partnerOrgId],
      });

      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json<CommunityView>().states, ['FR']);
      assert.equal((await send('GET', url, dePoc.token)).statusCode, 404);
      assert.equal((await send('GET', url, frPoc.token)).statusCode, 200);
      assert.equal((await send('GET', url, partner.token)).statusCode, 200);
      assert.deepEqual(await auditActions(`community:${community.id}`), [
        'community.create allowed',
        'community.update allowed',
      ]);

      const refused = await send('PATCH', url, frPoc.token, { states: ['FR', 'DE'] });
      assert.equal(refused.statusCode, 403);
      const empty = await send('PATCH', url, secretariat.token, {});
      assert.equal(empty.statusCode, 422);
    });

    it('archives a community: gone for members, listed for the secretariat on request', async () => {
      const community = await create('Old Group', ['FR']);
      const url = `/api/v1/communities/${community.id}`;
      const res = await send('POST', `${url}/archive`, secretariat.token);

      assert.equal(res.statusCode, 200, res.body);
      assert.notEqual(res.json<CommunityView>().archivedAt, null);
      assert.equal((await send('GET', url, frPoc.token)).statusCode, 404);
      assert.equal((await send('POST', `${url}/archive`, secretariat.token)).statusCode, 409);
      assert.equal((await send('PATCH', url, secretariat.token, { name: 'New' })).statusCode, 409);
      const names = async (query: string) =>
        (await send('GET', `/api/v1/communities${query}`, secretariat.token))
          .json<{ communities: CommunityView[] }>()
          .communities.map((c) => c.name);
      assert.ok(!(await names('')).includes('Old Group'));
      assert.ok((await names('?archived=true')).includes('Old Group'));
      assert.deepEqual(await auditActions(`community:${community.id}`), [
        'community.create allowed',
        'community.archive allowed',
      ]);
    });
  });
}
