import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { findLastEventId } from '../events/events.queries.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { newSecret } from '../shared/crypto.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../webhooks/webhook.test-helpers.ts';
import { toRecipientRow } from './alerts.service.ts';
import { sweepOverdueRecipients } from './escalation.job.ts';

// A partner organisation cleared for TLP:AMBER when an alert goes out and lowered to TLP:GREEN
// afterwards reads nothing more of that alert: no live event, mail, link page or webhook call.
for (const dialect of testDialects) {
  describe(`alerts after a lowered partner clearance on ${dialect}`, () => {
    let t: TestApp;
    let receiver: WebhookReceiver;
    let baseUrl: string;
    let sender: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;
    let organisationId: string;
    // The sender's own PoC, which receives every AMBER alert of these tests.
    let kePocEmail: string;

    before(async () => {
      receiver = await startWebhookReceiver();
      // The receiver listens on loopback, which webhooks may call only when the operator allows it.
      t = await startTestApp(dialect, { webhookAllowedHosts: ['127.0.0.1'] });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      sender = await t.createAccount('state-editor', { state: 'KE' });
      partner = await t.createAccount('partner', { org: 'Example Hunters' });
      secretariat = await t.createAccount('secretariat');
      kePocEmail = (await insertPoc(t.ctx, { state: 'KE', level: 'technical' })).email;
      const row = await t.ctx.db
        .selectFrom('accounts')
        .select('organisation_id')
        .where('id', '=', partner.id)
        .executeTakeFirstOrThrow();
      organisationId = row.organisation_id ?? '';
    });
    after(async () => {
      await t.close();
      await receiver.close();
    });

    const setClearance = async (clearance: string) => {
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisationId}`,
        token: secretariat.token,
        payload: { clearance },
      });
      assert.equal(res.statusCode, 200);
    };
    const sendAlert = async (title: string, tlp: string, extra: Record<string, unknown> = {}) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: {
          title,
          severity: 2,
          tlp,
          body: `${title} body`,
          organisations: [organisationId],
          ...extra,
        },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ id: string }>().id;
    };
    /** Sends an AMBER alert while the organisation is cleared for it, then lowers the clearance. */
    const sendAmberThenLower = async (title: string, extra: Record<string, unknown> = {}) => {
      await setClearance('amber');
      const id = await sendAlert(title, 'amber', extra);
      await setClearance('green');

      return id;
    };
    const titleOf = (data: string | null) => (JSON.parse(data ?? '{}') as { title: string }).title;
    const mailsTo = (email: string) =>
      t.ctx.db
        .selectFrom('mail_outbox')
        .select(['subject', 'text_body'])
        .where('to_address', '=', email)
        .orderBy('id')
        .execute();
    const deliveriesOf = (alertId: string) =>
      t.ctx.db
        .selectFrom('alert_deliveries as d')
        .innerJoin('alert_recipients as r', 'r.id', 'd.recipient_id')
        .select(['d.channel', 'd.status', 'd.failure_reason', 'd.content_withheld', 'd.failed_at'])
        .where('d.alert_id', '=', alertId)
        .where('r.email_key', '=', partner.email)
        .orderBy('d.queued_at')
        .execute();
    const ackTokenIn = (text: string) => {
      const match = /\/alerts\/ack\/([\w%-]+)/.exec(text);
      assert.ok(match?.[1] !== undefined, 'the mail carries an acknowledgement link');

      return decodeURIComponent(match[1]);
    };

    it('replays no event above the clearance', async () => {
      const startId = await findLastEventId(t.ctx.db);
      const amber = await sendAmberThenLower('Replay AMBER after downgrade');
      const green = await sendAlert('Replay GREEN marker', 'green');

      const stream = await openStream(baseUrl, partner.token, { 'last-event-id': String(startId) });
      assert.equal(stream.res.status, 200);
      // Events replay in id order, so a GREEN alert arriving first proves the AMBER one skipped.
      await stream.waitFor(1);
      stream.close();
      assert.equal(stream.frames[0]?.event, 'alert');
      assert.equal(titleOf(stream.frames[0].data), 'Replay GREEN marker');
      const ids = stream.frames.map((f) => (JSON.parse(f.data ?? '{}') as { id: string }).id);
      assert.ok(!ids.includes(amber), 'the AMBER alert is not replayed');
      assert.ok(ids.includes(green));

      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${amber}`,
        token: partner.token,
      });
      assert.equal(read.statusCode, 404);
    });

    it('sends no live event above the clearance', async () => {
      const stream = await openStream(baseUrl, partner.token);
      assert.equal(stream.res.status, 200);
      // A recipient row written while the organisation was cleared for TLP:AMBER, whose event is
      // fanned out after the clearance was lowered.
      const amber = await sendAlert('Live AMBER for KE', 'amber', {
        organisations: [],
        states: ['KE'],
      });
      const row = toRecipientRow(
        amber,
        `${amber.slice(0, -4)}cafe`,
        {
          pocId: null,
          email: partner.email,
          emailKey: partner.email,
          stateCode: null,
          level: null,
          organisationId,
          contactRole: null,
        },
        newSecret(),
      );
      await t.ctx.db.insertInto('alert_recipients').values(row).execute();
      const event = await t.ctx.db.transaction().execute((trx) =>
        recordEvent(trx, t.ctx.database.dialect, t.clock, 'alert', {
          id: amber,
          title: 'Live AMBER for KE',
          severity: 2,
          tlp: 'amber',
          createdAt: t.clock.now().toISOString(),
          senderState: 'KE',
        }),
      );
      await publishEvents(t.ctx, [event]);
      await sendAlert('Live GREEN marker', 'green');

      await stream.waitFor(1);
      stream.close();
      assert.equal(titleOf(stream.frames[0]?.data ?? null), 'Live GREEN marker');
      const titles = stream.frames.map((f) => titleOf(f.data));
      assert.ok(!titles.includes('Live AMBER for KE'));
    });

    it('withholds a queued first mail', async () => {
      const amber = await sendAmberThenLower('First mail AMBER after downgrade');
      await t.createWorker().runUntilIdle();

      const mails = await mailsTo(partner.email);
      assert.ok(!mails.some((mail) => mail.subject.includes('First mail AMBER after downgrade')));
      assert.ok(!mails.some((mail) => mail.text_body.includes('First mail AMBER after downgrade')));
      const deliveries = await deliveriesOf(amber);
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0]?.channel, 'email');
      assert.equal(deliveries[0].status, 'failed');
      assert.equal(deliveries[0].content_withheld, 1);
      assert.notEqual(deliveries[0].failed_at, null);
      assert.match(deliveries[0].failure_reason ?? '', /not cleared for TLP:AMBER/);
    });

    it('sends no reminder above the clearance', async () => {
      await setClearance('amber');
      const amber = await sendAlert('Reminder AMBER probe', 'amber', { responseMinutes: 1 });
      await t.createWorker().runUntilIdle();
      const first = await mailsTo(partner.email);
      const mail = first.find((m) => m.subject.includes('Reminder AMBER probe'));
      assert.ok(mail !== undefined, 'the first mail went out while the clearance allowed it');
      await setClearance('green');

      t.clock.advance(2 * 60_000);
      const swept = await sweepOverdueRecipients(t.ctx);
      assert.equal(swept.reminded, 2, 'the KE PoC and the partner are overdue');
      await t.createWorker().runUntilIdle();

      // The KE PoC, still cleared, gets its reminder.
      const reminded = await mailsTo(kePocEmail);
      assert.ok(reminded.some((m) => /\[Reminder\].*Reminder AMBER probe/.test(m.subject)));

      const mails = await mailsTo(partner.email);
      const probes = mails.filter((m) => m.text_body.includes('Reminder AMBER probe body'));
      assert.equal(probes.length, 1, 'only the first mail carries the body');
      assert.ok(!mails.some((m) => m.subject.includes('[Reminder]')));
      const reminder = (await deliveriesOf(amber)).find((d) => d.channel === 'email-reminder');
      assert.equal(reminder?.status, 'failed');
      assert.equal(reminder.content_withheld, 1);
      assert.match(reminder.failure_reason ?? '', /not cleared for TLP:AMBER/);

      const report = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${amber}/deliveries`,
        token: sender.token,
      });
      assert.equal(report.statusCode, 200);
      assert.match(report.body, /not cleared for TLP:AMBER/);
    });

    it('treats the personal link as unknown', async () => {
      await setClearance('amber');
      const amber = await sendAlert('Link AMBER probe', 'amber');
      await t.createWorker().runUntilIdle();
      const mail = (await mailsTo(partner.email)).find((m) =>
        m.subject.includes('Link AMBER probe'),
      );
      assert.ok(mail !== undefined);
      const token = ackTokenIn(mail.text_body);
      const url = `/alerts/ack/${encodeURIComponent(token)}`;
      const allowed = await t.request({ method: 'GET', url });
      assert.equal(allowed.statusCode, 200);
      assert.match(allowed.body, /Link AMBER probe body/);
      await setClearance('green');

      const page = await t.request({ method: 'GET', url });
      const unknown = await t.request({ method: 'GET', url: `/alerts/ack/${newSecret()}` });
      assert.equal(unknown.statusCode, 404);
      assert.equal(page.statusCode, 404);
      assert.doesNotMatch(page.body, /Link AMBER probe/);
      assert.doesNotMatch(page.body, /TLP:AMBER/);
      const heading = (body: string) => /<h1>([^<]*)<\/h1>/.exec(body)?.[1];
      assert.equal(heading(page.body), heading(unknown.body));

      const ack = await t.request({ method: 'POST', url });
      assert.equal(ack.statusCode, 404);
      assert.doesNotMatch(ack.body, /Link AMBER probe/);
      const recipient = await t.ctx.db
        .selectFrom('alert_recipients')
        .select('acknowledged_at')
        .where('alert_id', '=', amber)
        .where('email_key', '=', partner.email)
        .executeTakeFirstOrThrow();
      assert.equal(recipient.acknowledged_at, null);
    });

    it('calls no webhook above the clearance', async () => {
      const hook = await t.request({
        method: 'POST',
        url: '/api/v1/webhooks',
        token: partner.token,
        payload: { url: `${receiver.url}/hunters` },
      });
      assert.equal(hook.statusCode, 201, hook.body);
      const amber = await sendAmberThenLower('Webhook AMBER after downgrade');
      const green = await sendAlert('Webhook GREEN marker', 'green');
      await t.createWorker().runUntilIdle();

      const calls = receiver.calls.filter((call) => call.path === '/hunters');
      const alertIds = calls.map(
        (call) => (JSON.parse(call.body) as { alert: { id: string } }).alert.id,
      );
      assert.deepEqual(alertIds, [green]);
      const delivery = await t.ctx.db
        .selectFrom('webhook_deliveries')
        .select(['status', 'failure_reason'])
        .where('alert_id', '=', amber)
        .executeTakeFirstOrThrow();
      assert.equal(delivery.status, 'failed');
      assert.match(delivery.failure_reason ?? '', /not cleared for TLP:AMBER/);
    });
  });
}
