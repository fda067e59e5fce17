import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { tlp2MarkingIds } from './tlp.ts';

function indicator(id: string, marking: string) {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2024-03-05T08:15:30.000Z',
    modified: '2024-03-05T08:15:30.000Z',
    pattern: "[ipv4-addr:value = '203.0.113.9']",
    pattern_type: 'stix',
    valid_from: '2024-03-05T08:15:30Z',
    object_marking_refs: [marking],
  };
}

for (const dialect of testDialects) {
  describe(`upload TLP against object markings on ${dialect}`, () => {
    let t: TestApp;
    let sharer: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      sharer = await t.createAccount('poc', { state: 'BR' });
    });
    after(() => t.close());

    async function share(object: object, tlp: string) {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/bundles?tlp=${tlp}`,
        token: sharer.token,
        payload: {
          type: 'bundle',
          id: 'bundle--3f2e1d0c-5b6a-4978-8695-a4b3c2d1e0f9',
          objects: [object],
        },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ warnings: { id: string; reason: string }[] }>();
    }

    it('holds a CLEAR-marked object at the stricter level the sharer asked for', async () => {
      const id = 'indicator--3312a936-3b2f-4a8e-9b8c-1d2e3f4a5b6c';
      const result = await share(indicator(id, tlp2MarkingIds.clear), 'red');
      assert.match(result.warnings[0]?.reason ?? '', /marked TLP:CLEAR but shared as TLP:RED/);
      const anonymous = await t.request({ method: 'GET', url: `/api/v1/objects/${id}` });
      assert.equal(anonymous.statusCode, 404);
      const own = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${id}`,
        token: sharer.token,
      });
      assert.deepEqual(own.json<{ object_marking_refs: string[] }>().object_marking_refs, [
        tlp2MarkingIds.red,
      ]);
    });

    it('keeps an object’s own stricter marking over a weaker upload level', async () => {
      const id = 'indicator--7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      const result = await share(indicator(id, tlp2MarkingIds.red), 'green');
      assert.ok(result.warnings.every((w) => !w.reason.includes('shared as')));
      const member = await t.createAccount('poc', { state: 'AR' });
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/objects/${id}`,
        token: member.token,
      });
      assert.equal(read.statusCode, 404);
    });
  });
}
