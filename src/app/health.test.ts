import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';

for (const dialect of testDialects) {
  describe(`health probes on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect);
    });
    after(() => t.close());

    it('reports the process up', async () => {
      const res = await t.request({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok' });
    });

    it('reports the database reachable', async () => {
      const res = await t.request({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json<{ database: string }>().database, dialect);
    });

    it('answers unknown API paths with a problem document', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/nothing-here' });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      assert.equal(res.json<{ code: string }>().code, 'not_found');
    });

    it('rejects deeply nested JSON with a 400 naming the limit', async () => {
      const body = '['.repeat(10000) + '0' + ']'.repeat(10000);
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/me',
        headers: { 'content-type': 'application/json' },
        payload: body,
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<{ code: string }>().code, 'nesting_too_deep');
      assert.match(res.json<{ detail: string }>().detail, /64 levels/);
      const next = await t.request({ method: 'GET', url: '/healthz' });
      assert.equal(next.statusCode, 200);
    });

    it('answers a plain-text body with 415', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        headers: { 'content-type': 'text/plain' },
        payload: 'hello',
      });
      assert.equal(res.statusCode, 415);
      assert.equal(res.json<{ code: string }>().code, 'unsupported_media_type');
    });

    it('forbids framing and keeps only sane request ids', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'a"b'.repeat(3000) },
      });
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      const kept = await t.request({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'lb-1234.abc' },
      });
      assert.equal(kept.headers['x-request-id'], 'lb-1234.abc');
    });

    it('keeps every refused action in the audit trail', async () => {
      const editor = await t.createAccount('state-editor', { state: 'FR' });
      const res = await t.request({
        method: 'PUT',
        url: '/api/v1/states/DE/visibility',
        token: editor.token,
        payload: { name: 'public' },
      });
      assert.equal(res.statusCode, 403);
      const rows = await t.ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .where('account_id', '=', editor.id)
        .where('outcome', '=', 'denied')
        .execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.action, 'PUT /api/v1/states/:code/visibility');
      assert.equal(rows[0].target, '/api/v1/states/DE/visibility');
    });
  });
}
