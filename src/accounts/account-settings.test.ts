import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import { generateKey } from 'openpgp';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { Problem } from '../app/problem.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp.test-helpers.ts';

const HOUR = 60 * 60 * 1000;

/** Returns a public key that expired an hour after it was made, two days before now. */
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

// English by default, with the pseudo-locale offered as a second language.
const withPseudo = { locale: 'en', offeredLocales: ['en', 'en-XA'] };

interface Me {
  accountId: string;
  locale: string | null;
}

for (const dialect of testDialects) {
  describe(`preferred language of an account on ${dialect}`, () => {
    let t: TestApp;
    let account: TestAccount;

    before(async () => {
      t = await startTestApp(dialect, withPseudo);
      account = await t.createAccount('state-editor', { state: 'FR' });
    });

    after(async () => {
      await t.close();
    });

    const patchMe = (payload: Record<string, unknown>) =>
      t.request({ method: 'PATCH', url: '/api/v1/me', token: account.token, payload });

    it('is null until the account sets one', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/me', token: account.token });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json<Me>().locale, null);
    });

    it('is stored in canonical form and shown by GET', async () => {
      const set = await patchMe({ locale: 'EN-xa' });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json<Me>().locale, 'en-XA');
      assert.equal(set.json<Me>().accountId, account.id);

      const read = await t.request({ method: 'GET', url: '/api/v1/me', token: account.token });
      assert.equal(read.json<Me>().locale, 'en-XA');
    });

    it('returns to the server default with null', async () => {
      assert.equal((await patchMe({ locale: 'en-XA' })).statusCode, 200);
      const cleared = await patchMe({ locale: null });
      assert.equal(cleared.statusCode, 200);
      assert.equal(cleared.json<Me>().locale, null);
    });

    it('stays as it was after an empty patch', async () => {
      assert.equal((await patchMe({ locale: 'en' })).statusCode, 200);
      const unchanged = await patchMe({});
      assert.equal(unchanged.statusCode, 200);
      assert.equal(unchanged.json<Me>().locale, 'en');
    });

    for (const locale of ['fr', 'de-CH', 'not a tag', '', 5, 'x'.repeat(36)]) {
      it(`rejects ${JSON.stringify(locale).slice(0, 20)} naming locale`, async () => {
        const before = await t.request({ method: 'GET', url: '/api/v1/me', token: account.token });
        const res = await patchMe({ locale });
        assert.equal(res.statusCode, 422);
        const problem = res.json<Problem>();
        assert.equal(problem.code, 'validation_failed');
        assert.deepEqual(
          problem.errors?.map((error) => error.field),
          ['locale'],
        );
        const after = await t.request({ method: 'GET', url: '/api/v1/me', token: account.token });
        assert.equal(after.json<Me>().locale, before.json<Me>().locale);
      });
    }

    it('names the offered languages in the rejection', async () => {
      const res = await patchMe({ locale: 'fr' });
      const message = res.json<Problem>().errors?.[0]?.message ?? '';
      assert.match(message, /en, en-XA/);
    });

    it('rejects an unknown field by name', async () => {
      const res = await patchMe({ language: 'en' });
      assert.equal(res.statusCode, 422);
      assert.equal(res.json<Problem>().errors?.[0]?.field, 'language');
    });

    it('needs a signed-in caller', async () => {
      const res = await t.request({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: { locale: 'en' },
      });
      assert.equal(res.statusCode, 401);
    });

    it('cannot be en-XA where the server does not offer it', async () => {
      const plain = await startTestApp(dialect);
      try {
        const other = await plain.createAccount('poc', { state: 'FR' });
        const res = await plain.request({
          method: 'PATCH',
          url: '/api/v1/me',
          token: other.token,
          payload: { locale: 'en-XA' },
        });
        assert.equal(res.statusCode, 422);
        assert.equal(res.json<Problem>().errors?.[0]?.field, 'locale');
      } finally {
        await plain.close();
      }
    });
  });

  describe(`mail in each recipient's language on ${dialect}`, () => {
    let t: TestApp;
    let smtp: TestSmtpServer;

    beforeEach(async () => {
      smtp = await startTestSmtpServer();
      t = await startTestApp(dialect, { ...withPseudo, smtpUrl: smtp.url });
    });

    afterEach(async () => {
      await t.close();
      await smtp.close();
    });

    it('writes one alert in two languages', async () => {
      const pseudoPoc = await insertPoc(t.ctx, { state: 'FR', email: 'pseudo@cert.fr.test' });
      const englishPoc = await insertPoc(t.ctx, { state: 'FR', email: 'english@cert.fr.test' });
      const plainPoc = await insertPoc(t.ctx, { state: 'DE', email: 'no-account@cert.de.test' });
      const pseudoAccount = await t.createAccount('poc', { state: 'FR', email: pseudoPoc.email });
      const englishAccount = await t.createAccount('poc', { state: 'FR', email: englishPoc.email });
      for (const [account, locale] of [
        [pseudoAccount, 'en-XA'],
        [englishAccount, 'en'],
      ] as const) {
        const res = await t.request({
          method: 'PATCH',
          url: '/api/v1/me',
          token: account.token,
          payload: { locale },
        });
        assert.equal(res.statusCode, 200);
      }
      const sender = await t.createAccount('secretariat');
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        // Accept-Language of the sender decides nothing about the recipients' mail.
        headers: { 'accept-language': 'en-XA' },
        payload: { title: 'Phishing wave', severity: 4, tlp: 'green', body: 'Block it.' },
      });
      assert.equal(sent.statusCode, 201);
      await t.createWorker().runUntilIdle();

      const [pseudoMail] = smtp.to(pseudoPoc.email);
      const [englishMail] = smtp.to(englishPoc.email);
      const [plainMail] = smtp.to(plainPoc.email);
      assert.ok(pseudoMail, 'the en-XA recipient got a mail');
      assert.ok(englishMail, 'the en recipient got a mail');
      assert.ok(plainMail, 'the recipient without an account got a mail');
      assert.match(pseudoMail.mail.subject ?? '', /^⟦\[Parley\]⟧/);
      assert.match(pseudoMail.mail.text ?? '', /⟦Alert: Phishing wave⟧/);
      for (const mail of [englishMail, plainMail]) {
        assert.match(mail.mail.subject ?? '', /^\[Parley\] .*Phishing wave$/);
        assert.doesNotMatch(mail.mail.text ?? '', /⟦/);
      }
    });

    it('writes withheld OpenPGP notices in the account language', async () => {
      const poc = await insertPoc(t.ctx, {
        state: 'DE',
        email: 'keyed@cert.de.test',
        level: 'technical',
      });
      const account = await t.createAccount('poc', { state: 'DE', email: poc.email });
      const set = await t.request({
        method: 'PATCH',
        url: '/api/v1/me',
        token: account.token,
        payload: { locale: 'en-XA' },
      });
      assert.equal(set.statusCode, 200);
      await t.ctx.db
        .updateTable('pocs')
        .set({ pgp_key: await expiredPublicKey(poc.email) })
        .where('id', '=', poc.id)
        .execute();
      const secretariat = await t.createAccount('secretariat');
      const alert = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: secretariat.token,
        payload: {
          title: 'Secret title zebra',
          severity: 2,
          tlp: 'amber',
          body: 'Secret body walrus',
          states: ['DE'],
        },
      });
      assert.equal(alert.statusCode, 201, alert.body);
      const requester = await t.createAccount('poc', { state: 'FR' });
      await insertPoc(t.ctx, { state: 'FR', email: requester.email });
      const request = await t.request({
        method: 'POST',
        url: '/api/v1/requests',
        token: requester.token,
        payload: {
          type: 'request-for-assistance',
          toState: 'DE',
          toLevels: ['technical'],
          subject: 'Secret subject zebra',
          sector: 'Energy',
          description: 'Secret description walrus',
          severity: 3,
          tlp: 'red',
        },
      });
      assert.equal(request.statusCode, 201, request.body);
      await t.createWorker().runUntilIdle();

      const mails = smtp.to(poc.email);
      assert.equal(mails.length, 2);
      for (const { mail } of mails) {
        assert.doesNotMatch(mail.subject ?? '', /zebra/);
        assert.match(mail.subject ?? '', /^⟦\[Parley\]/);
        assert.doesNotMatch(mail.text ?? '', /zebra|walrus/);
        assert.match(mail.text ?? '', /⟦[^⟧]*sign in to read it/);
        assert.match(mail.text ?? '', /OpenPGP key could not be used/);
      }
    });

    it('writes a password reset in the account language', async () => {
      const secretariat = await t.createAccount('secretariat');
      const account = await t.createAccount('poc', { state: 'FR' });
      const set = await t.request({
        method: 'PATCH',
        url: '/api/v1/me',
        token: account.token,
        payload: { locale: 'en-XA' },
      });
      assert.equal(set.statusCode, 200);
      const reset = await t.request({
        method: 'POST',
        url: `/api/v1/users/${account.id}/password-reset`,
        token: secretariat.token,
      });
      assert.ok(reset.statusCode < 300, reset.body);
      await t.createWorker().runUntilIdle();

      const [mail] = smtp.to(account.email);
      assert.ok(mail, 'the reset mail was sent');
      assert.match(mail.mail.subject ?? '', /^⟦.*⟧$/);
    });
  });
}
