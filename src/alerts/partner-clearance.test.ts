import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { newSecret } from '../shared/crypto.ts';
import { toRecipientRow } from './alerts.service.ts';

interface Problem {
  errors?: { field: string; message: string }[];
}

for (const dialect of testDialects) {
  describe(`partner clearance on alerts on ${dialect}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let keEditor: TestAccount;
    let kePoc: TestAccount;
    let chPoc: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      keEditor = await t.createAccount('state-editor', { state: 'KE' });
      kePoc = await t.createAccount('poc', { state: 'KE' });
      chPoc = await t.createAccount('poc', { state: 'CH' });
      // A new organisation is cleared for TLP:GREEN.
      partner = await t.createAccount('partner', { org: 'Example Hunters' });
      secretariat = await t.createAccount('secretariat');
    });
    after(() => t.close());

    const pocBody = (email: string, name: string) => ({
      level: 'policy',
      name,
      designation: 'Duty officer',
      organisation: 'National CERT',
      email,
    });
    const addPoc = (email: string, name: string) =>
      t.request({
        method: 'POST',
        url: '/api/v1/pocs?confirmDuplicate=true',
        token: keEditor.token,
        payload: pocBody(email, name),
      });
    const sendAlert = async (title: string, tlp: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: keEditor.token,
        payload: { title, severity: 3, tlp, body: `${title} body`, states: ['KE'] },
      });
      assert.equal(res.statusCode, 201);

      return res.json<{ id: string; recipients: number }>();
    };
    const listTitles = async (token: string) => {
      const res = await t.request({ method: 'GET', url: '/api/v1/alerts', token });
      assert.equal(res.statusCode, 200);

      return res.json<{ alerts: { title: string }[] }>().alerts.map((a) => a.title);
    };

    it('rejects a PoC e-mail of an account outside the state', async () => {
      const outsiders = [
        { label: 'partner', email: partner.email },
        { label: 'other state', email: chPoc.email },
        { label: 'secretariat', email: secretariat.email.toUpperCase() },
      ];
      for (const { label, email } of outsiders) {
        const res = await addPoc(email, `Outsider ${label}`);
        assert.equal(res.statusCode, 422, label);
        const field = res.json<Problem>().errors?.[0];
        assert.equal(field?.field, 'email', label);
        assert.match(field.message, /account outside this state/, label);
      }
      const stored = await t.ctx.db
        .selectFrom('pocs')
        .select('id')
        .where('email_key', 'in', [partner.email, chPoc.email, secretariat.email])
        .execute();
      assert.equal(stored.length, 0);
    });

    it('rejects such an e-mail on update and change request', async () => {
      const created = await addPoc('desk@cert.ke.test', 'Desk officer');
      assert.equal(created.statusCode, 201);
      const id = created.json<{ id: string }>().id;

      const patch = await t.request({
        method: 'PATCH',
        url: `/api/v1/pocs/${id}`,
        token: keEditor.token,
        payload: { email: partner.email },
      });
      assert.equal(patch.statusCode, 422);
      assert.equal(patch.json<Problem>().errors?.[0]?.field, 'email');

      const request = 'Note verbale 2026/118 from the Permanent Mission';
      const url = '/api/v1/states/KE/change-requests';
      const onCreate = await t.request({
        method: 'POST',
        url,
        token: secretariat.token,
        payload: { action: 'create', request, poc: pocBody(partner.email, 'Via request') },
      });
      assert.equal(onCreate.statusCode, 422);
      assert.equal(onCreate.json<Problem>().errors?.[0]?.field, 'poc.email');
      const onUpdate = await t.request({
        method: 'POST',
        url,
        token: secretariat.token,
        payload: { action: 'update', request, pocId: id, changes: { email: chPoc.email } },
      });
      assert.equal(onUpdate.statusCode, 422);
      assert.equal(onUpdate.json<Problem>().errors?.[0]?.field, 'changes.email');

      const row = await t.ctx.db
        .selectFrom('pocs')
        .select('email')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.email, 'desk@cert.ke.test');
    });

    it('keeps own-state accounts as PoCs, with their alerts', async () => {
      const created = await addPoc(kePoc.email, 'Own PoC account');
      assert.equal(created.statusCode, 201);
      const { id } = await sendAlert('KE AMBER for own PoC', 'amber');

      assert.ok((await listTitles(kePoc.token)).includes('KE AMBER for own PoC'));
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: kePoc.token,
      });
      assert.equal(read.statusCode, 200);
    });

    it('caps a partner listed as a PoC at its clearance', async () => {
      // An entry made before e-mails of outside accounts were rejected.
      await insertPoc(t.ctx, { state: 'KE', level: 'policy', email: partner.email });
      const stream = await openStream(baseUrl, partner.token);
      assert.equal(stream.res.status, 200);

      const amber = await sendAlert('KE AMBER internal: compromised ministry mail', 'amber');
      const green = await sendAlert('KE GREEN advisory', 'green');
      await stream.waitFor(1);
      await sleep(200);
      const titles = stream.frames.map(
        (f) => (JSON.parse(f.data ?? '{}') as { title: string }).title,
      );
      assert.deepEqual(titles, ['KE GREEN advisory']);
      stream.close();

      const listed = await listTitles(partner.token);
      assert.ok(listed.includes('KE GREEN advisory'));
      assert.ok(!listed.includes('KE AMBER internal: compromised ministry mail'));
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${amber.id}`,
        token: partner.token,
      });
      assert.equal(read.statusCode, 404);
      const ack = await t.request({
        method: 'POST',
        url: `/api/v1/alerts/${amber.id}/acknowledge`,
        token: partner.token,
      });
      assert.equal(ack.statusCode, 404);

      const rows = await t.ctx.db
        .selectFrom('alert_recipients')
        .select(['alert_id', 'email_key'])
        .where('email_key', '=', partner.email)
        .execute();
      assert.deepEqual(
        rows.map((row) => row.alert_id),
        [green.id],
      );
      await t.createWorker().runUntilIdle();
      const mails = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('subject')
        .where('to_address', '=', partner.email)
        .execute();
      assert.equal(mails.length, 1);
      assert.match(mails[0]?.subject ?? '', /KE GREEN advisory/);
    });

    it('hides a stored recipient row above the clearance', async () => {
      const { id } = await sendAlert('KE AMBER with a stored partner row', 'amber');
      const recipient = toRecipientRow(
        id,
        `${id.slice(0, -4)}beef`,
        {
          pocId: null,
          email: partner.email,
          emailKey: partner.email,
          stateCode: 'KE',
          level: 'policy',
          organisationId: null,
          contactRole: null,
        },
        newSecret(),
      );
      await t.ctx.db.insertInto('alert_recipients').values(recipient).execute();

      assert.ok(!(await listTitles(partner.token)).includes('KE AMBER with a stored partner row'));
      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: partner.token,
      });
      assert.equal(read.statusCode, 404);
    });
  });
}
