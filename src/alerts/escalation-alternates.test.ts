import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp.test-helpers.ts';
import { alertEscalationJob } from './escalation.job.ts';

interface Recipient {
  email: string;
  remindedAt: string | null;
  escalatedAt: string | null;
  escalatedFrom: string | null;
}

const RESPONSE_MINUTES = 15;

for (const dialect of testDialects) {
  describe(`escalated alternates on ${dialect}`, () => {
    let t: TestApp;
    let smtp: TestSmtpServer;
    let baseUrl: string;
    let sender: TestAccount;
    let primary: TestAccount;
    let alternate: TestAccount;
    let sweeps = 0;

    const sweep = async () => {
      sweeps += 1;
      const idempotencyKey = `alternates-sweep-${sweeps}`;
      await enqueueJob(t.ctx.db, t.clock, alertEscalationJob, {}, { idempotencyKey });
      await t.createWorker().runUntilIdle();
    };
    const recipients = async (alertId: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      assert.equal(res.statusCode, 200);

      return res.json<{ recipients: Recipient[] }>().recipients;
    };
    const mailsTo = (email: string, subject: RegExp) =>
      smtp.to(email).filter((received) => subject.test(received.mail.subject ?? '')).length;

    before(async () => {
      smtp = await startTestSmtpServer();
      t = await startTestApp(dialect, { smtpUrl: smtp.url });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      sender = await t.createAccount('secretariat');
      primary = await t.createAccount('poc', { state: 'NO' });
      alternate = await t.createAccount('poc', { state: 'NO' });
      await insertPoc(t.ctx, { state: 'NO', level: 'technical', email: primary.email });
      const entry = await insertPoc(t.ctx, {
        state: 'NO',
        level: 'technical',
        email: alternate.email,
      });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate' })
        .where('id', '=', entry.id)
        .execute();
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    it('alerts the alternate live, reminds it on its own deadline, never escalates it', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: {
          title: 'Wiper on port systems',
          severity: 4,
          tlp: 'green',
          body: 'Details.',
          levels: ['technical'],
          responseMinutes: RESPONSE_MINUTES,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const alertId = res.json<{ id: string }>().id;
      await t.createWorker().runUntilIdle();
      const primaryStream = await openStream(baseUrl, primary.token);
      const alternateStream = await openStream(baseUrl, alternate.token);
      const senderStream = await openStream(baseUrl, sender.token);

      try {
        t.clock.advance(RESPONSE_MINUTES * 60_000);
        await sweep();
        assert.equal(mailsTo(primary.email, /\[Reminder\]/), 1);
        t.clock.advance(RESPONSE_MINUTES * 60_000);
        await sweep();
        assert.equal(mailsTo(alternate.email, /Wiper on port systems/), 1, 'alternate alerted');

        await alternateStream.waitFor(1);
        const live = alternateStream.frames.filter((frame) => frame.event === 'alert');
        assert.equal(live.length, 1);
        assert.equal((JSON.parse(live[0]?.data ?? '{}') as { id?: string }).id, alertId);
        // The others had the alert already, so the escalation's event is not theirs.
        await sleep(200);
        assert.equal(primaryStream.frames.filter((f) => f.event === 'alert').length, 0);
        assert.equal(senderStream.frames.filter((f) => f.event === 'alert').length, 0);

        // The alternate's deadline runs from the escalation, not from the alert.
        t.clock.advance(RESPONSE_MINUTES * 60_000 - 60_000);
        await sweep();
        assert.equal(mailsTo(alternate.email, /\[Reminder\]/), 0, 'not before its own deadline');
        t.clock.advance(60_000);
        await sweep();
        await sweep();
        assert.equal(mailsTo(alternate.email, /\[Reminder\]/), 1, 'reminded exactly once');

        t.clock.advance(10 * RESPONSE_MINUTES * 60_000);
        await sweep();
        const rows = await recipients(alertId);
        const alternateRow = rows.find((row) => row.email === alternate.email);
        assert.notEqual(alternateRow?.remindedAt ?? null, null);
        assert.equal(alternateRow?.escalatedAt ?? null, null, 'alternates are not escalated');
        assert.equal(alternateRow?.escalatedFrom, primary.email);
        assert.equal(rows.length, 2);
      } finally {
        primaryStream.close();
        alternateStream.close();
        senderStream.close();
      }
    });
  });
}
