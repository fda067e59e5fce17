import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { countRejections } from '../admin/admin.test-helpers.ts';
import { recordEvent } from '../events/events.service.ts';
import { listExerciseAlertRecipients } from '../exercises/exercises.queries.ts';
import { newSecret } from '../shared/crypto.ts';
import { requeueMissingDeliveries } from './escalation.job.ts';
import { toRecipientRow } from './alerts.service.ts';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

interface Receipt {
  alertId: string;
  channel: string;
  deliveredAt: string;
}

interface Report {
  counts: Record<string, number>;
  recipients: {
    email: string;
    status: string;
    channels: { channel: string; status: string; deliveredAt: string | null }[];
  }[];
}

/** The parts of a 404 that must not differ between an unknown alert and a hidden one. */
function notFoundShape(res: LightMyRequestResponse) {
  const problem = res.json<Problem>();

  return { statusCode: res.statusCode, code: problem.code, detail: problem.detail };
}

for (const dialect of testDialects) {
  describe(`live receipts of alerts on ${dialect}`, () => {
    let t: TestApp;
    let sender: TestAccount;
    let noPoc: TestAccount;
    let outsider: TestAccount;
    let partner: TestAccount;
    const otherNoEmail = 'desk@cert.no.test';

    before(async () => {
      t = await startTestApp(dialect);
      sender = await t.createAccount('state-editor', { state: 'NO' });
      noPoc = await t.createAccount('poc', { state: 'NO' });
      outsider = await t.createAccount('poc', { state: 'SE' });
      // A new organisation is cleared for TLP:GREEN.
      partner = await t.createAccount('partner', { org: 'Fjord Threat Research' });
      await insertPoc(t.ctx, { state: 'NO', level: 'technical', email: noPoc.email });
      await insertPoc(t.ctx, { state: 'NO', level: 'policy', email: otherNoEmail });
      await insertPoc(t.ctx, { state: 'SE', level: 'technical', email: outsider.email });
    });
    after(() => t.close());

    const sendAlert = async (title: string, tlp = 'amber') => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title, severity: 3, tlp, body: `${title}.`, states: ['NO'] },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ id: string }>().id;
    };
    const alertEventId = async (alertId: string) => {
      const rows = await t.ctx.db
        .selectFrom('events')
        .select(['id', 'payload'])
        .where('kind', '=', 'alert')
        .execute();
      const row = rows.find((r) => (JSON.parse(r.payload) as { id: string }).id === alertId);
      assert.ok(row, `no alert event for ${alertId}`);

      return row.id;
    };
    const sendReceipt = (token: string, alertId: string, payload: unknown) =>
      t.request({
        method: 'POST',
        url: `/api/v1/alerts/${alertId}/receipts`,
        token,
        payload: payload as Record<string, unknown>,
      });
    const liveRows = (alertId: string) =>
      t.ctx.db
        .selectFrom('alert_deliveries')
        .selectAll()
        .where('alert_id', '=', alertId)
        .where('channel', '=', 'live')
        .execute();
    const liveDeliveryEvents = async (alertId: string) => {
      const rows = await t.ctx.db
        .selectFrom('events')
        .select('payload')
        .where('kind', '=', 'delivery')
        .execute();

      return rows
        .map((row) => JSON.parse(row.payload) as { alertId: string; channel: string })
        .filter((event) => event.alertId === alertId && event.channel === 'live');
    };
    const report = async (alertId: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      assert.equal(res.statusCode, 200, res.body);

      return res.json<Report>();
    };

    it('records one live delivery per recipient', async () => {
      const alertId = await sendAlert('Credential phishing against the energy sector');
      const eventId = await alertEventId(alertId);
      const event = await t.ctx.db
        .selectFrom('events')
        .select('created_at')
        .where('id', '=', eventId)
        .executeTakeFirstOrThrow();
      t.clock.advance(2_000);
      const firstAt = t.clock.now().toISOString();

      const first = await sendReceipt(noPoc.token, alertId, { channel: 'live', eventId });
      assert.equal(first.statusCode, 200, first.body);
      assert.deepEqual(first.json<Receipt>(), { alertId, channel: 'live', deliveredAt: firstAt });
      const rows = await liveRows(alertId);
      assert.equal(rows.length, 1);
      const [live] = rows;
      assert.ok(live);
      assert.equal(live.status, 'delivered');
      assert.equal(live.delivered_at, firstAt);
      assert.equal(live.queued_at, event.created_at);
      const recipient = await t.ctx.db
        .selectFrom('alert_recipients')
        .select(['id', 'opened_at'])
        .where('alert_id', '=', alertId)
        .where('email_key', '=', noPoc.email)
        .executeTakeFirstOrThrow();
      assert.equal(live.recipient_id, recipient.id);
      assert.equal(recipient.opened_at, null, 'a live delivery is not an opening');
      assert.equal((await liveDeliveryEvents(alertId)).length, 1);

      t.clock.advance(5_000);
      const second = await sendReceipt(noPoc.token, alertId, { channel: 'live', eventId });
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json<Receipt>().deliveredAt, firstAt);
      const repeated = await liveRows(alertId);
      assert.equal(repeated.length, 1);
      assert.equal(repeated[0]?.delivered_at, firstAt);
      assert.equal((await liveDeliveryEvents(alertId)).length, 1, 'the sender is told once');
    });

    it('report shows the live channel', async () => {
      const alertId = await sendAlert('Wiper malware in municipal networks');
      const eventId = await alertEventId(alertId);
      const res = await sendReceipt(noPoc.token, alertId, { channel: 'live', eventId });
      assert.equal(res.statusCode, 200, res.body);

      const { counts, recipients } = await report(alertId);
      assert.equal(counts.recipients, 2);
      assert.equal(counts.liveDelivered, 1);
      // The first mails are still queued: the live delivery does not count as a mail.
      assert.equal(counts.queued, 2);
      assert.equal(counts.delivered, 0);
      assert.equal(counts.opened, 0);
      const confirmed = recipients.find((r) => r.email === noPoc.email);
      assert.ok(confirmed, `${noPoc.email} missing from the report`);
      assert.equal(confirmed.status, 'delivered');
      const live = confirmed.channels.find((c) => c.channel === 'live');
      assert.equal(live?.status, 'delivered');
      assert.notEqual(live.deliveredAt, null);
      const other = recipients.find((r) => r.email === otherNoEmail);
      assert.equal(other?.status, 'queued');
      assert.ok(!other.channels.some((c) => c.channel === 'live'));
    });

    it('exercise report keeps mail times', async () => {
      const alertId = await sendAlert('Drill alert seen live');
      const eventId = await alertEventId(alertId);
      const res = await sendReceipt(noPoc.token, alertId, { channel: 'live', eventId });
      assert.equal(res.statusCode, 200, res.body);

      const rows = await listExerciseAlertRecipients(t.ctx.db, [alertId]);
      const row = rows.find((candidate) => candidate.email === noPoc.email);
      assert.ok(row, `${noPoc.email} missing from the exercise recipients`);
      // The first mail is still queued, so the after-action report has no delivery time yet.
      assert.equal(row.delivered_at, null);
    });

    it('rejects a non-recipient as not found', async () => {
      const alertId = await sendAlert('Exposed VPN appliances in ministries');
      const eventId = await alertEventId(alertId);
      const auditedBefore = await countRejections(t, outsider.id, 'alert.receipt');

      const hidden = await sendReceipt(outsider.token, alertId, { channel: 'live', eventId });
      const unknown = await sendReceipt(outsider.token, 'no-such-alert', {
        channel: 'live',
        eventId,
      });
      assert.equal(hidden.statusCode, 404);
      assert.deepEqual(notFoundShape(hidden), notFoundShape(unknown));
      assert.equal(hidden.json<Problem>().code, 'not_found');
      assert.equal(await countRejections(t, outsider.id, 'alert.receipt'), auditedBefore + 2);
      const entry = await t.ctx.db
        .selectFrom('audit_log')
        .select(['target', 'outcome'])
        .where('account_id', '=', outsider.id)
        .where('action', '=', 'alert.receipt')
        .where('target', '=', `alert:${alertId}`)
        .executeTakeFirst();
      assert.equal(entry?.outcome, 'denied');
      assert.equal((await liveRows(alertId)).length, 0);
      assert.equal((await liveDeliveryEvents(alertId)).length, 0);
    });

    it('rejects a partner above its clearance', async () => {
      const alertId = await sendAlert('AMBER alert with a stored partner row');
      const eventId = await alertEventId(alertId);
      // A recipient row stored before partners were capped at their clearance.
      const row = toRecipientRow(
        alertId,
        `${alertId.slice(0, -4)}beef`,
        {
          pocId: null,
          email: partner.email,
          emailKey: partner.email,
          stateCode: 'NO',
          level: 'policy',
          organisationId: null,
          contactRole: null,
        },
        newSecret(),
      );
      await t.ctx.db.insertInto('alert_recipients').values(row).execute();
      const auditedBefore = await countRejections(t, partner.id, 'alert.receipt');

      const hidden = await sendReceipt(partner.token, alertId, { channel: 'live', eventId });
      const unknown = await sendReceipt(partner.token, 'no-such-alert', {
        channel: 'live',
        eventId,
      });
      assert.equal(hidden.statusCode, 404);
      assert.deepEqual(notFoundShape(hidden), notFoundShape(unknown));
      assert.equal(await countRejections(t, partner.id, 'alert.receipt'), auditedBefore + 2);
      assert.equal((await liveRows(alertId)).length, 0);
    });

    it('sender gets 404 without audit', async () => {
      const alertId = await sendAlert('Sender follows the alert');
      const eventId = await alertEventId(alertId);

      const res = await sendReceipt(sender.token, alertId, { channel: 'live', eventId });
      assert.equal(res.statusCode, 404);
      assert.equal(await countRejections(t, sender.id, 'alert.receipt'), 0);
      assert.equal((await liveRows(alertId)).length, 0);
    });

    it('rejects invalid bodies naming the field', async () => {
      const alertId = await sendAlert('DDoS against the tax portal');
      const eventId = await alertEventId(alertId);
      const otherAlertId = await sendAlert('Another alert');
      const otherEventId = await alertEventId(otherAlertId);
      const { dialect: eventDialect } = t.ctx.database;
      // An escalation's event reaches only the alternates it added.
      const escalation = await t.ctx.db.transaction().execute((trx) =>
        recordEvent(trx, eventDialect, t.clock, 'alert', {
          id: alertId,
          title: 'DDoS against the tax portal',
          severity: 3,
          tlp: 'amber',
          createdAt: t.clock.now().toISOString(),
          senderState: 'NO',
          escalatedFrom: 'another-recipient',
        }),
      );
      const delivery = await t.ctx.db.transaction().execute((trx) =>
        recordEvent(trx, eventDialect, t.clock, 'delivery', {
          alertId,
          recipient: noPoc.email,
          channel: 'email',
          status: 'delivered',
          at: t.clock.now().toISOString(),
        }),
      );
      const cases: { name: string; payload: unknown; field: string }[] = [
        { name: 'empty body', payload: {}, field: 'channel' },
        { name: 'eventId missing', payload: { channel: 'live' }, field: 'eventId' },
        { name: 'mail channel', payload: { channel: 'email', eventId }, field: 'channel' },
        { name: 'eventId as text', payload: { channel: 'live', eventId: '7' }, field: 'eventId' },
        { name: 'eventId zero', payload: { channel: 'live', eventId: 0 }, field: 'eventId' },
        { name: 'eventId fraction', payload: { channel: 'live', eventId: 1.5 }, field: 'eventId' },
        {
          name: 'unknown field',
          payload: { channel: 'live', eventId, seenAt: '2026-12-01T09:00:00Z' },
          field: 'seenAt',
        },
        {
          name: 'event of another alert',
          payload: { channel: 'live', eventId: otherEventId },
          field: 'eventId',
        },
        {
          name: 'escalation event of others',
          payload: { channel: 'live', eventId: escalation.id },
          field: 'eventId',
        },
        {
          name: 'delivery event',
          payload: { channel: 'live', eventId: delivery.id },
          field: 'eventId',
        },
        {
          name: 'event never stored',
          payload: { channel: 'live', eventId: 9_000_000 },
          field: 'eventId',
        },
      ];
      for (const { name, payload, field } of cases) {
        const res = await sendReceipt(noPoc.token, alertId, payload);
        assert.equal(res.statusCode, 422, `${name}: ${res.body}`);
        const fields = (res.json<Problem>().errors ?? []).map((error) => error.field);
        assert.ok(fields.includes(field), `${name}: ${fields.join(', ')}`);
      }
      assert.equal((await liveRows(alertId)).length, 0, 'a rejected receipt stores nothing');
    });

    it('requires the CSRF token with a session', async () => {
      const alertId = await sendAlert('Session receipt');
      const eventId = await alertEventId(alertId);
      const signin = await t.request({ method: 'GET', url: '/signin' });
      const csrfCookie = signin.cookies.find((c) => c.name === 'parley_signin_csrf');
      assert.ok(csrfCookie);
      const login = await t.request({
        method: 'POST',
        url: '/signin',
        headers: { cookie: `parley_signin_csrf=${csrfCookie.value}` },
        payload: { email: noPoc.email, password: noPoc.password, _csrf: csrfCookie.value },
      });
      assert.equal(login.statusCode, 303);
      const session = login.cookies.find((c) => c.name === 'parley_session');
      assert.ok(session);
      const cookie = `parley_session=${session.value}`;
      const url = `/api/v1/alerts/${alertId}/receipts`;
      const payload = { channel: 'live', eventId };

      const without = await t.request({ method: 'POST', url, headers: { cookie }, payload });
      assert.equal(without.statusCode, 403);
      assert.equal(without.json<Problem>().code, 'csrf_failed');
      assert.equal((await liveRows(alertId)).length, 0);

      const me = await t.request({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      const { csrfToken } = me.json<{ csrfToken: string }>();
      const withToken = await t.request({
        method: 'POST',
        url,
        headers: { cookie, 'x-csrf-token': csrfToken },
        payload,
      });
      assert.equal(withToken.statusCode, 200, withToken.body);
      assert.equal((await liveRows(alertId)).length, 1);
    });

    it('crash sweep still queues the mail', async () => {
      const alertId = await sendAlert('Alert whose mail rows were lost');
      const eventId = await alertEventId(alertId);
      // As if the process stopped between the two transactions of createAlert.
      await t.ctx.db.deleteFrom('alert_deliveries').where('alert_id', '=', alertId).execute();
      const receipt = await sendReceipt(noPoc.token, alertId, { channel: 'live', eventId });
      assert.equal(receipt.statusCode, 200, receipt.body);

      t.clock.advance(2 * 60_000);
      await requeueMissingDeliveries(t.ctx);
      const rows = await t.ctx.db
        .selectFrom('alert_deliveries as d')
        .innerJoin('alert_recipients as r', 'r.id', 'd.recipient_id')
        .select(['r.email_key', 'd.channel'])
        .where('d.alert_id', '=', alertId)
        .execute();
      const channelsOf = (email: string) =>
        rows
          .filter((row) => row.email_key === email)
          .map((row) => row.channel)
          .sort();
      assert.deepEqual(channelsOf(noPoc.email), ['email', 'live']);
      assert.deepEqual(channelsOf(otherNoEmail), ['email']);
    });
  });
}
