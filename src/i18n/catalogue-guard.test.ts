// Renders server pages and mails under the pseudo-locale en-XA, in which every catalogue string
// is wrapped in ⟦ ⟧, and fails when visible text outside the brackets is more than data values.
// The test server's default language is en-XA, so requests without Accept-Language get it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import sanitizeHtml from 'sanitize-html';

import { composeAlertMail } from '../alerts/alert-mail.compose.ts';
import { composeInvitationMail, composePasswordResetMail } from '../admin/admin-mail.job.ts';
import {
  readMailedToken,
  runAdminMailJobs,
  submitPasswordForm,
} from '../admin/admin.test-helpers.ts';
import { composeCheckMail } from '../checks/check-mail.job.ts';
import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp } from '../../test/support/test-app.ts';
import { englishCatalogue, pseudoCatalogue, selectCatalogue } from './messages.ts';
import { stripPseudo } from './pseudo-locale.ts';

// The server offers both languages, so every page shows the language switcher.
const pseudoServer = { locale: 'en-XA', offeredLocales: ['en-XA', 'en'] };

// The switcher names each language in that language, from ICU data rather than the catalogue.
const languageNames = pseudoServer.offeredLocales.map(
  (locale) => new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale,
);

// Attributes whose text a person sees or a screen reader speaks.
const textAttributes = ['title', 'aria-label', 'alt', 'placeholder'];

// An ISO 8601 timestamp, which pages and mails show as data.
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g;

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the character references that the page escaper and sanitize-html write. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) {
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    }
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return namedEntities[name] ?? entity;
  });
}

/**
 * Returns the visible text and text attributes of an HTML document. The parser hands text over
 * in chunks split at character references, so chunks join until the next tag opens.
 */
function visibleTexts(document: string): string[] {
  const texts: string[] = [];
  let current = '';
  sanitizeHtml(document, {
    allowedTags: false,
    allowedAttributes: false,
    nonTextTags: ['style', 'script', 'title'],
    textFilter(text) {
      current += text;
      return text;
    },
    transformTags: {
      '*': (tagName, attribs) => {
        texts.push(current);
        current = '';
        for (const name of textAttributes) {
          const value = attribs[name];
          if (value !== undefined) texts.push(value);
        }
        return { tagName, attribs };
      },
    },
  });
  texts.push(current);
  const title = /<title>([^<]*)<\/title>/.exec(document)?.[1];
  if (title !== undefined) texts.push(title);

  return texts.map(decodeEntities);
}

/**
 * Returns the pieces of `texts` that came neither from the catalogue nor from `dataValues`:
 * what remains with letters once ⟦…⟧ segments, data values and timestamps are removed.
 */
function inlineText(texts: readonly string[], dataValues: readonly string[]): string[] {
  const longestFirst = [...dataValues, ...languageNames].sort((a, b) => b.length - a.length);

  return texts
    .map((text) => {
      let rest = stripPseudo(text);
      for (const value of longestFirst) rest = rest.replaceAll(value, ' ');
      return rest.replace(ISO_TIMESTAMP, ' ').trim();
    })
    .filter((rest) => /\p{L}/u.test(rest));
}

describe('catalogue shape', () => {
  it('selects English for a language without a translation', () => {
    assert.equal(selectCatalogue('fr-CH'), englishCatalogue);
    assert.equal(selectCatalogue('ar'), englishCatalogue);
  });

  it('selects the pseudo-locale by its tag', () => {
    assert.equal(selectCatalogue('en-XA'), pseudoCatalogue);
    assert.equal(selectCatalogue('en-xa'), pseudoCatalogue);
    assert.equal(pseudoCatalogue.layout.signIn, '⟦Sign in⟧');
  });

  it('finds inline text in a page', () => {
    const page = '<p>⟦Sent⟧ by <b>FR</b></p><input placeholder="Type here">';
    assert.deepEqual(inlineText(visibleTexts(page), ['FR']), ['by', 'Type here']);
  });
});

