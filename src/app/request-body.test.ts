import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { DEFAULT_BODY_LIMIT } from './body-limits.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const BUNDLE_LIMIT = 3 * 1024 * 1024;

for (const dialect of testDialects) {
  describe(`request bodies on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect, { bodyLimit: BUNDLE_LIMIT });
      editor = await t.createAccount('state-editor', { state: 'KE' });
    });
    after(() => t.close());

    let serial = 0;
    function pocJson(name: string) {
      serial += 1;
      return (
        '{"level":"technical","designation":"d","organisation":"o",' +
        `"email":"body-${serial}@example.org","name":${name}}`
      );
    }

    const post = (
      url: string,
      payload: string | Buffer,
      contentType = 'application/json',
      token: string | undefined = editor.token,
    ) =>
      t.request({ method: 'POST', url, token, headers: { 'content-type': contentType }, payload });

    async function countPocsNamed(name: string) {
      const rows = await t.ctx.db
        .selectFrom('pocs')
        .select('id')
        .where('name', '=', name)
        .execute();

      return rows.length;
    }

    it('rejects a repeated top-level key', async () => {
      const res = await post('/api/v1/pocs', pocJson('"Dup","name":"Dup2"'));
      assert.equal(res.statusCode, 400);
      const problem = res.json<Problem>();
      assert.equal(problem.code, 'invalid_request');
      assert.match(problem.detail, /repeats the key "name" in the top-level object/);
      assert.deepEqual(problem.errors?.[0]?.field, 'name');
      assert.equal(await countPocsNamed('Dup2'), 0);
    });

    it('names the path of a repeated nested key', async () => {
      const body = pocJson('"Nested Dup","hours":{"mon":["09:00-10:00"],"mon":[]}');
      const res = await post('/api/v1/pocs', body);
      assert.equal(res.statusCode, 400);
      const problem = res.json<Problem>();
      assert.match(problem.detail, /the key "mon" in the object at hours/);
      assert.equal(problem.errors?.[0]?.field, 'hours.mon');
    });

    it('sees a repeated key spelled with an escape', async () => {
      const res = await post('/api/v1/pocs', pocJson('"Esc Dup","na\\u006de":"Esc Dup 2"'));
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<Problem>().errors?.[0]?.field, 'name');
    });

    it('names a repeated key inside an array', async () => {
      const body = '{"type":"bundle","objects":[{"id":"a"},{"id":"b","id":"c"}]}';
      const res = await post('/api/v1/bundles', body);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<Problem>().errors?.[0]?.field, 'objects.1.id');
    });

    it('finds a repeat in a large object', async () => {
      const keys = Array.from({ length: 40 }, (_, i) => `"x_key_${i}":${i}`).join(',');
      const body = `{"type":"bundle","objects":[{${keys},"x_key_3":0}]}`;
      const res = await post('/api/v1/bundles', body);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<Problem>().errors?.[0]?.field, 'objects.0.x_key_3');
    });

    it('allows one key in sibling objects', async () => {
      const body = pocJson('"Sibling Keys","hours":{"mon":["09:00-10:00"],"tue":["09:00-10:00"]}');
      const res = await post('/api/v1/pocs', body);
      assert.equal(res.statusCode, 201);
    });

    it('ignores key-like text inside strings', async () => {
      const res = await post('/api/v1/pocs', pocJson('"Quote \\"name\\": x, \\"name\\": y"'));
      assert.equal(res.statusCode, 201);
    });

    it('rejects a __proto__ key anywhere', async () => {
      const body = '{"type":"bundle","objects":[{"id":"a","__proto__":{"x":1}}]}';
      const res = await post('/api/v1/bundles', body);
      assert.equal(res.statusCode, 422);
      const problem = res.json<Problem>();
      assert.equal(problem.errors?.[0]?.field, 'objects.0.__proto__');
      assert.match(problem.errors[0].message, /is not a known field/);
    });

    it('rejects a body that is not UTF-8', async () => {
      // Latin-1 writes é as the single byte 0xE9, which is not valid UTF-8.
      const body = Buffer.from(pocJson('"José B"'), 'latin1');
      const res = await post('/api/v1/pocs', body);
      assert.equal(res.statusCode, 400);
      const problem = res.json<Problem>();
      assert.equal(problem.code, 'invalid_request');
      assert.match(problem.detail, /not valid UTF-8/);
      assert.equal(await countPocsNamed('Jos\uFFFD B'), 0);
    });

    for (const charset of ['iso-8859-1', 'windows-1252', '"latin1"']) {
      it(`rejects JSON declared as charset=${charset}`, async () => {
        const res = await post(
          '/api/v1/pocs',
          pocJson('"Charset Test"'),
          `application/json; charset=${charset}`,
        );
        assert.equal(res.statusCode, 415);
        const problem = res.json<Problem>();
        assert.equal(problem.code, 'unsupported_media_type');
        assert.match(problem.detail, /must be UTF-8.*send charset=utf-8 or no charset/);
      });
    }

    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
      it(`accepts JSON declared as charset=${charset}`, async () => {
        const res = await post(
          '/api/v1/pocs',
          pocJson(`"Charset ${serial} José"`),
          `application/json; charset=${charset}`,
        );
        assert.equal(res.statusCode, 201);
        assert.match(res.json<{ name: string }>().name, /José$/);
      });
    }

    it('limits a PoC body to the default and says so', async () => {
      const name = JSON.stringify('x'.repeat(DEFAULT_BODY_LIMIT));
      const res = await post('/api/v1/pocs', pocJson(name));
      assert.equal(res.statusCode, 413);
      const problem = res.json<Problem>();
      assert.equal(problem.code, 'payload_too_large');
      assert.match(problem.detail, /larger than the 1,048,576 bytes this endpoint accepts/);
    });

    it('limits the sign-in form to 1 MiB', async () => {
      const form = `email=a%40b.example&password=${'x'.repeat(DEFAULT_BODY_LIMIT)}`;
      const res = await post('/signin', form, 'application/x-www-form-urlencoded', undefined);
      assert.equal(res.statusCode, 413);
      assert.match(res.body, /1,048,576 bytes/);
    });

    it('takes bundles up to the configured limit', async () => {
      const padding = 'x'.repeat(2 * 1024 * 1024);
      const body = JSON.stringify({ type: 'bundle', id: 'bundle--x', objects: [], padding });
      const res = await post('/api/v1/bundles', body);
      assert.notEqual(res.statusCode, 413);

      const tooLarge = JSON.stringify({
        type: 'bundle',
        objects: [],
        padding: 'x'.repeat(BUNDLE_LIMIT),
      });
      const rejected = await post('/api/v1/bundles', tooLarge);
      assert.equal(rejected.statusCode, 413);
      assert.match(rejected.json<Problem>().detail, /3,145,728 bytes/);
    });
  });
}
