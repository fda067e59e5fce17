import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface AlertBody {
  id: string;
  title: string;
  severity: number;
  tlp: string;
  isSender: boolean;
  acknowledgedAt: string | null;
  objectIds: string[];
}

const indicatorId = 'indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91';

for (const dialect of testDialects) {
  describe(`alerts API on ${dialect}`, () => {
    let t: TestApp;
    let sender: TestAccount;
    let frPoc: TestAccount;
    let dePoc: TestAccount;
    let outsider: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      sender = await t.createAccount('state-editor', { state: 'FR' });
      frPoc = await t.createAccount('poc', { state: 'FR' });
      dePoc = await t.createAccount('poc', { state: 'DE' });
      outsider = await t.createAccount('poc', { state: 'JP' });
      partner = await t.createAccount('partner', { org: 'Acme Research' });
      secretariat = await t.createAccount('secretariat');
      const indicator = {
        type: 'indicator',
        spec_version: '2.1',
        id: indicatorId,
        created: '2024-03-05T08:15:30.000Z',
        modified: '2024-03-05T08:15:30.000Z',
        pattern: "[ipv4-addr:value = '203.0.113.9']",
        pattern_type: 'stix',
        valid_from: '2024-03-05T08:15:30Z',
      };
      const shared = await t.request({
        method: 'POST',
        url: '/api/v1/bundles?tlp=clear',
        token: sender.token,
        payload: {
          type: 'bundle',
          id: 'bundle--8b1c2c4e-0f6e-4b7a-9d53-1f0e3a2b4c5d',
          objects: [indicator],
        },
      });
      assert.equal(shared.statusCode, 201);
      await insertPoc(t.ctx, { state: 'FR', email: frPoc.email });
      // The same person listed at a second level is still one recipient.
      await insertPoc(t.ctx, { state: 'FR', email: frPoc.email.toUpperCase(), level: 'policy' });
      await insertPoc(t.ctx, { state: 'DE', email: dePoc.email });
      await insertPoc(t.ctx, { state: 'IT' });
    });
    after(() => t.close());

    const send = (token: string | undefined, payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/alerts', token, payload });
    const alert = (extra: Record<string, unknown> = {}) => ({
      title: 'Phishing wave against ministries',
      severity: 3,
      tlp: 'TLP:GREEN',
      body: 'Indicators attached.',
      objectIds: [indicatorId],
      ...extra,
    });

    it('rejects objects the sender cannot read or that are stricter than the alert', async () => {
      const red = {
        type: 'indicator',
        spec_version: '2.1',
        id: 'indicator--0b5bfa2e-7d0c-4d6b-9a41-6c3a3a8f9e10',
        created: '2024-03-05T08:15:30.000Z',
        modified: '2024-03-05T08:15:30.000Z',
        pattern: "[domain-name:value = 'grey-heron.example']",
        pattern_type: 'stix',
        valid_from: '2024-03-05T08:15:30Z',
      };
      const shared = await t.request({
        method: 'POST',
        url: '/api/v1/bundles?tlp=red',
        token: dePoc.token,
        payload: {
          type: 'bundle',
          id: 'bundle--1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
          objects: [red],
        },
      });
      assert.equal(shared.statusCode, 201);

      const unknown = 'indicator--00000000-0000-4000-8000-000000000000';
      const foreign = await send(sender.token, alert({ objectIds: [unknown, red.id] }));
      assert.equal(foreign.statusCode, 422);
      const errors = foreign.json<{ errors: { field: string; message: string }[] }>().errors;
      assert.deepEqual(
        errors.map((e) => e.field),
        ['objectIds.0', 'objectIds.1'],
      );
      assert.match(errors[1]?.message ?? '', /not a STIX object you can read/);

      const stricter = await send(dePoc.token, alert({ objectIds: [red.id] }));
      assert.equal(stricter.statusCode, 422);
      assert.match(stricter.body, /TLP:RED, stricter than the alert's TLP:GREEN/);
      const stored = t.ctx.db
        .selectFrom('alerts')
        .select('id')
        .where('sender_account_id', '=', dePoc.id);
      assert.equal((await stored.execute()).length, 0);
    });

    it('creates a GREEN alert for every PoC, one per e-mail', async () => {
      const res = await send(sender.token, alert());
      assert.equal(res.statusCode, 201);
      const created = res.json<{ id: string; recipients: number }>();
      assert.equal(created.recipients, 3);

      const jobs = await t.ctx.db.selectFrom('jobs').selectAll().execute();
      const forAlert = jobs.filter((job) =>
        job.idempotency_key.startsWith(`alert-mail:${created.id}:`),
      );
      assert.equal(forAlert.length, 3);
      assert.ok(forAlert.every((job) => job.priority === 3 && job.status === 'pending'));
      const deliveries = await t.ctx.db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('alert_id', '=', created.id)
        .execute();
      assert.equal(deliveries.length, 3);
      assert.ok(deliveries.every((d) => d.status === 'queued' && d.channel === 'email'));
      const events = await t.ctx.db.selectFrom('events').selectAll().execute();
      assert.ok(events.some((e) => e.kind === 'alert' && e.payload.includes(created.id)));
    });

    it('stores acknowledgement tokens only as hashes', async () => {
      const created = (await send(sender.token, alert())).json<{ id: string }>();
      const recipients = await t.ctx.db
        .selectFrom('alert_recipients')
        .selectAll()
        .where('alert_id', '=', created.id)
        .execute();
      const jobs = await t.ctx.db.selectFrom('jobs').select('payload').execute();
      for (const recipient of recipients) {
        assert.match(recipient.ack_token_hash, /^[0-9a-f]{64}$/);
        assert.ok(jobs.every((job) => !job.payload.includes(recipient.ack_token_hash)));
      }
    });

    it('sends AMBER only to the sender state and named states', async () => {
      const res = await send(sender.token, alert({ tlp: 'amber', states: ['de'] }));
      assert.equal(res.statusCode, 201);
      const { id } = res.json<{ id: string }>();
      const rows = await t.ctx.db
        .selectFrom('alert_recipients')
        .select('state_code')
        .where('alert_id', '=', id)
        .execute();
      assert.deepEqual(rows.map((r) => r.state_code).sort(), ['DE', 'FR']);
    });

    it('sends RED only to the named accounts', async () => {
      const res = await send(sender.token, alert({ tlp: 'RED', accounts: [dePoc.email] }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<{ recipients: number }>().recipients, 1);
    });

    it('adds a sending PoC to its own RED alert', async () => {
      const res = await send(frPoc.token, alert({ tlp: 'red', accounts: [dePoc.email] }));
      assert.equal(res.statusCode, 201);
      assert.equal(res.json<{ recipients: number }>().recipients, 2);
    });

    it('rejects RED naming an e-mail no PoC has', async () => {
      const res = await send(sender.token, alert({ tlp: 'red', accounts: ['nobody@x.test'] }));
      assert.equal(res.statusCode, 422);
      assert.equal(res.json<{ errors: { field: string }[] }>().errors[0]?.field, 'accounts.0');
    });

    it('rejects an unknown state for AMBER', async () => {
      const res = await send(sender.token, alert({ tlp: 'amber', states: ['QQ'] }));
      assert.equal(res.statusCode, 422);
      assert.equal(res.json<{ errors: { field: string }[] }>().errors[0]?.field, 'states.0');
    });

    it('rejects severity 7 naming severity', async () => {
      const res = await send(sender.token, alert({ severity: 7 }));
      assert.equal(res.statusCode, 422);
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      assert.deepEqual(fields, ['severity']);
    });

    it('rejects a title with a line break', async () => {
      const res = await send(sender.token, alert({ title: 'Hello\r\nBcc: victim@x.test' }));
      assert.equal(res.statusCode, 422);
      assert.equal(res.json<{ errors: { field: string }[] }>().errors[0]?.field, 'title');
    });

    it('rejects a title with a bidirectional override', async () => {
      const res = await send(sender.token, alert({ title: 'Update \u202Efdp.exe' }));
      assert.equal(res.statusCode, 422);
      assert.equal(res.json<{ errors: { field: string }[] }>().errors[0]?.field, 'title');
    });

    it('rejects hidden characters in a title', async () => {
      const cases = [
        ['Phish\u00ADing wave', 'U+00AD', /shows as nothing/],
        ['Update\u200E now', 'U+200E', /shows as nothing/],
        ['Logo \uE000 campaign', 'U+E000', /private-use character/],
        ['Wave \uFDD0', 'U+FDD0', /noncharacter/],
        ['Wave \u{10FFFF}', 'U+10FFFF', /noncharacter/],
      ] as const;
      const before = await t.ctx.db.selectFrom('alerts').select('id').execute();
      for (const [title, codePoint, reason] of cases) {
        const res = await send(sender.token, alert({ title }));
        assert.equal(res.statusCode, 422, codePoint);
        const errors = res.json<{ errors: { field: string; message: string }[] }>().errors;
        assert.equal(errors.length, 1, codePoint);
        const [error] = errors;
        assert.equal(error?.field, 'title');
        assert.ok(error.message.includes(codePoint), error.message);
        assert.match(error.message, reason);
        assert.match(error.message, /delete it/);
      }
      const after = await t.ctx.db.selectFrom('alerts').select('id').execute();
      assert.equal(after.length, before.length, 'no rejected alert is stored');
    });

    it('accepts titles in other scripts', async () => {
      const titles = [
        'تحذير: حملة تصيد',
        'אזהרה: מתקפת דיוג',
        'क्\u200Dषेत्रीय चेतावनी',
        'می\u200Cخواهم بدانم',
        '钓鱼攻击警告 葛\u{E0100}',
        'Team 👩\u200D💻 alert ❤\uFE0F',
        'Flag 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
        '🔥🔥🔥',
      ];
      for (const title of titles) {
        const res = await send(sender.token, alert({ title }));
        assert.equal(res.statusCode, 201, `${title}: ${res.body}`);
        const { id } = res.json<{ id: string }>();
        const stored = await t.request({
          method: 'GET',
          url: `/api/v1/alerts/${id}`,
          token: sender.token,
        });
        assert.equal(stored.json<AlertBody>().title, title);
      }
    });

    it('rejects an unknown TLP and a bad STIX id', async () => {
      const res = await send(sender.token, alert({ tlp: 'purple', objectIds: ['evil'] }));
      assert.equal(res.statusCode, 422);
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      assert.deepEqual(fields.sort(), ['objectIds.0', 'tlp']);
    });

    it('rejects the public with 401 and partners with 403', async () => {
      assert.equal((await send(undefined, alert())).statusCode, 401);
      const res = await send(partner.token, alert());
      assert.equal(res.statusCode, 403);
      const count = await t.ctx.db.selectFrom('alerts').select('id').execute();
      const before = count.length;
      await send(partner.token, alert());
      assert.equal((await t.ctx.db.selectFrom('alerts').select('id').execute()).length, before);
    });

    it('lists and reads an alert for recipient and sender only', async () => {
      const { id } = (await send(sender.token, alert({ title: 'Readable' }))).json<{
        id: string;
      }>();

      const asRecipient = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: dePoc.token,
      });
      assert.equal(asRecipient.statusCode, 200);
      assert.equal(asRecipient.json<AlertBody>().isSender, false);
      assert.deepEqual(asRecipient.json<AlertBody>().objectIds, [indicatorId]);
      const asSender = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: sender.token,
      });
      assert.equal(asSender.json<AlertBody>().isSender, true);

      const asOutsider = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: outsider.token,
      });
      assert.equal(asOutsider.statusCode, 404);
      const list = await t.request({ method: 'GET', url: '/api/v1/alerts', token: outsider.token });
      assert.equal(list.json<{ alerts: AlertBody[] }>().alerts.length, 0);
      const listed = await t.request({ method: 'GET', url: '/api/v1/alerts', token: dePoc.token });
      assert.ok(listed.json<{ alerts: AlertBody[] }>().alerts.some((a) => a.id === id));
    });

    it('acknowledges once through the API and keeps the first time', async () => {
      const { id } = (await send(sender.token, alert())).json<{ id: string }>();
      const url = `/api/v1/alerts/${id}/acknowledge`;

      const first = await t.request({
        method: 'POST',
        url,
        token: dePoc.token,
        payload: { via: 'web' },
      });
      assert.equal(first.statusCode, 200);
      const firstAt = first.json<{ acknowledgedAt: string }>().acknowledgedAt;
      assert.equal(first.json<{ acknowledgedVia: string }>().acknowledgedVia, 'web');

      t.clock.advance(60_000);
      const second = await t.request({ method: 'POST', url, token: dePoc.token });
      assert.equal(second.json<{ acknowledgedAt: string }>().acknowledgedAt, firstAt);
      assert.equal(second.json<{ acknowledgedVia: string }>().acknowledgedVia, 'web');

      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}`,
        token: dePoc.token,
      });
      assert.equal(read.json<AlertBody>().acknowledgedAt, firstAt);
      const acks = await t.ctx.db
        .selectFrom('events')
        .selectAll()
        .where('kind', '=', 'acknowledgement')
        .execute();
      assert.equal(acks.filter((e) => e.payload.includes(id)).length, 1);
    });

    it('acknowledges via api by default', async () => {
      const { id } = (await send(sender.token, alert())).json<{ id: string }>();
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/alerts/${id}/acknowledge`,
        token: frPoc.token,
      });
      assert.equal(res.json<{ acknowledgedVia: string }>().acknowledgedVia, 'api');
    });

    it('counts an alert acknowledged by API without reading it as opened', async () => {
      const { id } = (await send(sender.token, alert())).json<{ id: string }>();
      const ack = await t.request({
        method: 'POST',
        url: `/api/v1/alerts/${id}/acknowledge`,
        token: dePoc.token,
      });
      assert.equal(ack.statusCode, 200);

      const report = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}/deliveries`,
        token: sender.token,
      });
      const body = report.json<{
        counts: Record<string, number>;
        recipients: { email: string; openedAt: string | null; acknowledgedAt: string }[];
      }>();
      assert.equal(body.counts.acknowledged, 1);
      assert.equal(body.counts.opened, 1);
      const row = body.recipients.find((r) => r.email === dePoc.email);
      assert.equal(row?.openedAt, row?.acknowledgedAt, 'opened when acknowledged');
    });

    it('rejects acknowledgement by a non-recipient with 404', async () => {
      const { id } = (await send(sender.token, alert())).json<{ id: string }>();
      const url = `/api/v1/alerts/${id}/acknowledge`;
      assert.equal(
        (await t.request({ method: 'POST', url, token: outsider.token })).statusCode,
        404,
      );
      assert.equal((await t.request({ method: 'POST', url })).statusCode, 401);
    });

    it('reports deliveries to the sender and secretariat only', async () => {
      const { id } = (await send(sender.token, alert())).json<{ id: string }>();
      const url = `/api/v1/alerts/${id}/deliveries`;

      const report = await t.request({ method: 'GET', url, token: sender.token });
      assert.equal(report.statusCode, 200);
      const body = report.json<{
        counts: Record<string, number>;
        recipients: { status: string }[];
      }>();
      assert.equal(body.counts.recipients, 3);
      assert.equal(body.counts.queued, 3);
      assert.equal(body.counts.delivered, 0);
      assert.equal(body.counts.failed, 0);
      assert.equal(body.counts.acknowledged, 0);
      assert.equal(
        (await t.request({ method: 'GET', url, token: secretariat.token })).statusCode,
        200,
      );
      assert.equal((await t.request({ method: 'GET', url, token: dePoc.token })).statusCode, 404);
      assert.equal(
        (await t.request({ method: 'GET', url, token: outsider.token })).statusCode,
        404,
      );
    });

    it('puts mail in the outbox without SMTP', async () => {
      const { id } = (await send(sender.token, alert({ title: 'Outbox check' }))).json<{
        id: string;
      }>();
      await t.createWorker().runUntilIdle();

      const mails = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('subject', 'like', '%Outbox check')
        .execute();
      assert.equal(mails.length, 3);
      const [mail] = mails;
      assert.ok(mail !== undefined);
      assert.equal(mail.subject, '[Parley] [TLP:GREEN] [Severity 3 High] Outbox check');
      assert.match(mail.text_body, /http:\/\/parley\.test\/alerts\/ack\/[\w-]{43}/);
      const report = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${id}/deliveries`,
        token: sender.token,
      });
      assert.equal(report.json<{ counts: { delivered: number } }>().counts.delivered, 3);
    });
  });

  describe(`alert severity order on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(dialect);
    });
    after(() => t.close());

    it('lists alerts by severity, highest first, then newest', async () => {
      const sender = await t.createAccount('secretariat');
      const poc = await t.createAccount('poc', { state: 'PT' });
      await insertPoc(t.ctx, { state: 'PT', email: poc.email });
      for (const severity of [1, 5, 0, 2, 3]) {
        const payload = { title: `Severity ${severity}`, severity, tlp: 'green', body: '' };
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/alerts',
          token: sender.token,
          payload,
        });
        assert.equal(res.statusCode, 201);
        t.clock.advance(1000);
      }
      // A second Low alert, newer, comes before the first Low one.
      const payload = { title: 'Severity 1 newer', severity: 1, tlp: 'green', body: '' };
      await t.request({ method: 'POST', url: '/api/v1/alerts', token: sender.token, payload });

      const res = await t.request({ method: 'GET', url: '/api/v1/alerts', token: poc.token });
      const titles = res.json<{ alerts: AlertBody[] }>().alerts.map((a) => a.title);
      assert.deepEqual(titles, [
        'Severity 5',
        'Severity 3',
        'Severity 2',
        'Severity 1 newer',
        'Severity 1',
        'Severity 0',
      ]);
    });
  });
}
