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

    async function attempt(email: string, password: string, ip = '192.0.2.10', next?: string) {
      const form = await t.app.inject({ method: 'GET', url: '/signin', remoteAddress: ip });
      const csrf = form.cookies.find((c) => c.name === 'parley_signin_csrf')?.value ?? '';

      return t.app.inject({
        method: 'POST',
        url: '/signin',
        remoteAddress: ip,
        headers: { cookie: `parley_signin_csrf=${csrf}` },
        payload: { email, password, _csrf: csrf, ...(next === undefined ? {} : { next }) },
      });
    }

    // Targets a browser would follow to another host, once it drops tabs and line breaks, reads
    // a backslash as a slash and resolves dot segments.
    const foreignTargets = [
      '//evil.example/',
      '/\\evil.example',
      '/\t/evil.example/phish',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/ /evil.example',
      '/\u00a0/evil.example',
      '/\u0000/evil.example',
      '/\u0085/evil.example',
      '/app/\\..\\/evil.example',
      '/a/../..//evil.example',
      '/.//evil.example',
      '/%2e%2e//evil.example',
      '\t//evil.example',
      ' /app/',
      'https://evil.example/',
      'javascript:alert(1)',
      'app/',
      '',
    ];

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

    it('keeps a foreign next out of the form', async () => {
      for (const next of foreignTargets) {
        const label = JSON.stringify(next);
        const form = await t.app.inject({
          method: 'GET',
          url: `/signin?next=${encodeURIComponent(next)}`,
        });
        assert.equal(form.statusCode, 200, label);
        assert.match(form.body, /name="next" value="\/app\/"/, label);
        assert.doesNotMatch(form.body, /evil\.example/, label);
      }
    });

    it('signs in to /app/ for a foreign next', async () => {
      for (const [i, next] of foreignTargets.entries()) {
        const label = JSON.stringify(next);
        const res = await attempt(editor.email, editor.password, `198.51.100.${i + 1}`, next);
        assert.equal(res.statusCode, 303, label);
        assert.equal(res.headers.location, '/app/', label);
      }
    });

    it('signs in to a next path on this server', async () => {
      const cases = [
        { next: '/app/inbox?tab=open#latest', location: '/app/inbox?tab=open#latest' },
        { next: '/directory/health', location: '/directory/health' },
        { next: '/app/x/../inbox', location: '/app/inbox' },
        // Percent-encoded, so the Location header carries ASCII only.
        { next: '/app/ré?q=ü', location: '/app/r%C3%A9?q=%C3%BC' },
        { next: '/app/%09x', location: '/app/%09x' },
      ];
      for (const { next, location } of cases) {
        const form = await t.app.inject({
          method: 'GET',
          url: `/signin?next=${encodeURIComponent(next)}`,
        });
        assert.ok(form.body.includes(`name="next" value="${location}"`), next);

        const res = await attempt(editor.email, editor.password, '198.51.100.200', next);
        assert.equal(res.statusCode, 303, next);
        assert.equal(res.headers.location, location, next);
      }
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
