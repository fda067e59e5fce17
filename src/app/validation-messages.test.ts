import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface ProblemBody {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

for (const dialect of testDialects) {
  describe(`validation messages on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'CH' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    it('writes length limits in words', async () => {
      const res = await t.request({ method: 'GET', url: `/api/v1/directory?q=${'x'.repeat(201)}` });
      assert.equal(res.statusCode, 422);
      const [error] = res.json<ProblemBody>().errors ?? [];
      assert.equal(error?.field, 'q');
      assert.equal(error.message, 'must have at most 200 characters');
    });

    it('lists the allowed values of an enum', async () => {
      const res = await t.request({
        method: 'PUT',
        url: '/api/v1/states/CH/visibility',
        token: editor.token,
        payload: { phone: 'everyone' },
      });
      assert.equal(res.statusCode, 422, res.body);
      const error = res.json<ProblemBody>().errors?.find((e) => e.field === 'phone');
      assert.equal(error?.message, 'must be one of public, members');
    });

    it('states a repeated message once', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: secretariat.token,
        headers: { 'content-type': 'application/json' },
        payload: '{"title":"x","severity":3,"tlp":"green","body":"b","responseMinutes":1e308}',
      });
      assert.equal(res.statusCode, 422);
      const problem = res.json<ProblemBody>();
      assert.equal(problem.errors?.filter((e) => e.field === 'responseMinutes').length, 1);
      assert.equal(problem.detail.match(/whole number of minutes/g)?.length, 1);
    });

    it('names the accepted media types in a 415', async () => {
      const pocs = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        token: editor.token,
        headers: { 'content-type': 'text/plain' },
        payload: 'hello',
      });
      assert.equal(pocs.statusCode, 415);
      assert.match(pocs.json<ProblemBody>().detail, /"text\/plain" is not accepted/);
      assert.match(pocs.json<ProblemBody>().detail, /send the body as application\/json$/);

      const bundles = await t.request({
        method: 'POST',
        url: '/api/v1/bundles',
        token: editor.token,
        headers: { 'content-type': 'text/plain' },
        payload: 'hello',
      });
      assert.equal(bundles.statusCode, 415);
      assert.match(
        bundles.json<ProblemBody>().detail,
        /send the body as application\/json or multipart\/form-data$/,
      );
    });
  });
}
