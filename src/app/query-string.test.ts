import assert from 'node:assert/strict';
import { parse } from 'node:querystring';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { parseQueryString } from './query-string.ts';

describe('query-string parser', () => {
  it('parses like the default parser', () => {
    const cases = [
      'a=1&a=2&b',
      'q=hello+world%21',
      'match[type]=indicator&match[type]=malware&match[id]=x,y',
      'match%5Bversion%5D=all',
      '=x&&y=',
      'q=caf%C3%A9',
    ];
    for (const query of cases) {
      assert.deepEqual({ ...parseQueryString(query) }, { ...parse(query) }, query);
    }
    assert.deepEqual(parseQueryString(''), {});
  });

  it('marks broken encoding as an empty query', () => {
    for (const query of ['q=%ZZ', 'q=100%', 'q=%E2%82', 'ok=1&q=%', '%ZZ=1']) {
      assert.deepEqual(Object.keys(parseQueryString(query)), [], query);
    }
  });
});

for (const dialect of testDialects) {
  describe(`query-string encoding on ${dialect}`, () => {
    let t: TestApp;

    before(async () => {
      t = await startTestApp(dialect);
    });
    after(() => t.close());

    it('rejects a broken API query with 400', async () => {
      for (const url of ['/api/v1/directory?q=%ZZ', '/api/v1/directory?state=CH&q=50%']) {
        const res = await t.request({ method: 'GET', url });
        assert.equal(res.statusCode, 400, url);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        const problem = res.json<{ code: string; detail: string; errors: { field: string }[] }>();
        assert.equal(problem.code, 'invalid_request');
        assert.equal(problem.errors[0]?.field, 'q');
        assert.match(problem.detail, /^q: query parameter is not valid percent-encoded UTF-8/);
        assert.match(problem.detail, /encode "%" as %25/);
      }
    });

    it('names an undecodable parameter name', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/directory?%ZZ=1' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<{ errors: { field: string }[] }>().errors[0]?.field, '%ZZ');
    });

    it('rejects a broken page query with an HTML 400', async () => {
      const res = await t.request({ method: 'GET', url: '/?q=%ZZ' });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /encode &quot;%&quot; as %25|encode "%" as %25/);
    });

    it('rejects a broken TAXII query with the TAXII error', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/taxii2/?match[type]=%ZZ',
        headers: { accept: 'application/taxii+json;version=2.1' },
      });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /^application\/taxii\+json/);
      const error = res.json<{ title: string; description: string; http_status: string }>();
      assert.equal(error.http_status, '400');
      assert.match(error.description, /^match\[type\]: query parameter is not valid/);
    });

    it('accepts valid encoding and plus signs', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/directory?q=caf%C3%A9+x' });
      assert.equal(res.statusCode, 200, res.body);
    });
  });
}
