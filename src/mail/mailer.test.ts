import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import pino from 'pino';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { createMailer } from './mailer.ts';
import { startTestSmtpServer, type TestSmtpServer } from './smtp.test-helpers.ts';

const unicodeAddress = 'Kontakt.Duty@cyber-behörde.example';
const asciiAddress = 'Kontakt.Duty@xn--cyber-behrde-djb.example';

for (const dialect of testDialects) {
  describe(`mail to internationalised domains on ${dialect}`, () => {
    let t: TestApp;
    let smtp: TestSmtpServer;

    before(async () => {
      // A relay without SMTPUTF8 must see only ASCII domains in the envelope.
      smtp = await startTestSmtpServer({ hideSmtpUtf8: true });
      t = await startTestApp(dialect, { smtpUrl: smtp.url });
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });
    beforeEach(() => {
      smtp.received.length = 0;
      smtp.commands.length = 0;
    });
    const envelopeCommands = () => smtp.commands.filter((line) => /^(MAIL|RCPT) /i.test(line));

    it('sends to the punycode domain', async () => {
      await insertPoc(t.ctx, { state: 'DE', email: unicodeAddress });
      const sender = await t.createAccount('secretariat');
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: { title: 'IDN test', severity: 3, tlp: 'green', body: 'b', states: ['DE'] },
      });
      assert.equal(sent.statusCode, 201);
      await t.createWorker().runUntilIdle();

      assert.deepEqual(envelopeCommands(), [
        'MAIL FROM:<parley@localhost>',
        `RCPT TO:<${asciiAddress}>`,
      ]);
      assert.equal(smtp.received.length, 1);
      // The parser decodes punycode too, so the header is read as it was sent.
      const header = smtp.received[0]?.mail.headerLines.find((line) => line.key === 'to');
      assert.equal(header?.line, `To: ${asciiAddress}`);
    });

    it('converts the address of every mail the mailer sends, whichever job composed it', async () => {
      const mailer = createMailer({
        smtpUrl: smtp.url,
        mailFrom: 'Parley <parley@behörde.example>',
        db: t.ctx.db,
        clock: t.clock,
        logger: pino({ level: 'silent' }),
      });
      try {
        await mailer.send({ to: unicodeAddress, subject: 'Reminder', text: 'Line' });
      } finally {
        mailer.close();
      }

      assert.deepEqual(envelopeCommands(), [
        'MAIL FROM:<parley@xn--behrde-yxa.example>',
        `RCPT TO:<${asciiAddress}>`,
      ]);
    });

    it('stores the punycode address in the outbox when no SMTP server is set', async () => {
      const mailer = createMailer({
        smtpUrl: null,
        mailFrom: 'Parley <parley@localhost>',
        db: t.ctx.db,
        clock: t.clock,
        logger: pino({ level: 'silent' }),
      });
      await mailer.send({ to: unicodeAddress, subject: 'Check', text: 'Line', messageId: '<m@x>' });

      const row = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('to_address')
        .where('message_id', '=', '<m@x>')
        .executeTakeFirstOrThrow();
      assert.equal(row.to_address, asciiAddress);
    });
  });
}
