import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

const technicalPoc = {
  level: 'technical',
  name: 'Ana Duty',
  designation: 'Head of incident response',
  organisation: 'CERT-FR',
  email: 'ana.duty@cert.fr.test',
  phone: '+33 1 71 75 84 68',
};

for (const dialect of testDialects) {
  describe(`PoC management on ${dialect}`, () => {
    let t: TestApp;
    let frEditor: TestAccount;
    let deEditor: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      deEditor = await t.createAccount('state-editor', { state: 'DE' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    let serial = 0;
    // Each entry gets its own name, so the likely-duplicate check does not fire between tests.
    async function create(token: string, body: Record<string, unknown>) {
      serial += 1;
      const payload = {
        ...body,
        name: body.name === technicalPoc.name ? `Ana Duty ${serial}` : body.name,
      };

      return t.request({ method: 'POST', url: '/api/v1/pocs', token, payload });
    }

    it('creates a PoC in the editor’s own state with an E.164 phone', async () => {
      const res = await create(frEditor.token, technicalPoc);
      assert.equal(res.statusCode, 201);
      const poc = res.json<{ id: string; stateCode: string; phone: string; level: string }>();
      assert.equal(poc.stateCode, 'FR');
      assert.equal(poc.phone, '+33171758468');
      assert.equal(poc.level, 'technical');
      assert.match(poc.id, /^[0-9a-f-]{36}$/);
      assert.equal(res.headers.location, `/api/v1/pocs/${poc.id}`);
    });

    it('rejects a state given in the body instead of taking it', async () => {
      const res = await create(frEditor.token, { ...technicalPoc, stateCode: 'DE' });
      assert.equal(res.statusCode, 422);
      const problem = res.json<Problem>();
      assert.equal(problem.errors?.[0]?.field, 'stateCode');
      assert.match(problem.errors[0].message, /your own state/);
    });

    it('names every invalid field in one 422', async () => {
      const res = await create(frEditor.token, { level: 'consular', name: '', email: 'nope' });
      assert.equal(res.statusCode, 422);
      const fields = res.json<Problem>().errors?.map((e) => e.field) ?? [];
      assert.deepEqual(fields.sort(), ['designation', 'level', 'name', 'organisation']);
    });

    for (const phone of ['+0407123456', '+', '00', '12']) {
      it(`rejects the invalid phone ${JSON.stringify(phone)} with a field error`, async () => {
        const email = `phone-${phone.length}@cert.au.test`;
        const res = await create(frEditor.token, { ...technicalPoc, email, phone });
        assert.equal(res.statusCode, 422);
        const problem = res.json<Problem>();
        assert.equal(problem.code, 'validation_failed');
        assert.equal(problem.errors?.[0]?.field, 'phone');
        const stored = await t.ctx.db
          .selectFrom('pocs')
          .select('id')
          .where('email', '=', email)
          .execute();
        assert.equal(stored.length, 0);
      });
    }

    it('treats an empty phone as no phone', async () => {
      const body = { ...technicalPoc, level: 'policy', email: 'no.phone@cert.fr.test', phone: '' };
      const res = await create(frEditor.token, body);
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<{ phone: string | null }>().phone, null);
    });

    it('accepts Unicode and punycode domains as the same address', async () => {
      const first = {
        ...technicalPoc,
        level: 'diplomatic',
        email: 'kontakt@cyber-behörde.example',
      };
      const res = await create(frEditor.token, first);
      assert.equal(res.statusCode, 201);
      const again = { ...first, email: 'kontakt@xn--cyber-behrde-djb.example' };
      const duplicate = await create(frEditor.token, again);
      assert.equal(duplicate.statusCode, 409);
      assert.equal(duplicate.json<Problem>().errors?.[0]?.field, 'email');
    });

    it('hides another state’s entry behind 404 and changes nothing', async () => {
      const body = { ...technicalPoc, email: 'guarded@cert.fr.test' };
      const created = await create(frEditor.token, body);
      const { id } = created.json<{ id: string }>();

      const patch = await t.request({
        method: 'PATCH',
        url: `/api/v1/pocs/${id}`,
        token: deEditor.token,
        payload: { name: 'Hijacked' },
      });
      assert.equal(patch.statusCode, 404);
      const del = await t.request({
        method: 'DELETE',
        url: `/api/v1/pocs/${id}`,
        token: deEditor.token,
      });
      assert.equal(del.statusCode, 404);
      const unknown = await t.request({
        method: 'DELETE',
        url: '/api/v1/pocs/00000000-0000-4000-8000-000000000000',
        token: deEditor.token,
      });
      assert.deepEqual(
        { status: unknown.statusCode, code: unknown.json<Problem>().code },
        { status: del.statusCode, code: del.json<Problem>().code },
      );

      const row = await t.ctx.db
        .selectFrom('pocs')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      assert.ok(row);
      assert.match(row.name, /^Ana Duty \d+$/);
      assert.equal(row.state_code, 'FR');
      const denied = await t.ctx.db
        .selectFrom('audit_log')
        .select('action')
        .where('target', '=', `poc:${id}`)
        .where('outcome', '=', 'denied')
        .execute();
      assert.deepEqual(denied.map((d) => d.action).sort(), ['poc.delete', 'poc.update']);
    });

    it('updates and deletes an own entry, keeping the history', async () => {
      const body = { ...technicalPoc, email: 'history@cert.fr.test' };
      const { id } = (await create(frEditor.token, body)).json<{ id: string }>();

      const patch = await t.request({
        method: 'PATCH',
        url: `/api/v1/pocs/${id}`,
        token: frEditor.token,
        payload: { designation: 'Deputy head', phone: '+33171758469' },
      });
      assert.equal(patch.statusCode, 200);
      assert.equal(patch.json<{ designation: string }>().designation, 'Deputy head');

      const del = await t.request({
        method: 'DELETE',
        url: `/api/v1/pocs/${id}`,
        token: frEditor.token,
      });
      assert.equal(del.statusCode, 204);

      const history = await t.request({
        method: 'GET',
        url: `/api/v1/pocs/${id}/history`,
        token: secretariat.token,
      });
      assert.equal(history.statusCode, 200);
      type Entry = {
        action: string;
        by: string;
        changes: Record<string, { old: unknown; new: unknown }>;
      };
      const entries = history.json<{ history: Entry[] }>().history;
      assert.deepEqual(
        entries.map((e) => e.action),
        ['create', 'update', 'delete'],
      );
      assert.deepEqual(entries[1]?.changes.designation, {
        old: 'Head of incident response',
        new: 'Deputy head',
      });
      assert.equal(entries[1].by, frEditor.email);

      const foreign = await t.request({
        method: 'GET',
        url: `/api/v1/pocs/${id}/history`,
        token: deEditor.token,
      });
      assert.equal(foreign.statusCode, 404);
    });

    it('lets only state editors change entries', async () => {
      const bySecretariat = await create(secretariat.token, technicalPoc);
      assert.equal(bySecretariat.statusCode, 403);
      const poc = await t.createAccount('poc', { state: 'FR' });
      assert.equal((await create(poc.token, technicalPoc)).statusCode, 403);
      const anonymous = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        payload: technicalPoc,
      });
      assert.equal(anonymous.statusCode, 401);
    });

    it('lists only the editor’s own state', async () => {
      await create(deEditor.token, { ...technicalPoc, email: 'de@cert.de.test' });
      const res = await t.request({ method: 'GET', url: '/api/v1/pocs', token: deEditor.token });
      const states = new Set(
        res.json<{ pocs: { stateCode: string }[] }>().pocs.map((p) => p.stateCode),
      );
      assert.deepEqual([...states], ['DE']);
    });

    it('requires the CSRF token for cookie-authenticated changes', async () => {
      const signin = await t.request({ method: 'GET', url: '/signin' });
      const csrfCookie = signin.cookies.find((c) => c.name === 'parley_signin_csrf');
      assert.ok(csrfCookie);
      const login = await t.request({
        method: 'POST',
        url: '/signin',
        headers: { cookie: `parley_signin_csrf=${csrfCookie.value}` },
        payload: { email: frEditor.email, password: frEditor.password, _csrf: csrfCookie.value },
      });
      assert.equal(login.statusCode, 303);
      const session = login.cookies.find((c) => c.name === 'parley_session');
      assert.ok(session);
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Lax');
      const cookie = `parley_session=${session.value}`;
      const body = { ...technicalPoc, email: 'csrf@cert.fr.test' };

      const without = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        headers: { cookie },
        payload: body,
      });
      assert.equal(without.statusCode, 403);
      assert.equal(without.json<Problem>().code, 'csrf_failed');

      const me = await t.request({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      const { csrfToken } = me.json<{ csrfToken: string }>();
      const withToken = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        headers: { cookie, 'x-csrf-token': csrfToken },
        payload: body,
      });
      assert.equal(withToken.statusCode, 201);

      const inBody = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        headers: { cookie },
        payload: { ...body, name: 'Body Token', email: 'csrf-body@cert.fr.test', _csrf: csrfToken },
      });
      assert.equal(inBody.statusCode, 201, inBody.body);
      const wrongInBody = await t.request({
        method: 'POST',
        url: '/api/v1/pocs',
        headers: { cookie },
        payload: { ...body, name: 'Wrong Token', email: 'csrf-wrong@cert.fr.test', _csrf: 'guess' },
      });
      assert.equal(wrongInBody.statusCode, 403);
    });
  });
}
