import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

for (const dialect of testDialects) {
  describe(`sign-in on ${dialect}`, () => {
    let t: TestApp;
    let editor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      editor = await t.createAccount('state-editor', { state: 'SN' });
    });
    after(() => t.close());

    async function attempt(email: string, password: string, ip = '192.0.2.10') {
      const form = await t.app.inject({ method: 'GET', url: '/signin', remoteAddress: ip });
      const csrf = form.cookies.find((c) => c.name === 'parley_signin_csrf')?.value ?? '';

      return t.app.inject({
        method: 'POST',
        url: '/signin',
        remoteAddress: ip,
        headers: { cookie: `parley_signin_csrf=${csrf}` },
        payload: { email, password, _csrf: csrf },
      });
    }

    it('signs in with the right password and sets a safe cookie', async () => {
      const res = await attempt(editor.email, editor.password, '192.0.2.1');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/app/');
      const session = res.cookies.find((c) => c.name === 'parley_session');
      assert.equal(session?.httpOnly, true);
      assert.equal(session.sameSite, 'Lax');
    });

    it('rejects a form without its CSRF cookie', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/signin',
        payload: { email: editor.email, password: editor.password, _csrf: 'guess' },
      });
      assert.equal(res.statusCode, 403);
    });

    it('answers a malformed form with 400, not 500', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/signin',
        headers: { 'content-type': 'application/json' },
        payload: { email: 5, password: ['x'] },
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /form was incomplete/);
    });

    it('never redirects to another site after sign-in', async () => {
      const form = await t.app.inject({ method: 'GET', url: '/signin?next=//evil.example/' });
      assert.match(form.body, /name="next" value="\/app\/"/);
    });

    it('rejects an Authorization header with extra text', async () => {
      const basic = Buffer.from(`${editor.email}:${editor.token}`).toString('base64');
      const malformed = [
        `Bearer ${editor.token} extra`,
        `Bearer ${editor.token},other`,
        'Bearer',
        `Basic ${basic} extra`,
      ];
      for (const authorization of malformed) {
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization },
        });
        assert.equal(res.statusCode, 401, authorization);
        assert.match(res.json<{ detail: string }>().detail, /nothing after the credentials/);
      }

      for (const authorization of [`Bearer ${editor.token}`, `bearer  ${editor.token} `]) {
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/v1/me',
          headers: { authorization },
        });
        assert.equal(res.statusCode, 200, authorization);
      }
      const viaBasic = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Basic ${basic}` },
      });
      assert.equal(viaBasic.statusCode, 200);
    });

    it('throttles repeated failures per account and address', async () => {
      for (let i = 0; i < 5; i++) {
        assert.equal((await attempt(editor.email, 'wrong-password-123')).statusCode, 401);
      }
      const blocked = await attempt(editor.email, editor.password);
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.headers['retry-after'], '900');
      assert.match(blocked.body, /Too many failed sign-ins/);

      const elsewhere = await attempt(editor.email, editor.password, '192.0.2.99');
      assert.equal(elsewhere.statusCode, 303);

      t.clock.advance(16 * 60 * 1000);
      assert.equal((await attempt(editor.email, editor.password)).statusCode, 303);
    });
  });
}