describe('mails under the pseudo-locale', () => {
  const alert = {
    title: 'Ransomware on hospitals',
    severity: 3,
    tlp: 'amber',
    body: 'Patch now.',
    objectIds: ['indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f'],
    senderState: 'FR',
    createdAt: '2026-12-01T09:00:00.000Z',
    responseDueAt: '2026-12-01T10:00:00.000Z',
  };
  const alertData = [alert.title, alert.body, 'TLP:AMBER', 'http://parley.test', 'FR'];

  for (const variant of [
    { name: 'alert', exercise: false, reminder: false },
    { name: 'drill reminder', exercise: true, reminder: true },
  ]) {
    it(`${variant.name} mail text comes from the catalogue`, () => {
      const mail = composeAlertMail(
        pseudoCatalogue,
        'http://parley.test',
        'poc@cert.fr.test',
        { ...alert, exercise: variant.exercise },
        'token123',
        variant.reminder,
      );
      const data = [...alertData, ...alert.objectIds, '/alerts/ack/token123'];
      assert.deepEqual(inlineText([mail.text], data), []);
      assert.deepEqual(inlineText([mail.subject], data), []);
      assert.deepEqual(inlineText([mail.encryptedSubject], data), []);
    });
  }

  for (const variant of [
    { name: 'check invitation', kind: 'invite', isExercise: false, isEscalation: false },
    { name: 'drill check reminder', kind: 'reminder', isExercise: true, isEscalation: true },
  ] as const) {
    it(`${variant.name} mail text comes from the catalogue`, () => {
      const check = {
        title: 'Quarterly reachability',
        isExercise: variant.isExercise,
        dueAt: '2026-12-01T10:00:00.000Z',
        isEscalation: variant.isEscalation,
      };
      const mail = composeCheckMail(
        pseudoCatalogue,
        'http://parley.test',
        'a@b.test',
        check,
        variant.kind,
        'tok',
      );
      const data = [check.title, 'http://parley.test/checks/answer/tok'];
      assert.deepEqual(inlineText([mail.subject], data), []);
      assert.deepEqual(inlineText([mail.text], data), []);
    });
  }

  it('invitation and reset mails come from the catalogue', () => {
    const content = {
      role: 'state-editor',
      stateName: 'France',
      organisationName: null,
      expiresAt: '2026-12-08T09:00:00.000Z',
    };
    const invitation = composeInvitationMail(
      pseudoCatalogue,
      'http://parley.test',
      'a@b.test',
      content,
      'tok',
    );
    const reset = composePasswordResetMail(
      pseudoCatalogue,
      'http://parley.test',
      'a@b.test',
      'x',
      'tok',
    );
    const data = ['http://parley.test/invite/tok', 'http://parley.test/reset/tok', 'France'];
    for (const mail of [invitation, reset]) {
      assert.deepEqual(inlineText([mail.subject, mail.text], data), []);
    }
  });
});

