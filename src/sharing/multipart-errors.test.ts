import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

for (const dialect of testDialects) {
  describe(`malformed bundle forms on ${dialect}`, () => {
    let t: TestApp;
    let member: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      member = await t.createAccount('poc', { state: 'CH' });
    });
    after(() => t.close());

    const bodies: [string, string, string][] = [
      [
        'a part cut short',
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="bundle"; filename="a.json"\r\n\r\n{"a":1',
      ],
      ['no boundary', 'multipart/form-data', 'x'],
    ];
    for (const [name, contentType, payload] of bodies) {
      it(`answers ${name} with 400`, async () => {
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/bundles',
          token: member.token,
          headers: { 'content-type': contentType },
          payload,
        });
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.json<{ code: string }>().code, 'invalid_request');
        assert.equal((await t.request({ method: 'GET', url: '/healthz' })).statusCode, 200);
      });
    }
  });
}
