import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { decrypt, generateKey, readMessage, readPrivateKey } from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp.test-helpers.ts';
import { alertEscalationJob } from './escalation.job.ts';

interface Report {
  counts: Record<string, number>;
  recipients: {
    email: string;
    status: string;
    contactRole: string | null;
    remindedAt: string | null;
    escalatedAt: string | null;
    escalatedFrom: string | null;
    channels: { channel: string; status: string; failureReason: string | null }[];
  }[];
}

let sweepCount = 0;

/** Runs one escalation sweep and every job it queues. */
async function sweep(t: TestApp) {
  sweepCount += 1;
  const idempotencyKey = `sweep-test-${sweepCount}`;
  await enqueueJob(t.ctx.db, t.clock, alertEscalationJob, {}, { idempotencyKey });
  await t.createWorker().runUntilIdle();
}

for (const dialect of testDialects) {
  describe(`alert channels on ${dialect}`, () => {
    let t: TestApp;
    let smtp: TestSmtpServer;
    let sender: TestAccount;

    before(async () => {
      smtp = await startTestSmtpServer();
      t = await startTestApp(dialect, { smtpUrl: smtp.url });
      sender = await t.createAccount('secretariat');
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });
    beforeEach(async () => {
      // Each test addresses only the PoCs it inserts.
      await t.ctx.db.deleteFrom('pocs').execute();
      smtp.received.length = 0;
    });

    const publish = async (payload: Record<string, unknown>) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title: 'Channel test', severity: 3, tlp: 'green', body: 'Body.', ...payload },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ id: string; recipients: number }>();
    };
    const report = async (alertId: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      assert.equal(res.statusCode, 200);

      return res.json<Report>();
    };

    it('mails the others when one PoC has an unusable key record', async () => {
      const pocs = [
        await insertPoc(t.ctx, { state: 'FR' }),
        await insertPoc(t.ctx, { state: 'DE' }),
        await insertPoc(t.ctx, { state: 'BR' }),
      ];
      const legacy = pocs[1]?.email ?? '';
      await t.ctx.db
        .updateTable('pocs')
        .set({ pgp_key: '-----BEGIN PGP PUBLIC KEY BLOCK-----\nnull\n' })
        .where('email', '=', legacy)
        .execute();

      const created = await publish({ severity: 3 });
      await t.createWorker().runUntilIdle();

      for (const { email } of pocs) {
        assert.equal(smtp.to(email).length, 1, `${email} gets exactly one mail`);
      }
      const legacyMail = smtp.to(legacy)[0]?.mail;
      assert.match(legacyMail?.text ?? '', /Channel test/, 'the fallback mail is readable');
      const body = await report(created.id);
      assert.equal(body.counts.delivered, 3);
      assert.equal(body.counts.failed, 0);
      const row = body.recipients.find((r) => r.email === legacy);
      assert.ok(row !== undefined);
      const [channel] = row.channels;
      assert.equal(channel?.channel, 'email-pgp');
      assert.equal(channel.status, 'delivered');
      assert.match(channel.failureReason ?? '', /OpenPGP key unusable/);
      const jobs = await t.ctx.db
        .selectFrom('jobs')
        .select('status')
        .where('kind', '=', 'alert-mail')
        .where('payload', 'like', `%${created.id}%`)
        .execute();
      assert.deepEqual(
        jobs.map((job) => job.status),
        ['done', 'done', 'done'],
      );
    });

    it('encrypts the mail to a PoC with an OpenPGP key', async () => {
      const { privateKey, publicKey } = await generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ email: 'keyed@fr.pocs.test' }],
        format: 'armored',
      });
      const keyed = await insertPoc(t.ctx, { state: 'FR', email: 'keyed@fr.pocs.test' });
      const plain = await insertPoc(t.ctx, { state: 'FR' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ pgp_key: publicKey })
        .where('id', '=', keyed.id)
        .execute();

      await publish({ title: 'Secret supply-chain compromise' });
      await t.createWorker().runUntilIdle();

      const encrypted = smtp.to(keyed.email)[0]?.mail;
      assert.ok(encrypted !== undefined);
      assert.doesNotMatch(encrypted.subject ?? '', /supply-chain/);
      assert.match(encrypted.subject ?? '', /Encrypted alert$/);
      assert.match(encrypted.text ?? '', /-----BEGIN PGP MESSAGE-----/);
      assert.doesNotMatch(encrypted.text ?? '', /supply-chain/);
      const message = await readMessage({ armoredMessage: encrypted.text ?? '' });
      const decryptionKeys = await readPrivateKey({ armoredKey: privateKey });
      // openpgp's stream types are not installed, so the result is typed here by hand.
      const decrypted: unknown = await decrypt({ message, decryptionKeys });
      const data = (decrypted as { data: string }).data;
      assert.match(data, /Alert: Secret supply-chain compromise/);
      assert.match(data, /\/alerts\/ack\//);
      assert.match(smtp.to(plain.email)[0]?.mail.subject ?? '', /supply-chain/);
    });

    it('marks an exercise in subject, body and data', async () => {
      const poc = await insertPoc(t.ctx, { state: 'FR' });
      const created = await publish({ title: 'Drill ransomware', exercise: true });
      await t.createWorker().runUntilIdle();

      const mail = smtp.to(poc.email)[0]?.mail;
      assert.match(mail?.subject ?? '', /^\[Parley\] \[EXERCISE\] /);
      assert.match(mail?.text ?? '', /^EXERCISE EXERCISE EXERCISE/);
      assert.match(mail?.text ?? '', /EXERCISE EXERCISE EXERCISE[^\n]*\n?$/);
      const api = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${created.id}`,
        token: sender.token,
      });
      assert.equal(api.json<{ exercise: boolean }>().exercise, true);
      const event = await t.ctx.db
        .selectFrom('events')
        .select('payload')
        .where('kind', '=', 'alert')
        .where('payload', 'like', `%${created.id}%`)
        .executeTakeFirstOrThrow();
      assert.equal((JSON.parse(event.payload) as { exercise: boolean }).exercise, true);
      assert.equal((await report(created.id)).recipients.length, 1);
    });

    it('addresses chosen levels and cleared partners', async () => {
      const technical = await insertPoc(t.ctx, { state: 'FR', level: 'technical' });
      await insertPoc(t.ctx, { state: 'FR', level: 'policy' });
      const green = await t.createAccount('partner', { org: `Green Lab ${dialect}` });
      const low = await t.createAccount('partner', { org: `Clear Only ${dialect}` });
      const lowOrg = await t.ctx.db
        .selectFrom('accounts')
        .select('organisation_id')
        .where('email', '=', low.email)
        .executeTakeFirstOrThrow();
      await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'clear' })
        .where('id', '=', lowOrg.organisation_id ?? '')
        .execute();

      const created = await publish({ levels: ['technical'], partners: true });
      const emails = (await report(created.id)).recipients.map((r) => r.email).sort();
      assert.deepEqual(emails, [green.email, technical.email].sort());

      const amberAll = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: {
          title: 'x',
          severity: 1,
          tlp: 'amber',
          body: '',
          states: ['FR'],
          partners: true,
        },
      });
      assert.equal(amberAll.statusCode, 422);
      assert.equal(amberAll.json<{ errors: { field: string }[] }>().errors[0]?.field, 'partners');

      const tooLow = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: {
          title: 'x',
          severity: 1,
          tlp: 'amber',
          body: '',
          organisations: [lowOrg.organisation_id],
        },
      });
      assert.equal(tooLow.statusCode, 422);
      assert.match(tooLow.body, /cleared only up to TLP:CLEAR/);
    });

    it('reminds once, then alerts the alternate of the same level', async () => {
      const quick = await insertPoc(t.ctx, { state: 'DE', level: 'technical' });
      const slow = await insertPoc(t.ctx, { state: 'FR', level: 'technical' });
      const alternate = await insertPoc(t.ctx, { state: 'FR', level: 'technical' });
      await insertPoc(t.ctx, { state: 'FR', level: 'policy' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate' })
        .where('id', '=', alternate.id)
        .execute();
      const quickAccount = await t.createAccount('poc', { state: 'DE', email: quick.email });

      const created = await publish({ severity: 5, levels: ['technical'] });
      await t.createWorker().runUntilIdle();
      assert.equal(smtp.to(alternate.email).length, 0, 'alternates wait for the escalation');
      await t.request({
        method: 'POST',
        url: `/api/v1/alerts/${created.id}/acknowledge`,
        token: quickAccount.token,
      });

      t.clock.advance(14 * 60_000);
      await sweep(t);
      assert.equal(smtp.to(slow.email).length, 1, 'no reminder before 15 minutes');

      t.clock.advance(60_000);
      await sweep(t);
      await sweep(t);
      const reminders = smtp
        .to(slow.email)
        .filter((r) => /\[Reminder\]/.test(r.mail.subject ?? ''));
      assert.equal(reminders.length, 1, 'reminded exactly once');
      assert.equal(smtp.to(quick.email).length, 1, 'an acknowledged recipient is not reminded');
      assert.equal(smtp.to(alternate.email).length, 0);

      t.clock.advance(15 * 60_000);
      await sweep(t);
      await sweep(t);
      assert.equal(smtp.to(alternate.email).length, 1, 'the alternate is alerted once');
      const body = await report(created.id);
      const slowRow = body.recipients.find((r) => r.email === slow.email);
      assert.ok(slowRow?.remindedAt !== null);
      assert.ok(slowRow?.escalatedAt !== null);
      assert.ok(slowRow?.channels.some((c) => c.channel === 'email-reminder'));
      const altRow = body.recipients.find((r) => r.email === alternate.email);
      assert.equal(altRow?.escalatedFrom, slow.email);
      assert.equal(altRow.contactRole, 'alternate');
      assert.equal(body.counts.reminded, 1);
      assert.equal(body.counts.escalated, 1);

      // The reminder's link acknowledges like the first one.
      const link = /\/alerts\/ack\/[\w-]+/.exec(reminders[0]?.mail.text ?? '')?.[0] ?? '';
      const ack = await t.request({ method: 'POST', url: link, payload: {} });
      assert.equal(ack.statusCode, 200);
      const after = await report(created.id);
      assert.equal(after.recipients.find((r) => r.email === slow.email)?.status, 'acknowledged');
    });

    it('never reminds about an alert without a deadline', async () => {
      const poc = await insertPoc(t.ctx, { state: 'FR' });
      const created = await publish({ severity: 1 });
      await t.createWorker().runUntilIdle();
      t.clock.advance(30 * 24 * 60 * 60_000);
      await sweep(t);

      assert.equal(smtp.to(poc.email).length, 1);
      const alert = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${created.id}`,
        token: sender.token,
      });
      assert.equal(alert.json<{ responseDueAt: string | null }>().responseDueAt, null);
    });

    it('queues deliveries lost between the two writes', async () => {
      const pocs = [
        await insertPoc(t.ctx, { state: 'FR' }),
        await insertPoc(t.ctx, { state: 'DE' }),
      ];
      const created = await publish({});
      // A crash after the first transaction leaves recipients without deliveries or jobs.
      await t.ctx.db.deleteFrom('alert_deliveries').where('alert_id', '=', created.id).execute();
      await t.ctx.db
        .deleteFrom('jobs')
        .where('kind', '=', 'alert-mail')
        .where('payload', 'like', `%${created.id}%`)
        .execute();

      await sweep(t);
      assert.equal(smtp.received.length, 0, 'a young alert may still be writing');
      t.clock.advance(2 * 60_000);
      await sweep(t);
      await sweep(t);

      for (const poc of pocs) assert.equal(smtp.to(poc.email).length, 1);
      const link = /\/alerts\/ack\/[\w-]+/.exec(smtp.to(pocs[0]?.email ?? '')[0]?.mail.text ?? '');
      const ack = await t.request({ method: 'POST', url: link?.[0] ?? '', payload: {} });
      assert.equal(ack.statusCode, 200, 'the new link acknowledges');
      assert.equal((await report(created.id)).counts.delivered, 2);
    });

    it('sends the sender a delivery event per change', async () => {
      const poc = await insertPoc(t.ctx, { state: 'FR' });
      const created = await publish({});
      await t.createWorker().runUntilIdle();

      const rows = await t.ctx.db
        .selectFrom('events')
        .select('payload')
        .where('kind', '=', 'delivery')
        .where('payload', 'like', `%${created.id}%`)
        .execute();
      const payloads = rows.map((row) => JSON.parse(row.payload) as Record<string, unknown>);
      const [payload] = payloads;
      assert.equal(payloads.length, 1);
      assert.equal(payload?.recipient, poc.email);
      assert.equal(payload.status, 'delivered');
      assert.equal(payload.channel, 'email');
    });
  });

  describe(`alert severity sorting on ${dialect}`, () => {
    let t: TestApp;
    let sender: TestAccount;
    const order = [
      ['low', 1],
      ['critical', 5],
      ['info', 0],
      ['medium', 2],
      ['high', 3],
    ] as const;

    before(async () => {
      t = await startTestApp(dialect);
      sender = await t.createAccount('secretariat');
      await insertPoc(t.ctx, { state: 'FR' });
      for (const [title, severity] of order) {
        const res = await t.request({
          method: 'POST',
          url: '/api/v1/alerts',
          token: sender.token,
          payload: { title, severity, tlp: 'green', body: '' },
        });
        assert.equal(res.statusCode, 201);
        t.clock.advance(1000);
      }
    });
    after(() => t.close());

    const titles = async (sort: string) => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts?sort=${encodeURIComponent(sort)}`,
        token: sender.token,
      });
      assert.equal(res.statusCode, 200);

      return res.json<{ alerts: { title: string }[] }>().alerts.map((a) => a.title);
    };

    it('sorts by severity numerically both ways', async () => {
      assert.deepEqual(await titles('-severity'), ['critical', 'high', 'medium', 'low', 'info']);
      assert.deepEqual(await titles('severity'), ['info', 'low', 'medium', 'high', 'critical']);
    });

    it('sorts by creation time both ways', async () => {
      assert.deepEqual(await titles('created'), ['low', 'critical', 'info', 'medium', 'high']);
      assert.deepEqual(await titles('-created'), ['high', 'medium', 'info', 'critical', 'low']);
    });

    it('rejects an unknown sort naming the field', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/alerts?sort=name',
        token: sender.token,
      });
      assert.equal(res.statusCode, 422);
      assert.equal(res.json<{ errors: { field: string }[] }>().errors[0]?.field, 'sort');
    });

    it('queues the critical alert first', async () => {
      const worker = t.createWorker();
      const claimed: number[] = [];
      for (let job = await worker.claimNext(); job !== null; job = await worker.claimNext()) {
        claimed.push(job.row.priority);
      }
      assert.deepEqual(claimed, [5, 3, 2, 1, 0]);
    });
  });
}