for (const dialect of testDialects) {
  describe(`pages and mails under the pseudo-locale on ${dialect}`, () => {
    let t: Awaited<ReturnType<typeof startTestApp>>;

    before(async () => {
      t = await startTestApp(dialect, pseudoServer);
    });

    after(async () => {
      await t.close();
    });

    it('sign-in page sets lang and takes text from the catalogue', async () => {
      const res = await t.request({ method: 'GET', url: '/signin' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<html lang="en-XA" dir="ltr">/);
      assert.deepEqual(inlineText(visibleTexts(res.body), []), []);
    });

    it('one-time link problem pages take text from the catalogue', async () => {
      for (const url of ['/invite/unknown-token', '/reset/unknown-token']) {
        const res = await t.request({ method: 'GET', url });
        assert.equal(res.statusCode, 404, url);
        assert.deepEqual(inlineText(visibleTexts(res.body), []), [], url);
      }
    });

    it('invitation form and its errors take text from the catalogue', async () => {
      const secretariat = await t.createAccount('secretariat');
      const email = 'invited-editor@cert.fr.test';
      const invited = await t.request({
        method: 'POST',
        url: '/api/v1/invitations',
        token: secretariat.token,
        payload: { email, role: 'state-editor', state: 'FR' },
      });
      assert.equal(invited.statusCode, 201);
      await runAdminMailJobs(t);
      const url = `/invite/${await readMailedToken(t, email, '/invite')}`;
      const data = [email, 'FR', secretariat.email];

      const form = await t.request({ method: 'GET', url });
      assert.equal(form.statusCode, 200);
      assert.deepEqual(inlineText(visibleTexts(form.body), data), []);
      // A field error wraps catalogue pieces, so each piece shows its own brackets.
      const submissions = [
        {
          password: 'a-long-enough-password',
          confirm: 'something-else',
          error: '⟦⟦confirm⟧: ⟦must repeat the password exactly⟧⟧',
        },
        {
          password: 'too-short',
          confirm: 'too-short',
          error: '⟦⟦password⟧: ⟦must have at least 12 characters⟧⟧',
        },
        {
          password: 'x'.repeat(1025),
          confirm: '',
          error: '⟦⟦password⟧: ⟦must have at most 1024 characters⟧⟧',
        },
      ];
      for (const { password, confirm, error } of submissions) {
        const res = await submitPasswordForm(t, url, password, confirm);
        assert.equal(res.statusCode, 422);
        assert.ok(res.body.includes(`<li>${error}</li>`), error);
        assert.deepEqual(inlineText(visibleTexts(res.body), data), [], error);
      }
    });

    it('directory page takes text from the catalogue', async () => {
      const poc = await insertPoc(t.ctx, { state: 'FR', name: 'Claire Dubois' });
      const res = await t.request({ method: 'GET', url: '/' });
      assert.equal(res.statusCode, 200);
      const states = await t.ctx.db.selectFrom('states').select(['code', 'name']).execute();
      const data = [
        ...states.flatMap((state) => [state.name, state.code]),
        'Claire Dubois',
        'Duty officer',
        'National CERT of FR',
        poc.email,
      ];
      assert.deepEqual(inlineText(visibleTexts(res.body), data), []);
    });

    it('alert mail and acknowledgement pages take text from the catalogue', async () => {
      // A Unicode domain goes to the mail server in its punycode form.
      await insertPoc(t.ctx, { state: 'DE', email: 'kontakt@cyber-behörde.example' });
      const sender = await t.createAccount('secretariat');
      const payload = { title: 'Phishing wave', severity: 4, tlp: 'green', body: 'Block it.' };
      const sent = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload,
      });
      assert.equal(sent.statusCode, 201);
      await t.createWorker().runUntilIdle();

      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', 'kontakt@xn--cyber-behrde-djb.example')
        .executeTakeFirst();
      assert.ok(mail, 'the alert mail went to the punycode address');
      const link = /\/alerts\/ack\/[\w-]+/.exec(mail.text_body)?.[0];
      assert.ok(link, 'the mail has an acknowledgement link');
      const data = [payload.title, payload.body, 'TLP:GREEN', `http://parley.test${link}`];
      assert.deepEqual(inlineText([mail.subject, mail.text_body], data), []);

      const page = await t.request({ method: 'GET', url: link });
      assert.equal(page.statusCode, 200);
      const pageData = [payload.title, payload.body, 'TLP:GREEN'];
      assert.deepEqual(inlineText(visibleTexts(page.body), pageData), []);

      const acknowledged = await t.request({ method: 'POST', url: link });
      assert.equal(acknowledged.statusCode, 200);
      assert.deepEqual(inlineText(visibleTexts(acknowledged.body), []), []);
    });

    it('check pages, results and reminder mail take text from the catalogue', async () => {
      const secretariat = await t.createAccount('secretariat');
      const frEditor = await t.createAccount('state-editor', { state: 'FR' });
      const dePocAccount = await t.createAccount('poc', { state: 'DE' });
      const fr = await insertPoc(t.ctx, { state: 'FR', name: 'Claire Dubois' });
      const de = await insertPoc(t.ctx, { state: 'DE', email: dePocAccount.email });
      const title = 'Quarterly reachability';
      const started = await t.request({
        method: 'POST',
        url: '/api/v1/checks',
        token: secretariat.token,
        payload: {
          title,
          states: ['FR', 'DE'],
          levels: ['technical'],
          windowMinutes: 60,
          reminderMinutes: [10],
        },
      });
      assert.equal(started.statusCode, 201);
      const checkId = started.json<{ id: string }>().id;
      const worker = t.createWorker();
      await worker.runUntilIdle();

      const states = await t.ctx.db.selectFrom('states').select(['code', 'name']).execute();
      // Other tests of this file add PoCs of FR and DE too, so they are recipients as well.
      const pocs = await t.ctx.db.selectFrom('pocs').select('email').execute();
      const data = [
        ...states.flatMap((state) => [state.name, state.code]),
        ...pocs.map((poc) => poc.email),
        title,
        secretariat.email,
        frEditor.email,
        dePocAccount.email,
      ];
      const expectInlineFree = async (
        url: string,
        token?: string,
        method: 'GET' | 'POST' = 'GET',
      ) => {
        const res = await t.request({ method, url, token });
        assert.equal(res.statusCode, 200, url);
        assert.deepEqual(inlineText(visibleTexts(res.body), data), [], url);
      };

      const invitation = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', fr.email)
        .executeTakeFirstOrThrow();
      const answerPath = /\/checks\/answer\/[\w-]+/.exec(invitation.text_body)?.[0];
      assert.ok(answerPath, 'the check mail has an answer link');
      const mailData = [...data, `http://parley.test${answerPath}`];
      assert.deepEqual(inlineText([invitation.subject, invitation.text_body], mailData), []);

      await expectInlineFree(answerPath);
      await expectInlineFree(answerPath, undefined, 'POST');
      await expectInlineFree(answerPath);
      await expectInlineFree('/checks', secretariat.token);
      await expectInlineFree(`/checks/${checkId}`, secretariat.token);
      await expectInlineFree(`/checks/${checkId}`, dePocAccount.token);
      await expectInlineFree(`/checks/${checkId}`);

      // The reminder goes out 10 minutes before the 60-minute window closes.
      t.clock.advance(51 * 60_000);
      await worker.runUntilIdle();
      const reminder = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', de.email)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const reminderLink = /http:\/\/parley\.test\/checks\/answer\/[\w-]+/.exec(
        reminder.text_body,
      )?.[0];
      assert.ok(reminderLink, 'the reminder has an answer link');
      assert.match(reminder.subject, /Reminder/);
      assert.deepEqual(
        inlineText([reminder.subject, reminder.text_body], [...data, reminderLink]),
        [],
      );

      // Once the window has closed, the check shows in the readiness trend.
      t.clock.advance(60 * 60_000);
      await worker.runUntilIdle();
      await expectInlineFree('/readiness');
      await expectInlineFree('/readiness', secretariat.token);
      await expectInlineFree('/readiness/FR', frEditor.token);
      await expectInlineFree('/directory/health', secretariat.token);
    });

    it('guidance library pages take text from the catalogue', async () => {
      const author = await t.createAccount('poc', { state: 'FR' });
      const document = {
        title: 'Incident handover',
        body: 'Hand over the incident log.',
        tlp: 'green',
        tags: ['handover', 'logs'],
      };
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/library',
        token: author.token,
        payload: document,
      });
      assert.equal(created.statusCode, 201);
      const id = created.json<{ id: string }>().id;
      const data = [
        document.title,
        document.body,
        document.tags.join(', '),
        author.email,
        'TLP:GREEN',
        ...['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'],
      ];
      const pages = [
        { url: '/library', token: undefined },
        { url: '/library', token: author.token },
        { url: `/library/${id}`, token: author.token },
      ];
      for (const { url, token } of pages) {
        const res = await t.request({ method: 'GET', url, token });
        assert.equal(res.statusCode, 200, url);
        assert.deepEqual(inlineText(visibleTexts(res.body), data), [], url);
      }
    });

    it('error pages take text from the catalogue', async () => {
      const poc = await t.createAccount('poc', { state: 'FR' });
      const notFound = await t.request({ method: 'GET', url: '/no-such-page' });
      assert.equal(notFound.statusCode, 404);
      assert.deepEqual(inlineText(visibleTexts(notFound.body), []), []);

      const wrongMethod = await t.request({ method: 'PUT', url: '/', payload: {} });
      assert.equal(wrongMethod.statusCode, 405);
      const methods = String(wrongMethod.headers.allow).split(', ');
      assert.deepEqual(inlineText(visibleTexts(wrongMethod.body), ['PUT', ...methods]), []);

      // A service error shows its detail from the catalogue too.
      const missing = await t.request({
        method: 'GET',
        url: '/library/00000000-0000-4000-8000-000000000000',
      });
      assert.equal(missing.statusCode, 404);
      assert.match(missing.body, /⟦Document not found⟧/);
      assert.deepEqual(inlineText(visibleTexts(missing.body), []), []);

      const badQuery = await t.request({ method: 'GET', url: '/library?tag=%E0%A4%A' });
      assert.equal(badQuery.statusCode, 400);
      assert.deepEqual(inlineText(visibleTexts(badQuery.body), ['tag']), []);

      const forbidden = await t.request({
        method: 'GET',
        url: '/directory/health',
        token: poc.token,
      });
      assert.equal(forbidden.statusCode, 403);
      assert.deepEqual(inlineText(visibleTexts(forbidden.body), [poc.email]), []);
    });

    it('exercise list and controller page take text from the catalogue', async () => {
      const secretariat = await t.createAccount('secretariat');
      const exercise = {
        title: 'Ransomware drill',
        scenario: 'A ransomware wave hits ministries.',
        states: ['FR', 'DE'],
        levels: ['technical'],
        injects: [
          { kind: 'check', title: 'Are you there?', offsetMinutes: 0, windowMinutes: 60 },
          { kind: 'alert', title: 'Note found', body: 'See the note.', offsetMinutes: 30 },
        ],
      };
      const created = await t.request({
        method: 'POST',
        url: '/api/v1/exercises',
        token: secretariat.token,
        payload: exercise,
      });
      assert.equal(created.statusCode, 201);
      const id = created.json<{ id: string }>().id;
      const exercises = await t.ctx.db.selectFrom('exercises').select('title').execute();
      const data = [
        ...exercises.map((row) => row.title),
        exercise.scenario,
        ...exercise.injects.map((inject) => inject.title),
        exercise.states.join(', '),
        secretariat.email,
      ];
      for (const url of ['/exercises', `/exercises/${id}`]) {
        const res = await t.request({ method: 'GET', url, token: secretariat.token });
        assert.equal(res.statusCode, 200, url);
        assert.deepEqual(inlineText(visibleTexts(res.body), data), [], url);
      }

      // Started, the controller page shows timeline entries and the report shows gaps.
      const started = await t.request({
        method: 'POST',
        url: `/api/v1/exercises/${id}/start`,
        token: secretariat.token,
      });
      assert.equal(started.statusCode, 200, started.body);
      await t.createWorker().runUntilIdle();
      // The addresses and state codes of the participating PoCs are data on these pages.
      const pocs = await t.ctx.db.selectFrom('pocs').select(['email', 'state_code']).execute();
      const startedData = [
        ...data,
        ...pocs.map((row) => row.email),
        ...exercise.states,
        ...exercise.levels,
      ];
      for (const url of [`/exercises/${id}`, `/exercises/${id}/report`]) {
        const res = await t.request({ method: 'GET', url, token: secretariat.token });
        assert.equal(res.statusCode, 200, url);
        assert.deepEqual(inlineText(visibleTexts(res.body), startedData), [], url);
      }
    });
  });
}
