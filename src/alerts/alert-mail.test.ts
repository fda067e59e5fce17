import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';

interface ReceivedMail {
  envelopeTo: string[];
  mail: ParsedMail;
}

/** Starts an SMTP server on 127.0.0.1 that keeps every message and rejects RCPT for `rejected`. */
async function startSmtpServer(rejected: ReadonlySet<string>) {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address)) {
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      simpleParser(stream)
        .then((mail) => {
          received.push({ envelopeTo, mail });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

function headerLines(mail: ParsedMail): string[] {
  return mail.headerLines.map((line) => line.key);
}

for (const dialect of testDialects) {
  describe(`alert mail over SMTP on ${dialect}`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let sender: TestAccount;
    let pocEmails: string[];
    const rejected = new Set<string>();

    beforeEach(async () => {
      rejected.clear();
      smtp = await startSmtpServer(rejected);
      t = await startTestApp(dialect, {
        smtpUrl: smtp.url,
        mailFrom: 'Parley <alerts@parley.test>',
      });
      sender = await t.createAccount('secretariat');
      pocEmails = [];
      for (const state of ['FR', 'DE', 'BR'])
        pocEmails.push((await insertPoc(t.ctx, { state })).email);
    });
    afterEach(async () => {
      await t.close();
      await smtp.close();
    });

    const publish = async (extra: Record<string, unknown> = {}) => {
      const payload = {
        title: 'Ransomware on hospitals',
        severity: 3,
        tlp: 'green',
        body: 'Patch now.',
        ...extra,
      };
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload,
      });
      assert.equal(res.statusCode, 201);

      return res.json<{ id: string; recipients: number }>();
    };
    const deliveries = async (alertId: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      return res.json<{
        counts: Record<string, number>;
        recipients: {
          email: string;
          status: string;
          failureReason: string | null;
          openedAt: string | null;
          acknowledgedAt: string | null;
          acknowledgedVia: string | null;
          sentAt: string | null;
          deliveredAt: string | null;
        }[];
      }>();
    };

    it('mails each PoC once and acknowledges through the link', async () => {
      const created = await publish();
      assert.equal(created.recipients, 3);
      assert.equal(smtp.received.length, 0, 'no mail is sent inside the request');

      await t.createWorker().runUntilIdle();

      assert.equal(smtp.received.length, 3);
      for (const email of pocEmails) {
        const mails = smtp.received.filter((r) => r.envelopeTo.includes(email));
        assert.equal(mails.length, 1, `${email} gets exactly one mail`);
      }
      const first = smtp.received.find((r) => r.envelopeTo[0] === pocEmails[0]);
      assert.ok(first !== undefined);
      assert.equal(
        first.mail.subject,
        '[Parley] [TLP:GREEN] [Severity 3 High] Ransomware on hospitals',
      );
      assert.equal(first.mail.from?.value[0]?.address, 'alerts@parley.test');
      assert.match(first.mail.text ?? '', /TLP:GREEN/);
      assert.match(first.mail.text ?? '', /Patch now\./);
      const link = /http:\/\/parley\.test(\/alerts\/ack\/[\w-]+)/.exec(first.mail.text ?? '');
      assert.ok(link?.[1] !== undefined, 'mail carries the acknowledgement link');
      const path = link[1];

      const page = await t.request({ method: 'GET', url: path });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Ransomware on hospitals/);
      assert.match(page.body, /<button type="submit">Acknowledge<\/button>/);
      assert.equal(page.headers['cache-control'], 'no-store');
      let report = await deliveries(created.id);
      let row = report.recipients.find((r) => r.email === pocEmails[0]);
      assert.ok(row?.openedAt !== null);
      assert.equal(row?.acknowledgedAt, null, 'opening the link does not acknowledge');

      const ack = await t.request({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '_csrf=',
      });
      assert.equal(ack.statusCode, 200);
      assert.match(ack.body, /Alert acknowledged/);

      report = await deliveries(created.id);
      row = report.recipients.find((r) => r.email === pocEmails[0]);
      assert.ok(row !== undefined);
      assert.equal(row.status, 'acknowledged');
      assert.ok(row.sentAt !== null);
      assert.ok(row.deliveredAt !== null);
      assert.equal(row.acknowledgedVia, 'link');
      assert.ok(row.acknowledgedAt !== null);
      assert.equal(report.counts.recipients, 3);
      assert.equal(report.counts.queued, 0);
      assert.equal(report.counts.delivered, 3);
      assert.equal(report.counts.failed, 0);
      assert.equal(report.counts.opened, 1);
      assert.equal(report.counts.acknowledged, 1);
    });

    it('shows a 404 page for an unknown link', async () => {
      const res = await t.request({ method: 'GET', url: '/alerts/ack/not-a-real-token' });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /text\/html/);
      const post = await t.request({ method: 'POST', url: '/alerts/ack/not-a-real-token' });
      assert.equal(post.statusCode, 404);
    });

    it('sends a stored title with CR/LF without extra headers', async () => {
      const created = await publish();
      await t.ctx.db
        .updateTable('alerts')
        .set({ title: 'Update\r\nBcc: thief@evil.test\r\nX-Injected: yes' })
        .where('id', '=', created.id)
        .execute();

      await t.createWorker().runUntilIdle();

      assert.equal(smtp.received.length, 3);
      for (const { envelopeTo, mail } of smtp.received) {
        assert.equal(envelopeTo.length, 1);
        assert.ok(!envelopeTo.includes('thief@evil.test'));
        assert.ok(!headerLines(mail).includes('x-injected'));
        assert.ok(!headerLines(mail).includes('bcc'));
        assert.doesNotMatch(mail.subject ?? '', /[\r\n]/);
        assert.match(mail.subject ?? '', /Update Bcc: thief@evil\.test X-Injected: yes$/);
      }
    });

    it('still mails a recipient whose PoC entry was deleted', async () => {
      const created = await publish({ severity: 3 });
      await t.ctx.db
        .deleteFrom('pocs')
        .where('email', '=', pocEmails[1] ?? '')
        .execute();
      await t.ctx.db
        .updateTable('alert_recipients')
        .set({ poc_id: null, state_code: null, level: null })
        .where('email', '=', pocEmails[1] ?? '')
        .execute();

      await t.createWorker().runUntilIdle();

      for (const email of pocEmails) {
        assert.equal(smtp.received.filter((r) => r.envelopeTo.includes(email)).length, 1);
      }
      assert.equal((await deliveries(created.id)).counts.delivered, 3);
    });

    it('records a rejected recipient as failed while the others are sent', async () => {
      const badEmail = pocEmails[1] ?? '';
      rejected.add(badEmail);
      const created = await publish();

      await t.createWorker().runUntilIdle();

      assert.equal(
        smtp.received.filter((r) => r.envelopeTo.includes(pocEmails[0] ?? '')).length,
        1,
      );
      assert.equal(
        smtp.received.filter((r) => r.envelopeTo.includes(pocEmails[2] ?? '')).length,
        1,
      );
      assert.equal(smtp.received.filter((r) => r.envelopeTo.includes(badEmail)).length, 0);
      const report = await deliveries(created.id);
      assert.equal(report.counts.recipients, 3);
      assert.equal(report.counts.queued, 0);
      assert.equal(report.counts.delivered, 2);
      assert.equal(report.counts.failed, 1);
      assert.equal(report.counts.acknowledged, 0);
      const bad = report.recipients.find((r) => r.email === badEmail);
      assert.ok(bad !== undefined);
      assert.equal(bad.status, 'failed');
      assert.match(bad.failureReason ?? '', /550/);

      const jobs = await t.ctx.db
        .selectFrom('jobs')
        .selectAll()
        .where('kind', '=', 'alert-mail')
        .execute();
      assert.deepEqual(jobs.map((job) => job.status).sort(), ['done', 'done', 'failed']);
      assert.match(jobs.find((job) => job.status === 'failed')?.last_error ?? '', /550/);
    });

    it('retries a temporary failure and records the attempts', async () => {
      await smtp.close();
      const created = await publish();
      const worker = t.createWorker();

      assert.equal(await worker.runUntilIdle(), 3);
      const report = await deliveries(created.id);
      assert.equal(report.counts.queued, 3);
      assert.ok(report.recipients.every((r) => r.failureReason !== null));
      const jobs = await t.ctx.db
        .selectFrom('jobs')
        .selectAll()
        .where('kind', '=', 'alert-mail')
        .execute();
      assert.ok(jobs.every((job) => job.status === 'pending' && job.attempts === 1));
      smtp = await startSmtpServer(rejected);
    });

    it('sends the emergency mail first', async () => {
      await t.ctx.db
        .deleteFrom('pocs')
        .where('email', '!=', pocEmails[0] ?? '')
        .execute();
      for (const severity of [1, 5, 0, 2, 3]) {
        await publish({ title: `Severity ${severity}`, severity });
        t.clock.advance(1000);
      }

      await t.createWorker().runUntilIdle();

      const subjects = smtp.received.map((r) => r.mail.subject ?? '');
      assert.equal(subjects.length, 5);
      assert.match(subjects[0] ?? '', /\[Severity 5 Emergency\] Severity 5$/);
      assert.deepEqual(
        subjects.map((s) => /Severity (\d)$/.exec(s)?.[1]),
        ['5', '3', '2', '1', '0'],
      );
    });
  });
}
