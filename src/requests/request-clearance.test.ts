import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { findLastEventId } from '../events/events.queries.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';

interface RequestSummary {
  reference: string;
  subject: string;
  tlp: string;
  parentReference: string | null;
  threadReference: string;
}

// A partner organisation cleared for TLP:AMBER when an exercise sends it an AMBER request, and
// lowered to TLP:GREEN afterwards, reads nothing more of that thread on any path.
for (const dialect of testDialects) {
  describe(`requests after a lowered partner clearance on ${dialect}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let secretariat: TestAccount;
    let partner: TestAccount;
    let colleague: TestAccount;
    let organisationId = '';
    let exerciseId = '';
    // Stored event id before any request of these tests, for replay.
    let startEventId = 0;
    const injects: Record<string, string> = {};
    // References of the partner organisation's threads, by inject title.
    const threads: Record<string, string> = {};
    // The colleague's replies in the AMBER thread: one at TLP:AMBER, one at TLP:GREEN.
    const replies = { amber: '', green: '' };

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      secretariat = await t.createAccount('secretariat');
      partner = await t.createAccount('partner', { org: 'Example Hunters' });
      colleague = await t.createAccount('partner', { org: 'Example Hunters' });
      await insertPoc(t.ctx, { state: 'FR', level: 'technical' });
      const row = await t.ctx.db
        .selectFrom('accounts')
        .select('organisation_id')
        .where('id', '=', partner.id)
        .executeTakeFirstOrThrow();
      organisationId = row.organisation_id ?? '';
    });
    after(() => t.close());

    const post = (url: string, token: string, payload?: Record<string, unknown>) =>
      t.request({ method: 'POST', url, token, ...(payload === undefined ? {} : { payload }) });
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const setClearance = async (clearance: string) => {
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisationId}`,
        token: secretariat.token,
        payload: { clearance },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const release = async (title: string) => {
      const res = await post(
        `/api/v1/exercises/${exerciseId}/injects/${injects[title] ?? ''}/release`,
        secretariat.token,
      );
      assert.equal(res.statusCode, 200, res.body);
      const thread = await t.ctx.db
        .selectFrom('requests')
        .select('reference')
        .where('exercise_inject_id', '=', injects[title] ?? '')
        .where('to_state', '=', '')
        .executeTakeFirstOrThrow();
      threads[title] = thread.reference;
    };
    const box = async (account: TestAccount, name: 'inbox' | 'outbox') => {
      const res = await get(`/api/v1/requests?box=${name}`, account.token);
      assert.equal(res.statusCode, 200, res.body);

      return res.json<{ requests: RequestSummary[] }>().requests;
    };
    const reply = async (reference: string, payload: Record<string, unknown>) => {
      const res = await post(`/api/v1/requests/${reference}/replies`, colleague.token, payload);
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ reference: string }>().reference;
    };
    const subjectOf = (data: string | null) =>
      (JSON.parse(data ?? '{}') as { subject?: string }).subject ?? '';
    const unknownReference = 'PRL-2099-999999';

    it('reads the AMBER thread while cleared', async () => {
      await setClearance('amber');
      startEventId = await findLastEventId(t.ctx.db);
      const res = await post('/api/v1/exercises', secretariat.token, {
        title: 'Clearance drill',
        scenario: 'A partner is cleared lower during the drill.',
        states: ['FR'],
        levels: ['technical'],
        partnerOrgIds: [organisationId],
        injects: [
          { kind: 'request', title: 'Amber probe', body: 'Amber probe body', offsetMinutes: 60 },
          {
            kind: 'request',
            title: 'Green marker',
            body: 'Green marker body',
            offsetMinutes: 60,
            tlp: 'green',
          },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      const created = res.json<{ id: string; injects: string[] }>();
      exerciseId = created.id;
      injects['Amber probe'] = created.injects[0] ?? '';
      injects['Green marker'] = created.injects[1] ?? '';
      const started = await post(`/api/v1/exercises/${exerciseId}/start`, secretariat.token);
      assert.equal(started.statusCode, 200, started.body);

      await release('Amber probe');
      replies.amber = await reply(threads['Amber probe'] ?? '', {
        description: 'Amber reply body',
      });
      replies.green = await reply(threads['Amber probe'] ?? '', {
        description: 'Green reply body',
        tlp: 'green',
      });
      const thread = await get(`/api/v1/requests/${threads['Amber probe']}`, partner.token);
      assert.equal(thread.statusCode, 200, thread.body);
      assert.match(thread.body, /Amber probe body/);
      assert.match(thread.body, /Amber reply body/);

      await setClearance('green');
      // Released after the downgrade, so its events follow every event of the AMBER thread.
      await release('Green marker');
    });

    it('withholds queued mail above the clearance', async () => {
      await t.createWorker().runUntilIdle();

      const mails = await t.ctx.db
        .selectFrom('mail_outbox')
        .select(['to_address', 'subject', 'text_body'])
        .where('to_address', 'in', [partner.email, colleague.email])
        .execute();
      for (const account of [partner, colleague]) {
        const own = mails.filter((mail) => mail.to_address === account.email);
        assert.ok(
          own.some((mail) => mail.subject.includes('Green marker')),
          account.email,
        );
      }
      assert.ok(!mails.some((mail) => mail.subject.includes('Amber probe')));
      assert.ok(!mails.some((mail) => mail.text_body.includes('Amber probe body')));

      const recipients = await t.ctx.db
        .selectFrom('request_recipients as r')
        .innerJoin('requests as q', 'q.id', 'r.request_id')
        .select(['r.email_key', 'r.mail_status', 'r.failure_reason', 'r.mailed_at'])
        .where('q.reference', '=', threads['Amber probe'] ?? '')
        .orderBy('r.email_key')
        .execute();
      assert.equal(recipients.length, 2);
      for (const recipient of recipients) {
        assert.equal(recipient.mail_status, 'failed', recipient.email_key);
        assert.equal(recipient.mailed_at, null);
        assert.match(recipient.failure_reason ?? '', /^Withheld: .*not cleared for TLP:AMBER/);
      }
    });

    it('lists no message above the clearance', async () => {
      const inbox = await box(partner, 'inbox');
      const references = inbox.map((message) => message.reference);
      assert.ok(references.includes(threads['Green marker'] ?? ''));
      assert.ok(!references.includes(threads['Amber probe'] ?? ''));
      assert.ok(inbox.every((message) => message.tlp !== 'amber'));

      const outbox = await box(colleague, 'outbox');
      const sent = outbox.map((message) => message.reference);
      assert.ok(sent.includes(replies.green), 'the GREEN reply stays listed');
      assert.ok(!sent.includes(replies.amber), 'the AMBER reply is left out');
    });

    it('hides the AMBER thread as unknown', async () => {
      const unknown = await get(`/api/v1/requests/${unknownReference}`, partner.token);
      assert.equal(unknown.statusCode, 404);
      for (const reference of [threads['Amber probe'] ?? '', replies.amber]) {
        const res = await get(`/api/v1/requests/${reference}`, partner.token);
        assert.equal(res.statusCode, 404, reference);
        assert.equal(res.json<{ title: string }>().title, unknown.json<{ title: string }>().title);
        assert.equal(res.json<{ code: string }>().code, unknown.json<{ code: string }>().code);
        assert.doesNotMatch(res.body, /Amber probe|Amber reply/);
      }
    });

    it('shows only the GREEN messages of a mixed thread', async () => {
      const res = await get(`/api/v1/requests/${replies.green}`, colleague.token);
      assert.equal(res.statusCode, 200, res.body);
      const { messages } = res.json<{ messages: RequestSummary[] }>();
      assert.deepEqual(
        messages.map((message) => message.reference),
        [replies.green],
      );
      assert.equal(messages[0]?.parentReference, null);
      assert.equal(messages[0].threadReference, replies.green);
      assert.doesNotMatch(res.body, /Amber probe body|Amber reply body/);
      assert.doesNotMatch(res.body, new RegExp(threads['Amber probe'] ?? 'unset'));
      assert.doesNotMatch(res.body, new RegExp(replies.amber));
    });

    it('rejects acknowledging and replying as unknown', async () => {
      const reference = threads['Amber probe'] ?? '';
      const stateOf = () =>
        t.ctx.db
          .selectFrom('requests')
          .select(['acknowledged_at', 'acknowledged_by', 'answered_at'])
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow();
      const before = await stateOf();
      const ack = await post(`/api/v1/requests/${reference}/acknowledge`, partner.token);
      assert.equal(ack.statusCode, 404);
      assert.doesNotMatch(ack.body, /Amber probe/);
      const answer = await post(`/api/v1/requests/${reference}/replies`, partner.token, {
        description: 'Late answer',
      });
      assert.equal(answer.statusCode, 404);
      assert.doesNotMatch(answer.body, /Amber probe/);

      assert.deepEqual(await stateOf(), before);
      const late = await t.ctx.db
        .selectFrom('requests')
        .select('id')
        .where('description', '=', 'Late answer')
        .execute();
      assert.equal(late.length, 0);
    });

    it('audits each refusal', async () => {
      const reference = threads['Amber probe'] ?? '';
      const entries = await t.ctx.db
        .selectFrom('audit_log')
        .select(['action', 'target', 'outcome', 'details'])
        .where('account_id', '=', partner.id)
        .where('target', '=', `request:${reference}`)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        entries.map((entry) => entry.action),
        ['request.read', 'request.acknowledge', 'request.reply'],
      );
      for (const entry of entries) {
        assert.equal(entry.outcome, 'denied');
        const details = JSON.parse(entry.details) as { reason?: string; tlp?: string };
        assert.equal(details.reason, 'above clearance');
        assert.equal(details.tlp, 'amber');
      }
    });

    it('rejects a reply above the clearance', async () => {
      const before = await t.ctx.db.selectFrom('requests').select('id').execute();
      const res = await post(`/api/v1/requests/${threads['Green marker']}/replies`, partner.token, {
        description: 'Marked too high',
        tlp: 'amber',
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.body, /"field":"tlp"/);
      assert.match(res.body, /TLP:GREEN/);
      const afterRows = await t.ctx.db.selectFrom('requests').select('id').execute();
      assert.equal(afterRows.length, before.length);

      const allowed = await post(
        `/api/v1/requests/${threads['Green marker']}/replies`,
        partner.token,
        { description: 'Marked within clearance' },
      );
      assert.equal(allowed.statusCode, 201, allowed.body);
    });

    it('replays no request event above the clearance', async () => {
      const stream = await openStream(baseUrl, partner.token, {
        'last-event-id': String(startEventId),
      });
      assert.equal(stream.res.status, 200);
      // Events replay in id order, and every AMBER event is older than the GREEN marker's.
      await stream.waitFor(1);
      stream.close();
      assert.equal(stream.frames[0]?.event, 'request');
      assert.match(subjectOf(stream.frames[0].data), /Green marker/);
      const subjects = stream.frames.map((frame) => subjectOf(frame.data));
      assert.ok(!subjects.some((subject) => subject.includes('Amber probe')));
    });

    it('sends no live request event above the clearance', async () => {
      const stream = await openStream(baseUrl, colleague.token);
      assert.equal(stream.res.status, 200);
      const rows = await t.ctx.db
        .selectFrom('requests')
        .selectAll()
        .where('reference', 'in', [threads['Amber probe'] ?? '', threads['Green marker'] ?? ''])
        .orderBy('tlp')
        .execute();
      // A change to each thread, the AMBER one first: `amber` sorts before `green`.
      assert.deepEqual(
        rows.map((row) => row.tlp),
        ['amber', 'green'],
      );
      for (const row of rows) {
        const event = await t.ctx.db.transaction().execute((trx) =>
          recordEvent(trx, t.ctx.database.dialect, t.clock, 'request', {
            id: row.id,
            reference: row.reference,
            threadId: row.thread_id,
            type: 'request-for-information',
            subject: `${row.subject} live`,
            severity: row.severity,
            change: 'acknowledged',
            exercise: true,
          }),
        );
        await publishEvents(t.ctx, [event]);
      }

      await stream.waitFor(1);
      stream.close();
      assert.match(subjectOf(stream.frames[0]?.data ?? null), /Green marker live/);
      const subjects = stream.frames.map((frame) => subjectOf(frame.data));
      assert.ok(!subjects.some((subject) => subject.includes('Amber probe')));
    });
  });
}
