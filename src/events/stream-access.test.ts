import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { createToken } from '../accounts/accounts.service.ts';
import { runCli } from '../cli/cli.ts';

for (const dialect of testDialects) {
  describe(`live stream credentials on ${dialect}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    const newPoc = async (state: string) => {
      const poc = await t.createAccount('poc', { state });
      await insertPoc(t.ctx, { state, email: poc.email });

      return poc;
    };
    const sendAlert = async (title: string, state: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: secretariat.token,
        payload: { title, severity: 2, tlp: 'green', body: 'x', states: [state] },
      });
      assert.equal(res.statusCode, 201);
    };
    const signIn = async (account: TestAccount) => {
      const form = await t.app.inject({ method: 'GET', url: '/signin' });
      const csrf = form.cookies.find((c) => c.name === 'parley_signin_csrf')?.value ?? '';
      const res = await t.app.inject({
        method: 'POST',
        url: '/signin',
        headers: { cookie: `parley_signin_csrf=${csrf}` },
        payload: { email: account.email, password: account.password, _csrf: csrf },
      });
      assert.equal(res.statusCode, 303);
      const session = res.cookies.find((c) => c.name === 'parley_session')?.value ?? '';
      assert.notEqual(session, '');

      return session;
    };

    it('closes the stream of a suspended account', async () => {
      const poc = await newPoc('CH');
      const stream = await openStream(baseUrl, poc.token);
      assert.equal(stream.res.status, 200);
      await sendAlert('Before suspension', 'CH');
      await stream.waitFor(1);

      const res = await t.request({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/suspend`,
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 200);
      assert.equal(await stream.waitForEnd(), true);
      await sendAlert('Title visible to suspended account', 'CH');
      await sleep(200);
      const titles = stream.frames.map(
        (f) => (JSON.parse(f.data ?? '{}') as { title: string }).title,
      );
      assert.deepEqual(titles, ['Before suspension']);

      const again = await openStream(baseUrl, poc.token);
      assert.equal(again.res.status, 401);
    });

    it('closes only the stream of a revoked API key', async () => {
      const poc = await newPoc('KE');
      const second = await createToken(t.ctx, poc.email, 'second');
      const revoked = await openStream(baseUrl, second.token);
      const unaffected = await openStream(baseUrl, poc.token);
      assert.equal(revoked.res.status, 200);
      assert.equal(unaffected.res.status, 200);

      const res = await t.request({
        method: 'DELETE',
        url: `/api/v1/users/${poc.id}/api-keys/${second.id}`,
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 204);
      assert.equal(await revoked.waitForEnd(), true);
      await sendAlert('After revocation', 'KE');
      await unaffected.waitFor(1);
      assert.equal(unaffected.frames[0]?.event, 'alert');
      assert.equal(revoked.frames.length, 0);
      unaffected.close();
    });

    it('closes a stream whose token the CLI revoked', async () => {
      const poc = await newPoc('GH');
      const stream = await openStream(baseUrl, poc.token);
      assert.equal(stream.res.status, 200);
      const output: string[] = [];
      const io = {
        stdout: (text: string) => output.push(text),
        stderr: (text: string) => output.push(text),
        readStdin: () => Promise.resolve(''),
      };
      const deps = () => Promise.resolve({ ...t.ctx, close: () => Promise.resolve() });
      const code = await runCli(['token', 'revoke', '--token', poc.token], deps, io);
      assert.equal(code, 0, output.join(''));

      // On SQLite the server is told with its next event, and closes the stream before sending it.
      await sendAlert('After CLI revocation', 'GH');
      assert.equal(await stream.waitForEnd(), true);
      assert.equal(stream.frames.length, 0);
    });

    it('closes a session stream on sign-out', async () => {
      const poc = await newPoc('SN');
      const session = await signIn(poc);
      const cookie = `parley_session=${session}`;
      const stream = await openStream(baseUrl, null, { cookie });
      assert.equal(stream.res.status, 200);
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      const csrfToken = me.json<{ csrfToken: string }>().csrfToken;

      const res = await t.app.inject({
        method: 'POST',
        url: '/signout',
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(res.statusCode, 303);
      assert.equal(await stream.waitForEnd(), true);
    });

    it('closes a session stream when the session expires', async () => {
      const poc = await newPoc('PE');
      const session = await signIn(poc);
      const soon = new Date(t.clock.now().getTime() + 300).toISOString();
      await t.ctx.db
        .updateTable('sessions')
        .set({ expires_at: soon })
        .where('account_id', '=', poc.id)
        .execute();
      const stream = await openStream(baseUrl, null, { cookie: `parley_session=${session}` });
      assert.equal(stream.res.status, 200);

      assert.equal(await stream.waitForEnd(), true);
    });
  });
}
