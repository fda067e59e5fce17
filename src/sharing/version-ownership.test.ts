import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

const ID = 'threat-actor--6dd83cee-b581-4068-9e28-d5776a9a1160';

function actor(modified: string, name: string) {
  return {
    type: 'threat-actor',
    spec_version: '2.1',
    id: ID,
    created: '2024-04-01T00:00:00.000Z',
    modified,
    name,
  };
}

function bundle(...objects: object[]) {
  return { type: 'bundle', id: 'bundle--8206e21c-fcc5-4d76-847b-7c42faac3457', objects };
}

for (const dialect of testDialects) {
  describe(`object versions by other sharers on ${dialect}`, () => {
    let t: TestApp;
    let swiss: TestAccount;
    let swissColleague: TestAccount;
    let kenyan: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      swiss = await t.createAccount('poc', { state: 'CH' });
      swissColleague = await t.createAccount('state-editor', { state: 'CH' });
      kenyan = await t.createAccount('poc', { state: 'KE' });
      const first = await share(
        swiss,
        bundle(actor('2024-04-01T00:00:00.000Z', 'Grey Heron')),
        'red',
      );
      assert.equal(first.statusCode, 201);
    });
    after(() => t.close());

    function share(account: TestAccount, body: object, tlp: string) {
      return t.request({
        method: 'POST',
        url: `/api/v1/bundles?tlp=${encodeURIComponent(tlp)}`,
        token: account.token,
        payload: body,
      });
    }

    async function readName(token?: string) {
      const res = await t.request({ method: 'GET', url: `/api/v1/objects/${ID}`, token });
      return res.statusCode === 200 ? res.json<{ name: string }>().name : res.statusCode;
    }

    it('rejects a newer version from another state and stores nothing', async () => {
      const res = await share(
        kenyan,
        bundle(actor('2024-06-01T00:00:00.000Z', 'Renamed')),
        'clear',
      );
      assert.ok([201, 422].includes(res.statusCode));
      assert.match(res.body, /only its creator adds versions/);
      assert.equal(await readName(), 404);
      assert.equal(await readName(kenyan.token), 404);
      assert.equal(await readName(swiss.token), 'Grey Heron');
      const rows = await t.ctx.db
        .selectFrom('stix_objects')
        .select('tlp')
        .where('object_id', '=', ID)
        .execute();
      assert.deepEqual(
        rows.map((r) => r.tlp),
        ['red'],
      );
    });

    it('lets the creator’s state add a version', async () => {
      const res = await share(
        swissColleague,
        bundle(actor('2024-07-01T00:00:00.000Z', 'Grey Heron II')),
        'red',
      );
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<{ stored: number }>().stored, 1);
      assert.equal(await readName(swissColleague.token), 'Grey Heron II');
    });

    it('accepts an identical copy from another state without changing it', async () => {
      const publicObject = {
        type: 'identity',
        spec_version: '2.1',
        id: 'identity--1621d4d4-b67d-41e3-9670-f01faf20d111',
        created: '2024-01-01T00:00:00.000Z',
        modified: '2024-01-01T00:00:00.000Z',
        name: 'Shared Vendor',
      };
      assert.equal((await share(swiss, bundle(publicObject), 'green')).statusCode, 201);
      const copy = await share(kenyan, bundle(publicObject), 'clear');
      assert.equal(copy.statusCode, 201);
      const anonymous = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${publicObject.id}`,
      });
      assert.equal(anonymous.statusCode, 404);
    });
  });
}
