import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import {
  countRejections,
  readMailedToken,
  runAdminMailJobs,
  sessionCookieOf,
  signInWithForm,
  submitPasswordForm,
} from './admin.test-helpers.ts';
import { PASSWORD_RESET_TTL_MS } from './users.service.ts';

interface UserItem {
  id: string;
  email: string;
  role: string;
  state: string | null;
  organisation: { id: string; name: string } | null;
  suspended: boolean;
  createdAt: string;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
}

for (const dialect of testDialects) {
  describe(`user administration on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let frEditor: TestAccount;
    let dePoc: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      dePoc = await t.createAccount('poc', { state: 'DE' });
    });
    after(() => t.close());

    function me(token: string) {
      return t.request({ method: 'GET', url: '/api/v1/me', token });
    }

    function act(token: string, method: 'POST' | 'DELETE' | 'GET', url: string) {
      return t.request({ method, url, token });
    }

    it('user list scoped by role', async () => {
      const partner = await t.createAccount('partner', { org: 'Listed Labs' });
      const all = await act(secretariat.token, 'GET', '/api/v1/users');
      assert.equal(all.statusCode, 200);
      const users = all.json<{ users: UserItem[] }>().users;
      const ids = users.map((user) => user.id);
      for (const account of [secretariat, frEditor, dePoc, partner]) {
        assert.ok(ids.includes(account.id), `${account.email} is listed`);
      }
      const listedPartner = users.find((user) => user.id === partner.id);
      assert.equal(listedPartner?.organisation?.name, 'Listed Labs');
      assert.equal(listedPartner.suspended, false);
      assert.deepEqual(Object.keys(listedPartner).sort(), [
        'createdAt',
        'email',
        'id',
        'organisation',
        'role',
        'state',
        'suspended',
      ]);

      const own = await act(frEditor.token, 'GET', '/api/v1/users');
      assert.equal(own.statusCode, 200);
      const states = own.json<{ users: UserItem[] }>().users.map((user) => user.state);
      assert.ok(states.length > 0);
      assert.deepEqual([...new Set(states)], ['FR']);

      const byPoc = await act(dePoc.token, 'GET', '/api/v1/users');
      assert.equal(byPoc.statusCode, 403);
      assert.equal(await countRejections(t, dePoc.id, 'user.list'), 1);
    });

    it('suspended account cannot authenticate', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const signedIn = await signInWithForm(t, poc.email, poc.password);
      assert.equal(signedIn.statusCode, 303);
      const session = sessionCookieOf(signedIn);
      assert.equal((await me(poc.token)).statusCode, 200);

      const suspended = await act(frEditor.token, 'POST', `/api/v1/users/${poc.id}/suspend`);
      assert.equal(suspended.statusCode, 200, suspended.body);
      assert.equal(suspended.json<UserItem>().suspended, true);

      assert.equal((await me(poc.token)).statusCode, 401);
      const bySession = await t.request({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { parley_session: session },
      });
      assert.equal(bySession.statusCode, 401);
      const signIn = await signInWithForm(t, poc.email, poc.password);
      assert.equal(signIn.statusCode, 401);
      assert.equal(
        signIn.cookies.find((c) => c.name === 'parley_session'),
        undefined,
      );

      const reinstated = await act(frEditor.token, 'POST', `/api/v1/users/${poc.id}/reinstate`);
      assert.equal(reinstated.statusCode, 200);
      assert.equal(reinstated.json<UserItem>().suspended, false);
      assert.equal((await me(poc.token)).statusCode, 200, 'the token works again');
    });

    it('deleted account keeps tokens revoked', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const res = await act(frEditor.token, 'DELETE', `/api/v1/users/${poc.id}`);
      assert.equal(res.statusCode, 204);

      const row = await t.ctx.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', poc.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(row.suspended_at, null);
      const tokens = await t.ctx.db
        .selectFrom('api_tokens')
        .select('revoked_at')
        .where('account_id', '=', poc.id)
        .execute();
      assert.ok(tokens.length > 0);
      assert.ok(tokens.every((token) => token.revoked_at !== null));

      await act(secretariat.token, 'POST', `/api/v1/users/${poc.id}/reinstate`);
      assert.equal((await me(poc.token)).statusCode, 401, 'revoked tokens stay revoked');
    });

    it('secretariat account protected from same-state editor', async () => {
      const protectedAccount = await t.createAccount('secretariat');
      await t.ctx.db
        .updateTable('accounts')
        .set({ state_code: 'FR' })
        .where('id', '=', protectedAccount.id)
        .execute();
      const before = await t.ctx.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', protectedAccount.id)
        .executeTakeFirstOrThrow();
      const [key] = await t.ctx.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('account_id', '=', protectedAccount.id)
        .execute();
      assert.ok(key !== undefined);

      const base = `/api/v1/users/${protectedAccount.id}`;
      const attempts: [string, 'POST' | 'DELETE', string][] = [
        ['user.delete', 'DELETE', base],
        ['user.password-reset', 'POST', `${base}/password-reset`],
        ['user.api-keys.revoke', 'DELETE', `${base}/api-keys/${key.id}`],
      ];
      for (const [action, method, url] of attempts) {
        const res = await act(frEditor.token, method, url);
        assert.equal(res.statusCode, 403, `${method} ${url}`);
        assert.equal(res.json<Problem>().code, 'forbidden');
        assert.equal(await countRejections(t, frEditor.id, action), 1, action);
      }

      const after = await t.ctx.db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', protectedAccount.id)
        .executeTakeFirstOrThrow();
      assert.equal(after.suspended_at, null);
      assert.equal(after.password_hash, before.password_hash);
      const keyAfter = await t.ctx.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      assert.equal(keyAfter.revoked_at, null);
      const resets = await t.ctx.db
        .selectFrom('password_resets')
        .select('id')
        .where('account_id', '=', protectedAccount.id)
        .execute();
      assert.equal(resets.length, 0);
      assert.equal((await me(protectedAccount.token)).statusCode, 200);
    });

    it('other state account returns unknown 404', async () => {
      const unknown = await act(frEditor.token, 'POST', '/api/v1/users/no-such-id/suspend');
      assert.equal(unknown.statusCode, 404);
      const expected = unknown.json<Problem>();

      const partner = await t.createAccount('partner', { org: 'Hidden Partner' });
      const targets = [dePoc.id, partner.id];
      for (const id of targets) {
        const urls: ['POST' | 'DELETE' | 'GET', string][] = [
          ['POST', `/api/v1/users/${id}/suspend`],
          ['POST', `/api/v1/users/${id}/reinstate`],
          ['DELETE', `/api/v1/users/${id}`],
          ['POST', `/api/v1/users/${id}/password-reset`],
          ['GET', `/api/v1/users/${id}/api-keys`],
          ['DELETE', `/api/v1/users/${id}/api-keys/any-key`],
        ];
        for (const [method, url] of urls) {
          const res = await act(frEditor.token, method, url);
          assert.equal(res.statusCode, 404, `${method} ${url}`);
          const problem = res.json<Problem>();
          assert.equal(problem.code, expected.code);
          assert.equal(problem.detail, expected.detail);
          assert.equal(problem.title, expected.title);
        }
      }
      assert.equal((await me(dePoc.token)).statusCode, 200, 'the other state account still works');
      assert.ok((await countRejections(t, frEditor.id, 'user.suspend')) >= 3);
    });

    it('own account cannot be suspended', async () => {
      const res = await act(secretariat.token, 'POST', `/api/v1/users/${secretariat.id}/suspend`);
      assert.equal(res.statusCode, 403);
      const del = await act(frEditor.token, 'DELETE', `/api/v1/users/${frEditor.id}`);
      assert.equal(del.statusCode, 403);
      assert.equal((await me(frEditor.token)).statusCode, 200);
    });

    it('password reset through mailed link', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const oldSession = sessionCookieOf(await signInWithForm(t, poc.email, poc.password));

      const res = await act(secretariat.token, 'POST', `/api/v1/users/${poc.id}/password-reset`);
      assert.equal(res.statusCode, 202, res.body);
      const expected = new Date(t.clock.now().getTime() + PASSWORD_RESET_TTL_MS).toISOString();
      assert.equal(res.json<{ expiresAt: string }>().expiresAt, expected);
      assert.equal((await signInWithForm(t, poc.email, poc.password)).statusCode, 303);

      await runAdminMailJobs(t);
      const token = await readMailedToken(t, poc.email, '/reset');
      const changed = await submitPasswordForm(t, `/reset/${token}`, 'a-brand-new-password');
      assert.equal(changed.statusCode, 303, changed.body);
      assert.equal(changed.headers.location, '/app/');
      sessionCookieOf(changed);

      assert.equal((await signInWithForm(t, poc.email, poc.password)).statusCode, 401);
      assert.equal((await signInWithForm(t, poc.email, 'a-brand-new-password')).statusCode, 303);
      const stale = await t.request({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { parley_session: oldSession },
      });
      assert.equal(stale.statusCode, 401, 'sessions opened before the reset end');

      const again = await t.request({ method: 'GET', url: `/reset/${token}` });
      assert.equal(again.statusCode, 410);
    });

    it('password-reset link expires', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const res = await act(frEditor.token, 'POST', `/api/v1/users/${poc.id}/password-reset`);
      assert.equal(res.statusCode, 202);
      await runAdminMailJobs(t);
      const token = await readMailedToken(t, poc.email, '/reset');

      t.clock.advance(PASSWORD_RESET_TTL_MS);
      const page = await t.request({ method: 'GET', url: `/reset/${token}` });
      assert.equal(page.statusCode, 410);
      assert.match(page.body, /has expired/);
    });

    it('API keys created by owner only', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const created = await t.request({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/api-keys`,
        token: poc.token,
        payload: { label: 'SOAR connector' },
      });
      assert.equal(created.statusCode, 201, created.body);
      const key = created.json<{ id: string; label: string; token: string; createdAt: string }>();
      assert.equal(key.label, 'SOAR connector');
      assert.equal(key.createdAt, t.clock.now().toISOString());
      assert.equal((await me(key.token)).statusCode, 200);

      const listed = await act(frEditor.token, 'GET', `/api/v1/users/${poc.id}/api-keys`);
      assert.equal(listed.statusCode, 200);
      assert.equal(listed.body.includes(key.token), false);
      const keys = listed.json<{ apiKeys: Record<string, unknown>[] }>().apiKeys;
      const entry = keys.find((item) => item.id === key.id);
      assert.deepEqual(Object.keys(entry ?? {}).sort(), [
        'createdAt',
        'id',
        'label',
        'lastUsedAt',
        'revokedAt',
      ]);

      const forOther = await t.request({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/api-keys`,
        token: secretariat.token,
        payload: { label: 'not mine' },
      });
      assert.equal(forOther.statusCode, 403);
      const noLabel = await t.request({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/api-keys`,
        token: poc.token,
        payload: {},
      });
      assert.equal(noLabel.statusCode, 422);

      const hidden = await t.request({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/api-keys`,
        token: poc.token,
        payload: { label: 'SOAR\u00AD connector' },
      });
      assert.equal(hidden.statusCode, 422);
      const [error] = hidden.json<{ errors: { field: string; message: string }[] }>().errors;
      assert.equal(error?.field, 'label');
      assert.match(error.message, /U\+00AD.*delete it/);
      const emoji = await t.request({
        method: 'POST',
        url: `/api/v1/users/${poc.id}/api-keys`,
        token: poc.token,
        payload: { label: 'مفتاح 🔑' },
      });
      assert.equal(emoji.statusCode, 201, emoji.body);
      assert.equal(emoji.json<{ label: string }>().label, 'مفتاح 🔑');

      const revoked = await act(
        frEditor.token,
        'DELETE',
        `/api/v1/users/${poc.id}/api-keys/${key.id}`,
      );
      assert.equal(revoked.statusCode, 204);
      assert.equal((await me(key.token)).statusCode, 401);
      const unknownKey = await act(poc.token, 'DELETE', `/api/v1/users/${poc.id}/api-keys/nope`);
      assert.equal(unknownKey.statusCode, 404);
    });
  });
}
