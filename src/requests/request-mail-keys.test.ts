import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { decrypt, generateKey, readMessage, readPrivateKey } from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { RequestView } from './requests.schema.ts';

const HOUR = 60 * 60 * 1000;

/** Makes a key pair; `expired` gives one that expired an hour after it was made, two days ago. */
async function makeKey(email: string, expired: boolean) {
  return generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email }],
    format: 'armored',
    ...(expired ? { date: new Date(Date.now() - 48 * HOUR), keyExpirationTime: 3600 } : {}),
  });
}

for (const dialect of testDialects) {
  describe(`request mail to OpenPGP keys on ${dialect}`, () => {
    let t: TestApp;
    let sender: TestAccount;
    let recipient: TestAccount;
    let privateKey: string;

    before(async () => {
      t = await startTestApp(dialect);
      sender = await t.createAccount('poc', { state: 'FR' });
      recipient = await t.createAccount('poc', { state: 'DE' });
      await insertPoc(t.ctx, { state: 'FR', email: sender.email });
      await insertPoc(t.ctx, { state: 'DE', email: recipient.email, level: 'technical' });
    });
    after(() => t.close());
    beforeEach(async () => {
      await t.ctx.db.deleteFrom('mail_outbox').execute();
    });

    async function setKey(expired: boolean) {
      const keys = await makeKey(recipient.email, expired);
      privateKey = keys.privateKey;
      await t.ctx.db
        .updateTable('pocs')
        .set({ pgp_key: keys.publicKey })
        .where('email', '=', recipient.email)
        .execute();
    }

    async function sendAndMail(tlp: string) {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/requests',
        token: sender.token,
        payload: {
          type: 'request-for-assistance',
          toState: 'DE',
          toLevels: ['technical'],
          subject: 'Secret subject zebra',
          sector: 'Energy',
          description: 'Secret description walrus',
          severity: 3,
          tlp,
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { reference } = res.json<{ reference: string }>();
      await t.createWorker().runUntilIdle();
      const mails = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', recipient.email)
        .execute();
      assert.equal(mails.length, 1);
      const outbox = await t.request({
        method: 'GET',
        url: '/api/v1/requests?box=outbox',
        token: sender.token,
      });
      const sent = outbox
        .json<{ requests: RequestView[] }>()
        .requests.find((r) => r.reference === reference);

      return { mail: mails[0], recipientView: sent?.recipients[0] };
    }

    it('withholds TLP:RED content for an expired key', async () => {
      await setKey(true);
      const { mail, recipientView } = await sendAndMail('red');
      assert.ok(mail !== undefined);
      assert.doesNotMatch(mail.subject, /zebra/);
      assert.match(mail.subject, /\[TLP:RED\]/);
      assert.match(mail.subject, /Message waiting in Parley$/);
      assert.doesNotMatch(mail.text_body, /zebra|walrus/);
      assert.match(mail.text_body, /sign in to read it/);
      assert.match(mail.text_body, /OpenPGP key could not be used: .*expired/i);
      assert.match(mail.text_body, /\/app\/requests\/PRL-/);
      assert.equal(recipientView?.mailStatus, 'delivered');
      assert.match(recipientView.mailNote ?? '', /^Content withheld, OpenPGP key unusable: /);
    });

    it('sends TLP:GREEN in clear text with a note', async () => {
      await setKey(true);
      const { mail, recipientView } = await sendAndMail('green');
      assert.match(mail?.text_body ?? '', /walrus/);
      assert.match(recipientView?.mailNote ?? '', /sent unencrypted/);
    });

    it('encrypts to a usable key', async () => {
      await setKey(false);
      const { mail, recipientView } = await sendAndMail('amber');
      assert.ok(mail !== undefined);
      assert.doesNotMatch(mail.subject, /zebra/);
      assert.match(mail.subject, /Encrypted message$/);
      assert.match(mail.text_body, /^-----BEGIN PGP MESSAGE-----/);
      assert.equal(recipientView?.mailNote, null);
      const message = await readMessage({ armoredMessage: mail.text_body });
      const decryptionKeys = await readPrivateKey({ armoredKey: privateKey });
      // openpgp's stream types are not installed, so the result is typed here by hand.
      const decrypted: unknown = await decrypt({ message, decryptionKeys });
      assert.match((decrypted as { data: string }).data, /Secret description walrus/);
    });
  });
}
