import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import {
  countRejections,
  readFormCsrf,
  readMailedToken,
  runAdminMailJobs,
  sessionCookieOf,
  signInWithForm,
  submitPasswordForm,
} from './admin.test-helpers.ts';
import { INVITATION_TTL_MS } from './invitations.service.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

let counter = 0;

function uniqueEmail(prefix: string) {
  counter += 1;

  return `${prefix}-${counter}@invited.test`;
}

function fieldsOf(problem: Problem): string[] {
  return (problem.errors ?? []).map((error) => error.field);
}

for (const dialect of testDialects) {
  describe(`invitations on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let frEditor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
    });
    after(() => t.close());

    function invite(token: string, body: Record<string, unknown>) {
      return t.request({ method: 'POST', url: '/api/v1/invitations', token, payload: body });
    }

    async function inviteAndReadToken(token: string, body: Record<string, unknown>) {
      const res = await invite(token, body);
      assert.equal(res.statusCode, 201, res.body);
      await runAdminMailJobs(t);

      return readMailedToken(t, String(body.email), '/invite');
    }

    it('state editor invitation end to end', async () => {
      const email = uniqueEmail('fr-editor');
      const res = await invite(secretariat.token, { email, role: 'state-editor', state: 'fr' });
      assert.equal(res.statusCode, 201, res.body);
      const view = res.json<Record<string, unknown>>();
      assert.equal(view.email, email);
      assert.equal(view.role, 'state-editor');
      assert.equal(view.state, 'FR');
      assert.equal(view.organisation, null);
      const expected = new Date(t.clock.now().getTime() + INVITATION_TTL_MS).toISOString();
      assert.equal(view.expiresAt, expected);
      assert.equal(JSON.stringify(view).includes('token'), false);

      const sentBeforeJobs = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', email)
        .execute();
      assert.equal(sentBeforeJobs.length, 0, 'the request itself sends no mail');
      const job = await t.ctx.db
        .selectFrom('jobs')
        .selectAll()
        .where('idempotency_key', '=', `invitation-mail:${String(view.id)}`)
        .executeTakeFirstOrThrow();
      assert.equal(job.kind, 'invitation-mail');
      assert.equal(job.status, 'pending');

      assert.equal(await runAdminMailJobs(t), 1);
      const token = await readMailedToken(t, email, '/invite');
      const stored = await t.ctx.db
        .selectFrom('invitations')
        .selectAll()
        .where('id', '=', String(view.id))
        .executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, token, 'only the hash of the token is stored');
      const finishedJob = await t.ctx.db
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      assert.equal(finishedJob.status, 'done');
      assert.equal(finishedJob.payload.includes(token), false, 'the finished job drops the token');

      const page = await t.request({ method: 'GET', url: `/invite/${token}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<form method="post"/);
      assert.match(page.body, new RegExp(email.replace('.', '\\.')));
      assert.equal(page.headers['cache-control'], 'no-store');

      const accepted = await submitPasswordForm(t, `/invite/${token}`, 'a-long-enough-password');
      assert.equal(accepted.statusCode, 303, accepted.body);
      assert.equal(accepted.headers.location, '/app/');
      const session = sessionCookieOf(accepted);

      const account = await t.ctx.db
        .selectFrom('accounts')
        .selectAll()
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal(account.role, 'state-editor');
      assert.equal(account.state_code, 'FR');
      assert.notEqual(account.password_hash, null);

      const me = await t.request({
        method: 'GET',
        url: '/api/v1/me',
        cookies: { parley_session: session },
      });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json<{ email: string }>().email, email);

      const used = await t.ctx.db
        .selectFrom('invitations')
        .selectAll()
        .where('id', '=', String(view.id))
        .executeTakeFirstOrThrow();
      assert.notEqual(used.used_at, null);
      assert.equal(used.account_id, account.id);

      const again = await t.request({ method: 'GET', url: `/invite/${token}` });
      assert.equal(again.statusCode, 410);
      assert.match(again.body, /already used/);
      const csrf = readFormCsrf(page);
      const secondPost = await t.request({
        method: 'POST',
        url: `/invite/${token}`,
        cookies: csrf.cookies,
        payload: new URLSearchParams({
          _csrf: csrf.field,
          password: 'another-long-password',
          confirm: 'another-long-password',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(secondPost.statusCode, 410);
      assert.equal(
        secondPost.cookies.find((c) => c.name === 'parley_session'),
        undefined,
      );
    });

    it('expired invitation creates nothing', async () => {
      const email = uniqueEmail('late');
      const token = await inviteAndReadToken(secretariat.token, {
        email,
        role: 'state-editor',
        state: 'DE',
      });
      const page = await t.request({ method: 'GET', url: `/invite/${token}` });
      assert.equal(page.statusCode, 200);

      t.clock.advance(INVITATION_TTL_MS);
      const expired = await t.request({ method: 'GET', url: `/invite/${token}` });
      assert.equal(expired.statusCode, 410);
      assert.match(expired.body, /has expired/);

      const csrf = readFormCsrf(page);
      const post = await t.request({
        method: 'POST',
        url: `/invite/${token}`,
        cookies: csrf.cookies,
        payload: new URLSearchParams({
          _csrf: csrf.field,
          password: 'a-long-enough-password',
          confirm: 'a-long-enough-password',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(post.statusCode, 410);
      const account = await t.ctx.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      assert.equal(account, undefined);
    });

    it('unknown invitation token returns 404', async () => {
      const res = await t.request({ method: 'GET', url: '/invite/not-a-real-token' });
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /not valid/);
    });

    it('signed-in visitor gets no invitation form', async () => {
      const email = uniqueEmail('while-signed-in');
      const token = await inviteAndReadToken(secretariat.token, {
        email,
        role: 'poc',
        state: 'FR',
      });
      const signedIn = await signInWithForm(t, frEditor.email, frEditor.password);
      const session = sessionCookieOf(signedIn);

      const page = await t.request({
        method: 'GET',
        url: `/invite/${token}`,
        cookies: { parley_session: session },
      });
      assert.equal(page.statusCode, 409);
      assert.match(page.body, /Sign out, then open this link again/);
      assert.doesNotMatch(page.body, /name="password"/);
    });

    it('password form rejects invalid submissions', async () => {
      const email = uniqueEmail('careful');
      const token = await inviteAndReadToken(secretariat.token, {
        email,
        role: 'poc',
        state: 'FR',
      });
      const url = `/invite/${token}`;

      const mismatch = await submitPasswordForm(t, url, 'a-long-enough-password', 'something-else');
      assert.equal(mismatch.statusCode, 422);
      assert.match(mismatch.body, /confirm: must repeat the password exactly/);
      const short = await submitPasswordForm(t, url, 'too-short');
      assert.equal(short.statusCode, 422);
      assert.match(short.body, /password: must have at least 12 characters/);
      for (const guessable of ['aaaaaaaaaaaa', 'qwertyuiop12', 'password1234']) {
        const weak = await submitPasswordForm(t, url, guessable);
        assert.equal(weak.statusCode, 422, guessable);
        assert.match(weak.body, /password: is easy to guess/, guessable);
      }

      const page = await t.request({ method: 'GET', url });
      const csrf = readFormCsrf(page);
      const noCookie = await t.request({
        method: 'POST',
        url,
        payload: new URLSearchParams({
          _csrf: csrf.field,
          password: 'a-long-enough-password',
          confirm: 'a-long-enough-password',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(noCookie.statusCode, 403);

      const account = await t.ctx.db
        .selectFrom('accounts')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      assert.equal(account, undefined, 'no attempt created the account');
      const accepted = await submitPasswordForm(t, url, 'a-long-enough-password');
      assert.equal(accepted.statusCode, 303, 'the link still works after rejected attempts');
    });

    it('editor invites own-state editor and poc', async () => {
      const editor = await invite(frEditor.token, {
        email: uniqueEmail('fr-second-editor'),
        role: 'state-editor',
      });
      assert.equal(editor.statusCode, 201, editor.body);
      assert.equal(editor.json<{ state: string }>().state, 'FR');

      const poc = await invite(frEditor.token, {
        email: uniqueEmail('fr-poc'),
        role: 'poc',
        state: 'FR',
      });
      assert.equal(poc.statusCode, 201, poc.body);
      assert.equal(poc.json<{ state: string }>().state, 'FR');
    });

    it('editor inviting another state gets 422', async () => {
      const before = await countRejections(t, frEditor.id, 'invitation.create');
      const email = uniqueEmail('de-poc');
      const res = await invite(frEditor.token, { email, role: 'poc', state: 'DE' });
      assert.equal(res.statusCode, 422);
      assert.deepEqual(fieldsOf(res.json<Problem>()), ['state']);
      assert.equal(await countRejections(t, frEditor.id, 'invitation.create'), before + 1);

      const stored = await t.ctx.db
        .selectFrom('invitations')
        .select('id')
        .where('email', '=', email)
        .execute();
      assert.equal(stored.length, 0);
    });

    it('editor inviting a partner gets 403', async () => {
      const res = await invite(frEditor.token, {
        email: uniqueEmail('partner'),
        role: 'partner',
        organisation: 'Editor Picked Ltd',
        clearance: 'amber',
      });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json<Problem>().code, 'forbidden');
    });

    it('poc and partner inviting get 403', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const partner = await t.createAccount('partner', { org: 'Vetted Research' });
      for (const caller of [poc, partner]) {
        const res = await invite(caller.token, {
          email: uniqueEmail('by-non-admin'),
          role: 'poc',
          state: 'FR',
        });
        assert.equal(res.statusCode, 403);
        assert.equal(await countRejections(t, caller.id, 'invitation.create'), 1);
      }
    });

    it('anonymous invitation gets 401', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/invitations',
        payload: { email: uniqueEmail('anon'), role: 'poc', state: 'FR' },
      });
      assert.equal(res.statusCode, 401);
    });

    it('existing account e-mail gets 409', async () => {
      const existing = await t.createAccount('poc', { state: 'FR' });
      const res = await invite(secretariat.token, {
        email: existing.email.toUpperCase(),
        role: 'poc',
        state: 'FR',
      });
      assert.equal(res.statusCode, 409);
      assert.deepEqual(fieldsOf(res.json<Problem>()), ['email']);
    });

    it('invalid invitation fields get 422', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ email: uniqueEmail('x'), role: 'state-editor', state: 'XX' }, 'state'],
        [{ email: uniqueEmail('x'), role: 'state-editor' }, 'state'],
        [{ email: 'not-an-address', role: 'poc', state: 'FR' }, 'email'],
        [{ email: uniqueEmail('x'), role: 'secretariat' }, 'role'],
        [{ email: uniqueEmail('x'), role: 'partner', organisation: 'New Org' }, 'clearance'],
        [
          { email: uniqueEmail('x'), role: 'partner', organisation: 'O', clearance: 'pink' },
          'clearance',
        ],
        [{ email: uniqueEmail('x'), role: 'poc', state: 'FR', organisation: 'O' }, 'organisation'],
      ];
      for (const [body, field] of cases) {
        const res = await invite(secretariat.token, body);
        assert.equal(res.statusCode, 422, `${JSON.stringify(body)} → ${res.body}`);
        assert.deepEqual(fieldsOf(res.json<Problem>()), [field], JSON.stringify(body));
      }
    });

    it('hidden characters in organisation get 422', async () => {
      const cases = [
        ['Threat\u00ADHunters', 'U+00AD'],
        ['Hunters \uF8FF', 'U+F8FF'],
        ['Hunters \uFFFE', 'U+FFFE'],
      ] as const;
      for (const [organisation, codePoint] of cases) {
        const email = uniqueEmail('hidden-org');
        const body = { email, role: 'partner', organisation, clearance: 'green' };
        const res = await invite(secretariat.token, body);
        assert.equal(res.statusCode, 422, res.body);
        const problem = res.json<Problem>();
        assert.deepEqual(fieldsOf(problem), ['organisation']);
        const message = problem.errors?.[0]?.message ?? '';
        assert.ok(message.includes(codePoint), message);
        assert.match(message, /delete it/);
        const stored = await t.ctx.db
          .selectFrom('invitations')
          .select('id')
          .where('email', '=', email)
          .execute();
        assert.equal(stored.length, 0, organisation);
      }
      const organisations = await t.ctx.db.selectFrom('organisations').select('name').execute();
      assert.equal(
        organisations.some((row) => row.name.startsWith('Threat\u00AD')),
        false,
        'no organisation is created',
      );
    });

    it('organisation names in other scripts are accepted', async () => {
      for (const organisation of [
        'مركز الاستجابة',
        'מרכז סייבר',
        'साइबर\u200Dकेंद्र',
        '网络安全中心',
      ]) {
        const email = uniqueEmail('script-org');
        const body = { email, role: 'partner', organisation, clearance: 'green' };
        const res = await invite(secretariat.token, body);
        assert.equal(res.statusCode, 201, res.body);
        const view = res.json<{ organisation: { name: string } }>();
        assert.equal(view.organisation.name, organisation);
      }
    });

    describe('addresses listed as PoCs', () => {
      let deEditor: TestAccount;

      before(async () => {
        deEditor = await t.createAccount('state-editor', { state: 'DE' });
      });

      async function addDePoc(email: string) {
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/pocs?confirmDuplicate=true',
          token: deEditor.token,
          payload: {
            level: 'technical',
            name: `Duty officer ${email}`,
            designation: 'Duty officer',
            organisation: 'BSI',
            email,
          },
        });
        assert.equal(res.statusCode, 201, res.body);
      }

      async function countInvitations(emailKey: string) {
        const rows = await t.ctx.db
          .selectFrom('invitations')
          .select('id')
          .where('email_key', '=', emailKey)
          .execute();

        return rows.length;
      }

      it('PoC address of another state gets 422', async () => {
        await addDePoc('Duty@bücher-cert.example');
        const cases: [string, Record<string, unknown>, RegExp][] = [
          [
            'editor, punycode and upper case',
            { email: 'DUTY@xn--bcher-cert-9db.example', role: 'poc' },
            /another state's PoC/,
          ],
          [
            'secretariat, other state',
            { email: 'duty@BÜCHER-cert.example', role: 'state-editor', state: 'FR' },
            /another state's PoC/,
          ],
          [
            'partner',
            {
              email: 'duty@bücher-cert.example',
              role: 'partner',
              organisation: 'Listed Partner Ltd',
              clearance: 'green',
            },
            /a state's PoC in the directory/,
          ],
        ];
        for (const [label, body, message] of cases) {
          const token = label.startsWith('editor') ? frEditor.token : secretariat.token;
          const res = await invite(token, body);
          assert.equal(res.statusCode, 422, `${label}: ${res.body}`);
          const problem = res.json<Problem>();
          assert.equal(problem.code, 'validation_failed', label);
          assert.deepEqual(fieldsOf(problem), ['email'], label);
          assert.match(problem.errors?.[0]?.message ?? '', message, label);
        }
        assert.equal(await countInvitations('duty@xn--bcher-cert-9db.example'), 0);
        const partnerOrganisation = await t.ctx.db
          .selectFrom('organisations')
          .select('id')
          .where('name', '=', 'Listed Partner Ltd')
          .executeTakeFirst();
        assert.equal(partnerOrganisation, undefined, 'no organisation is created');
      });

      it('own state PoC address is invited', async () => {
        await addDePoc('own@cert.de.example');
        const email = 'OWN@cert.de.example';
        const token = await inviteAndReadToken(deEditor.token, { email, role: 'poc' });
        const accepted = await submitPasswordForm(t, `/invite/${token}`, 'a-long-enough-password');
        assert.equal(accepted.statusCode, 303, accepted.body);
        const account = await t.ctx.db
          .selectFrom('accounts')
          .select(['role', 'state_code'])
          .where('email_key', '=', 'own@cert.de.example')
          .executeTakeFirstOrThrow();
        assert.equal(account.role, 'poc');
        assert.equal(account.state_code, 'DE');

        await addDePoc('editor@cert.de.example');
        const editor = await invite(secretariat.token, {
          email: 'editor@cert.de.example',
          role: 'state-editor',
          state: 'DE',
        });
        assert.equal(editor.statusCode, 201, editor.body);
      });

      it('PoC listed after invitation blocks acceptance', async () => {
        const email = uniqueEmail('later-listed');
        const body = {
          email,
          role: 'partner',
          organisation: 'Later Listed Ltd',
          clearance: 'green',
        };
        const token = await inviteAndReadToken(secretariat.token, body);
        await addDePoc(email);

        const url = `/invite/${token}`;
        const rejected = await submitPasswordForm(t, url, 'a-long-enough-password');
        assert.equal(rejected.statusCode, 422, rejected.body);
        assert.match(rejected.body, /email: is the address of a state&#39;s PoC in the directory/);
        const account = await t.ctx.db
          .selectFrom('accounts')
          .select('id')
          .where('email', '=', email)
          .executeTakeFirst();
        assert.equal(account, undefined, 'no account is created');
        const page = await t.request({ method: 'GET', url });
        assert.equal(page.statusCode, 200, 'the invitation stays usable');
      });
    });

    it('new invitation replaces pending one', async () => {
      const email = uniqueEmail('twice');
      const first = await inviteAndReadToken(frEditor.token, { email, role: 'poc' });
      const second = await inviteAndReadToken(frEditor.token, { email, role: 'poc' });
      assert.notEqual(first, second);

      const old = await t.request({ method: 'GET', url: `/invite/${first}` });
      assert.equal(old.statusCode, 410);
      assert.match(old.body, /newer invitation/);
      const current = await t.request({ method: 'GET', url: `/invite/${second}` });
      assert.equal(current.statusCode, 200);

      const byOtherState = await t.createAccount('state-editor', { state: 'DE' });
      const conflict = await invite(byOtherState.token, { email, role: 'poc' });
      assert.equal(conflict.statusCode, 409);
      assert.deepEqual(fieldsOf(conflict.json<Problem>()), ['email']);
    });

    it('partner invitation keeps organisation clearance', async () => {
      const email = uniqueEmail('analyst');
      const res = await invite(secretariat.token, {
        email,
        role: 'partner',
        organisation: 'Threat Hunters Inc',
        clearance: 'TLP:AMBER',
      });
      assert.equal(res.statusCode, 201, res.body);
      const organisation = res.json<{ organisation: { id: string; name: string } }>().organisation;
      assert.equal(organisation.name, 'Threat Hunters Inc');
      const row = await t.ctx.db
        .selectFrom('organisations')
        .selectAll()
        .where('id', '=', organisation.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.clearance, 'amber');

      const second = await invite(secretariat.token, {
        email: uniqueEmail('analyst'),
        role: 'partner',
        organisation: 'Threat Hunters Inc',
        clearance: 'red',
      });
      assert.equal(second.statusCode, 201);
      const same = second.json<{ organisation: { id: string } }>().organisation;
      assert.equal(same.id, organisation.id);
      const unchanged = await t.ctx.db
        .selectFrom('organisations')
        .selectAll()
        .where('id', '=', organisation.id)
        .executeTakeFirstOrThrow();
      assert.equal(unchanged.clearance, 'amber', 'an invitation never changes a clearance');

      const respelt = await invite(secretariat.token, {
        email: uniqueEmail('analyst'),
        role: 'partner',
        organisation: 'threat  HUNTERS inc',
        clearance: 'red',
      });
      assert.equal(respelt.statusCode, 201, respelt.body);
      const respeltOrganisation = respelt.json<{ organisation: { id: string } }>().organisation;
      assert.equal(
        respeltOrganisation.id,
        organisation.id,
        'case and spacing name one organisation',
      );
      const named = await t.ctx.db
        .selectFrom('organisations')
        .select('id')
        .where('name', 'in', ['Threat Hunters Inc', 'threat  HUNTERS inc'])
        .execute();
      assert.equal(named.length, 1);

      await runAdminMailJobs(t);
      const token = await readMailedToken(t, email, '/invite');
      const accepted = await submitPasswordForm(t, `/invite/${token}`, 'partner-password-ok');
      assert.equal(accepted.statusCode, 303);
      const account = await t.ctx.db
        .selectFrom('accounts')
        .selectAll()
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal(account.role, 'partner');
      assert.equal(account.organisation_id, organisation.id);
      assert.equal(account.state_code, null);
    });
  });
}
