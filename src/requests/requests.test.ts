import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { RequestView } from './requests.schema.ts';

for (const dialect of testDialects) {
  describe(`requests between states on ${dialect}`, () => {
    let t: TestApp;
    let frPoc: TestAccount;
    let deTechnical: TestAccount;
    let dePolicy: TestAccount;
    let itPoc: TestAccount;
    let editor: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      frPoc = await t.createAccount('poc', { state: 'FR' });
      deTechnical = await t.createAccount('poc', { state: 'DE' });
      dePolicy = await t.createAccount('poc', { state: 'DE' });
      itPoc = await t.createAccount('poc', { state: 'IT' });
      editor = await t.createAccount('state-editor', { state: 'FR' });
      await insertPoc(t.ctx, { state: 'FR', email: frPoc.email, name: 'Anne Martin' });
      await insertPoc(t.ctx, { state: 'DE', email: deTechnical.email, level: 'technical' });
      await insertPoc(t.ctx, { state: 'DE', email: dePolicy.email, level: 'policy' });
      await insertPoc(t.ctx, { state: 'IT', email: itPoc.email });
    });
    after(() => t.close());

    const request = (extra: Record<string, unknown> = {}) => ({
      type: 'request-for-assistance',
      toState: 'DE',
      toLevels: ['technical'],
      subject: 'DDoS on the port authority',
      sector: 'Transport',
      description: 'Traffic from hosts in your networks.',
      requestedAction: 'Please contact the hosting providers.',
      severity: 3,
      responseMinutes: 120,
      tlp: 'amber',
      ...extra,
    });
    const send = async (token: string, payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/requests', token, payload });
    const box = async (token: string, name: 'inbox' | 'outbox') => {
      const res = await t.request({ method: 'GET', url: `/api/v1/requests?box=${name}`, token });
      assert.equal(res.statusCode, 200);

      return res.json<{ requests: RequestView[] }>().requests;
    };

    it('sends with a reference, frozen sender and mail', async () => {
      const res = await send(frPoc.token, request());
      assert.equal(res.statusCode, 201, res.body);
      const created = res.json<{ reference: string; recipients: number }>();
      assert.match(created.reference, /^PRL-2026-\d{6}$/);
      assert.equal(created.recipients, 1);

      await t.ctx.db
        .updateTable('pocs')
        .set({ name: 'Renamed Later' })
        .where('email', '=', frPoc.email)
        .execute();
      const [first] = await box(deTechnical.token, 'inbox');
      assert.equal(first?.reference, created.reference);
      assert.equal(first.sender.name, 'Anne Martin');
      assert.equal(first.sender.state, 'FR');
      assert.equal(first.sender.email, frPoc.email);
      assert.equal(first.responseDueAt, '2026-12-01T11:00:00.000Z');
      assert.equal((await box(dePolicy.token, 'inbox')).length, 0, 'policy was not addressed');

      await t.createWorker().runUntilIdle();
      const mails = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('to_address', '=', deTechnical.email)
        .execute();
      assert.equal(mails.length, 1);
      assert.match(
        mails[0]?.subject ?? '',
        new RegExp(`\\[${created.reference}\\] Request for assistance`),
      );
      assert.match(mails[0]?.text_body ?? '', /From: Anne Martin/);
    });

    it('acknowledges, replies and measures both times', async () => {
      const { reference } = (await send(frPoc.token, request({ subject: 'Timed request' }))).json<{
        reference: string;
      }>();
      t.clock.advance(5 * 60_000);
      const ack = await t.request({
        method: 'POST',
        url: `/api/v1/requests/${reference}/acknowledge`,
        token: deTechnical.token,
      });
      assert.equal(ack.statusCode, 200);
      assert.equal(ack.json<RequestView>().timeToAcknowledgeSeconds, 300);
      // Acknowledging without opening the thread first still counts as opening it.
      const opened = await t.ctx.db
        .selectFrom('request_recipients as r')
        .innerJoin('requests as q', 'q.id', 'r.request_id')
        .select('r.opened_at')
        .where('q.reference', '=', reference)
        .executeTakeFirstOrThrow();
      assert.equal(opened.opened_at, t.clock.now().toISOString());

      t.clock.advance(25 * 60_000);
      const reply = await t.request({
        method: 'POST',
        url: `/api/v1/requests/${reference}/replies`,
        token: deTechnical.token,
        payload: { type: 'response', description: 'Providers contacted; traffic dropping.' },
      });
      assert.equal(reply.statusCode, 201, reply.body);
      const replyRef = reply.json<{ reference: string }>().reference;

      const thread = await t.request({
        method: 'GET',
        url: `/api/v1/requests/${reference}`,
        token: frPoc.token,
      });
      const messages = thread.json<{ messages: RequestView[] }>().messages;
      assert.equal(messages.length, 2);
      const [root, answer] = messages;
      assert.equal(root?.timeToAcknowledgeSeconds, 300);
      assert.equal(root.timeToAnswerSeconds, 1800);
      assert.equal(answer?.reference, replyRef);
      assert.equal(answer.parentReference, reference);
      assert.equal(answer.threadReference, reference);
      assert.equal(answer.subject, 'Re: Timed request');
      assert.equal(answer.toState, 'FR');
      const inbox = await box(frPoc.token, 'inbox');
      assert.ok(
        inbox.some((m) => m.reference === replyRef),
        'the reply reaches the sender',
      );
    });

    it('sorts the inbox by severity, then due time, and marks overdue', async () => {
      const refs: Record<string, string> = {};
      for (const [name, severity, minutes] of [
        ['low', 1, 60],
        ['severe-late', 4, 600],
        ['severe-soon', 4, 30],
        ['medium', 2, 10],
      ] as const) {
        const res = await send(
          frPoc.token,
          request({
            toState: 'IT',
            subject: name,
            severity,
            responseMinutes: minutes,
          }),
        );
        refs[name] = res.json<{ reference: string }>().reference;
      }
      t.clock.advance(45 * 60_000);

      const inbox = await box(itPoc.token, 'inbox');
      assert.deepEqual(
        inbox.map((m) => m.subject),
        ['severe-soon', 'severe-late', 'medium', 'low'],
      );
      assert.deepEqual(
        inbox.map((m) => m.isOverdue),
        [true, false, true, false],
      );
      const outbox = await box(frPoc.token, 'outbox');
      assert.ok(outbox.some((m) => m.reference === refs.low));
    });

    it('hides a thread from other states with 404', async () => {
      const { reference } = (await send(frPoc.token, request())).json<{ reference: string }>();
      for (const outsider of [itPoc, dePolicy]) {
        const res = await t.request({
          method: 'GET',
          url: `/api/v1/requests/${reference}`,
          token: outsider.token,
        });
        assert.equal(res.statusCode, 404);
        const ack = await t.request({
          method: 'POST',
          url: `/api/v1/requests/${reference}/acknowledge`,
          token: outsider.token,
        });
        assert.equal(ack.statusCode, 404);
      }
    });

    it('rejects hidden characters in subject and sector', async () => {
      const res = await send(
        frPoc.token,
        request({ subject: 'DDoS\u2060\u00AD wave', sector: 'Energy \u{F0000}' }),
      );
      assert.equal(res.statusCode, 422);
      const errors = res.json<{ errors: { field: string; message: string }[] }>().errors;
      assert.deepEqual(
        errors.map((error) => error.field),
        ['subject', 'sector'],
      );
      assert.match(errors[0]?.message ?? '', /invisible characters/);
      assert.match(errors[1]?.message ?? '', /private-use character U\+F0000.*delete it/);

      const softHyphen = await send(frPoc.token, request({ subject: 'Port\u00ADauthority' }));
      assert.equal(softHyphen.statusCode, 422);
      const [error] = softHyphen.json<{ errors: { field: string; message: string }[] }>().errors;
      assert.equal(error?.field, 'subject');
      assert.match(error.message, /U\+00AD.*delete it and type the text again/);
    });

    it('accepts subjects in other scripts', async () => {
      for (const subject of [
        'هجوم حجب الخدمة',
        'מתקפת מניעת שירות',
        'می\u200Cخواهم',
        '港口 👨\u200D💻',
      ]) {
        const res = await send(frPoc.token, request({ subject, sector: subject }));
        assert.equal(res.statusCode, 201, `${subject}: ${res.body}`);
        const { reference } = res.json<{ reference: string }>();
        const stored = await t.ctx.db
          .selectFrom('requests')
          .select(['subject', 'sector'])
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow();
        assert.equal(stored.subject, subject);
        assert.equal(stored.sector, subject);
      }
    });

    it('rejects line breaks in single-line fields', async () => {
      const forged = await send(frPoc.token, request({ sector: 'x\r\nBcc: a@b.example' }));
      assert.equal(forged.statusCode, 422);
      assert.deepEqual(forged.json<{ errors: { field: string; message: string }[] }>().errors, [
        { field: 'sector', message: 'must be a single line without control characters' },
      ]);
      const bell = await send(frPoc.token, request({ description: 'Ring\u0007' }));
      assert.equal(bell.statusCode, 422);
      assert.match(bell.body, /description/);
      const lines = await send(frPoc.token, request({ description: 'One\nTwo' }));
      assert.equal(lines.statusCode, 201, 'a multi-line field keeps its line breaks');

      // A value stored before this check still cannot start a line of its own in the mail.
      const reference = lines.json<{ reference: string }>().reference;
      await t.ctx.db
        .updateTable('requests')
        .set({ sector: 'x\r\nSeverity: 5' })
        .where('reference', '=', reference)
        .execute();
      await t.createWorker().runUntilIdle();
      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('text_body')
        .where('text_body', 'like', `%${reference}%`)
        .executeTakeFirstOrThrow();
      assert.match(mail.text_body, /^Sector: x {2}Severity: 5$/m);
      assert.doesNotMatch(mail.text_body, /^Severity: 5$/m);
    });

    it('rejects a bad request naming each field', async () => {
      const res = await send(frPoc.token, {
        type: 'gossip',
        toState: 'DE',
        toLevels: [],
        subject: 'Two\nlines',
        sector: '',
        description: 'x',
        severity: 9,
        tlp: 'purple',
      });
      assert.equal(res.statusCode, 422);
      const fields = res
        .json<{ errors: { field: string }[] }>()
        .errors.map((e) => e.field)
        .sort();
      assert.deepEqual(fields, ['sector', 'severity', 'subject', 'tlp', 'toLevels', 'type']);

      const own = await send(frPoc.token, request({ toState: 'FR' }));
      assert.equal(own.statusCode, 422);
      const empty = await send(frPoc.token, request({ toLevels: ['diplomatic'] }));
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /no point of contact at diplomatic/);
      const byEditor = await send(editor.token, request());
      assert.equal(byEditor.statusCode, 403);
      const badRef = await t.request({
        method: 'GET',
        url: '/api/v1/requests/nope',
        token: frPoc.token,
      });
      assert.equal(badRef.statusCode, 422);
    });

    it('says EXERCISE in the mail of an exercise request', async () => {
      const { reference } = (
        await send(frPoc.token, request({ toState: 'IT', subject: 'Drill', exercise: true }))
      ).json<{ reference: string }>();
      await t.createWorker().runUntilIdle();
      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .selectAll()
        .where('subject', 'like', `%${reference}%`)
        .executeTakeFirstOrThrow();
      assert.match(mail.subject, /^\[Parley\] \[EXERCISE\]/);
      assert.match(mail.text_body, /^EXERCISE EXERCISE EXERCISE/);
    });
  });
}
