import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { generateKey } from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp.test-helpers.ts';

const HOUR = 60 * 60 * 1000;

interface Channel {
  channel: string;
  status: string;
  failureReason: string | null;
  contentWithheld: boolean;
}

interface Report {
  counts: Record<string, number>;
  recipients: { email: string; channels: Channel[] }[];
}

/**
 * Returns a public key that expired an hour after it was made, two days ago. The mail job
 * encrypts at the real time, so the key is expired there whatever the test clock shows.
 */
async function expiredPublicKey(email: string) {
  const { publicKey } = await generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email }],
    date: new Date(Date.now() - 48 * HOUR),
    keyExpirationTime: 3600,
    format: 'armored',
  });

  return publicKey;
}

for (const dialect of testDialects) {
  describe(`alert mail to an unusable key on ${dialect}`, () => {
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
      await t.ctx.db.deleteFrom('pocs').execute();
      smtp.received.length = 0;
    });

    async function keyedPoc() {
      const poc = await insertPoc(t.ctx, { state: 'CH' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ pgp_key: await expiredPublicKey(poc.email) })
        .where('id', '=', poc.id)
        .execute();

      return poc;
    }

    async function publish(to: string, tlp: string, title: string, body: string) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        // RED names its recipients; AMBER names states; the one PoC is in CH.
        payload: {
          title,
          severity: 1,
          tlp,
          body,
          ...(tlp === 'red' ? { accounts: [to] } : { states: ['CH'] }),
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      await t.createWorker().runUntilIdle();

      return res.json<{ id: string }>().id;
    }

    async function report(alertId: string) {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${alertId}/deliveries`,
        token: sender.token,
      });
      assert.equal(res.statusCode, 200);

      return res.json<Report>();
    }

    for (const tlp of ['red', 'amber+strict', 'amber']) {
      it(`withholds TLP:${tlp.toUpperCase()} content`, async () => {
        const poc = await keyedPoc();
        const alertId = await publish(poc.email, tlp, 'Secret title zebra', 'Secret body walrus');

        const mails = smtp.to(poc.email);
        assert.equal(mails.length, 1);
        const mail = mails[0]?.mail;
        assert.ok(mail !== undefined);
        assert.doesNotMatch(mail.subject ?? '', /zebra/);
        assert.match(
          mail.subject ?? '',
          new RegExp(`TLP:${tlp.toUpperCase().replace('+', '\\+')}`),
        );
        assert.doesNotMatch(mail.text ?? '', /zebra|walrus/);
        assert.match(mail.text ?? '', /sign in to read it/);
        assert.match(mail.text ?? '', /OpenPGP key could not be used: .*expired/i);
        assert.match(mail.text ?? '', /\/alerts\/ack\/[^\s]+/);

        const body = await report(alertId);
        assert.equal(body.counts.delivered, 1);
        assert.equal(body.counts.contentWithheld, 1);
        const channel = body.recipients[0]?.channels[0];
        assert.equal(channel?.channel, 'email-pgp');
        assert.equal(channel.contentWithheld, true);
        assert.match(channel.failureReason ?? '', /^Content withheld, OpenPGP key unusable: /);
      });
    }

    it('shows no content behind a withheld link', async () => {
      const poc = await keyedPoc();
      await publish(poc.email, 'red', 'Secret title zebra', 'Secret body walrus');
      const text = smtp.to(poc.email)[0]?.mail.text ?? '';
      const path = /\/alerts\/ack\/[^\s]+/.exec(text)?.[0];
      assert.ok(path !== undefined);

      const page = await t.request({ method: 'GET', url: path });
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /zebra|walrus/);
      assert.match(page.body, /Sign in to read it/);
      assert.match(page.body, /TLP:RED/);
      const ack = await t.request({ method: 'POST', url: path });
      assert.equal(ack.statusCode, 200);
    });

    it('sends TLP:GREEN in clear text with a note', async () => {
      const poc = await keyedPoc();
      const alertId = await publish(poc.email, 'green', 'Shared title otter', 'Shared body heron');

      const mail = smtp.to(poc.email)[0]?.mail;
      assert.match(mail?.subject ?? '', /otter/);
      assert.match(mail?.text ?? '', /heron/);
      const body = await report(alertId);
      assert.equal(body.counts.contentWithheld, 0);
      const channel = body.recipients[0]?.channels[0];
      assert.equal(channel?.contentWithheld, false);
      assert.match(channel.failureReason ?? '', /sent unencrypted/);
    });
  });
}
