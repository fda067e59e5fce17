import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { englishCatalogue } from '../i18n/messages.ts';
import type { JobWorker } from '../jobs/worker.ts';
import { MEMBERS, PUBLIC, taxiiGet } from '../taxii/taxii.test-helpers.ts';
import type { ParticipantResult, TimelineEntry } from './after-action.service.ts';

const MINUTE_MS = 60_000;
const INDICATOR_ID = `indicator--${randomUUID()}`;

interface ExerciseBody {
  injects: { id: string; kind: string; releasedAt: string | null; targetId: string | null }[];
}

/** Counts the `[EXERCISE]` marks in a subject or title; every exercise item carries one. */
function countMarks(text: string): number {
  return text.split('[EXERCISE]').length - 1;
}

function bundleOf(objects: unknown[]) {
  return { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
}

const indicator = {
  type: 'indicator',
  spec_version: '2.1',
  id: INDICATOR_ID,
  created: '2026-03-05T08:15:30.000Z',
  modified: '2026-03-05T08:15:30.000Z',
  name: 'Drill C2 server',
  pattern: "[ipv4-addr:value = '198.51.100.77']",
  pattern_type: 'stix',
  valid_from: '2026-03-05T08:15:30Z',
};

for (const dialect of testDialects) {
  describe(`exercise request and bundle injects on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let secretariat: TestAccount;
    let frPoc: TestAccount;
    let jpPoc: TestAccount;
    let partner: TestAccount;
    let partnerOrg = '';
    let exerciseId = '';
    let readinessBefore = '';
    const pocs: Record<string, { id: string; email: string }> = {};

    before(async () => {
      t = await startTestApp(dialect);
      worker = t.createWorker();
      secretariat = await t.createAccount('secretariat');
      frPoc = await t.createAccount('poc', { state: 'FR', email: 'cert@fr.example' });
      jpPoc = await t.createAccount('poc', { state: 'JP' });
      partner = await t.createAccount('partner', { org: 'Grid Operators ISAC' });
      const org = await t.ctx.db
        .updateTable('organisations')
        .set({ clearance: 'amber' })
        .where('name', '=', 'Grid Operators ISAC')
        .returning('id')
        .executeTakeFirstOrThrow();
      partnerOrg = org.id;
      pocs.fr = await insertPoc(t.ctx, { state: 'FR', email: 'cert@fr.example' });
      pocs.de = await insertPoc(t.ctx, { state: 'DE' });
      readinessBefore = (await t.request({ method: 'GET', url: '/api/v1/readiness' })).body;
    });
    after(() => t.close());

    const get = (url: string, token = secretariat.token) =>
      t.request({ method: 'GET', url, token });
    const post = (url: string, payload?: Record<string, unknown>, token = secretariat.token) =>
      t.request({ method: 'POST', url, token, ...(payload === undefined ? {} : { payload }) });
    const mailsTo = (address: string) =>
      t.ctx.db
        .selectFrom('mail_outbox')
        .select(['subject', 'text_body'])
        .where('to_address', '=', address)
        .orderBy('id')
        .execute();

    it('rejects an invalid bundle naming the object', async () => {
      const res = await post('/api/v1/exercises', {
        title: 'Bad bundle',
        scenario: 'x',
        states: ['FR'],
        injects: [
          {
            kind: 'bundle',
            title: 'Broken',
            offsetMinutes: 0,
            bundle: bundleOf([{ ...indicator, pattern: '[not a pattern' }]),
          },
        ],
      });
      assert.equal(res.statusCode, 422, res.body);
      assert.match(res.body, /"field":"injects\.0\.bundle\.objects\.0"/);
      const missing = await post('/api/v1/exercises', {
        title: 'No bundle',
        scenario: 'x',
        states: ['FR'],
        injects: [{ kind: 'bundle', title: 'Empty', offsetMinutes: 0 }],
      });
      assert.equal(missing.statusCode, 422);
      assert.match(missing.body, /"field":"injects\.0\.bundle"/);
      const count = await t.ctx.db.selectFrom('exercises').select('id').execute();
      assert.equal(count.length, 0);
    });

    it('stores a partner id given in upper case as stored', async () => {
      const res = await post('/api/v1/exercises', {
        title: 'Case drill',
        scenario: 'x',
        states: ['FR'],
        partnerOrgIds: [partnerOrg.toUpperCase()],
        injects: [{ kind: 'alert', title: 'Green', offsetMinutes: 0, tlp: 'green' }],
      });
      assert.equal(res.statusCode, 201, res.body);
      const id = res.json<{ id: string }>().id;
      const row = await t.ctx.db
        .selectFrom('exercises')
        .select('partner_org_ids')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(row.partner_org_ids), [partnerOrg]);
      await t.ctx.db.deleteFrom('exercise_injects').where('exercise_id', '=', id).execute();
      await t.ctx.db.deleteFrom('exercises').where('id', '=', id).execute();
    });

    it('rejects a partner cleared below an inject', async () => {
      const res = await post('/api/v1/exercises', {
        title: 'Too strict',
        scenario: 'x',
        states: ['FR'],
        partnerOrgIds: [partnerOrg],
        injects: [{ kind: 'alert', title: 'Strict', offsetMinutes: 0, tlp: 'amber+strict' }],
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"partnerOrgIds\.0"/);
    });

    it('releases a request inject on schedule', async () => {
      const res = await post('/api/v1/exercises', {
        title: 'Grid drill',
        scenario: 'A grid operator reports intrusions.',
        states: ['FR', 'DE'],
        levels: ['technical'],
        partnerOrgIds: [partnerOrg],
        injects: [
          { kind: 'request', title: 'Share logs', body: 'Send firewall logs.', offsetMinutes: 0 },
          {
            kind: 'bundle',
            title: 'Drill indicators',
            offsetMinutes: 60,
            tlp: 'clear',
            bundle: bundleOf([indicator]),
          },
          { kind: 'alert', title: 'Grid alert', offsetMinutes: 90, tlp: 'green' },
          { kind: 'check', title: 'Grid roll call', offsetMinutes: 120 },
        ],
      });
      assert.equal(res.statusCode, 201, res.body);
      exerciseId = res.json<{ id: string }>().id;
      assert.equal((await post(`/api/v1/exercises/${exerciseId}/start`)).statusCode, 200);
      await worker.runUntilIdle();

      const requests = await t.ctx.db
        .selectFrom('requests')
        .select(['subject', 'description', 'exercise', 'to_state', 'to_levels'])
        .orderBy('to_state')
        .execute();
      assert.deepEqual(
        requests.map((r) => r.to_state),
        ['', 'DE', 'FR'],
      );
      for (const row of requests) {
        assert.equal(row.exercise, 1);
        assert.match(row.subject, /^\[EXERCISE\] Share logs$/);
        assert.ok(row.description.startsWith(englishCatalogue.alerts.exerciseBanner));
      }
      const [mail] = await mailsTo(pocs.fr?.email ?? '');
      assert.match(mail?.subject ?? '', /\[EXERCISE\]/);
      assert.match(mail?.text_body ?? '', /^EXERCISE/);
      assert.match(mail?.text_body ?? '', /EXERCISE[^\n]*$/);
      const partnerMails = await mailsTo(partner.email);
      assert.equal(partnerMails.length, 1);
      assert.match(partnerMails[0]?.subject ?? '', /\[EXERCISE\].*Share logs/);

      const inbox = await get('/api/v1/requests?box=inbox', frPoc.token);
      const [message] = inbox.json<{ requests: { exercise: boolean; subject: string }[] }>()
        .requests;
      assert.equal(message?.exercise, true);
    });

    it('lets a state answer and times it per level', async () => {
      const reference = (
        await t.ctx.db
          .selectFrom('requests')
          .select('reference')
          .where('to_state', '=', 'FR')
          .executeTakeFirstOrThrow()
      ).reference;
      t.clock.advance(5 * MINUTE_MS);
      const ack = await post(`/api/v1/requests/${reference}/acknowledge`, undefined, frPoc.token);
      assert.equal(ack.statusCode, 200, ack.body);
      t.clock.advance(5 * MINUTE_MS);
      const reply = await post(
        `/api/v1/requests/${reference}/replies`,
        { type: 'response', description: 'Logs attached.' },
        frPoc.token,
      );
      assert.equal(reply.statusCode, 201, reply.body);
      const partnerAck = await t.request({
        method: 'GET',
        url: '/api/v1/requests?box=inbox',
        token: partner.token,
      });
      assert.equal(partnerAck.statusCode, 200);

      const report = (await get(`/api/v1/exercises/${exerciseId}/report`)).json<{
        results: ParticipantResult[];
        gaps: { kind: string; stateCode: string }[];
      }>();
      const fr = report.results.find((r) => r.kind === 'request' && r.stateCode === 'FR');
      assert.equal(fr?.level, 'technical');
      assert.equal(fr.minutesToAcknowledge, 5);
      assert.equal(fr.minutesToRespond, 10);
      assert.ok(
        report.gaps.some((gap) => gap.kind === 'unanswered' && gap.stateCode === 'DE'),
        'DE did not answer the request',
      );
      const timeline = (await get(`/api/v1/exercises/${exerciseId}/timeline`)).json<{
        entries: TimelineEntry[];
      }>();
      const texts = timeline.entries.map((entry) => entry.text);
      assert.ok(texts.some((text) => text.includes('acknowledged') && text.includes(reference)));
      assert.ok(texts.some((text) => text.includes('answered') && text.includes(reference)));
    });

    it('releases a bundle inject by the controller', async () => {
      const exercise = (await get(`/api/v1/exercises/${exerciseId}`)).json<ExerciseBody>();
      const bundle = exercise.injects.find((inject) => inject.kind === 'bundle');
      const url = `/api/v1/exercises/${exerciseId}/injects/${bundle?.id ?? ''}/release`;
      const released = await post(url);
      assert.equal(released.statusCode, 200, released.body);
      await worker.runUntilIdle();

      const stored = await t.ctx.db.selectFrom('exercise_objects').select('object_id').execute();
      assert.deepEqual(
        stored.map((row) => row.object_id),
        [INDICATOR_ID],
      );
      const frMails = await mailsTo(pocs.fr?.email ?? '');
      const notice = frMails.find((m) => m.subject.includes('STIX bundle: Drill indicators'));
      assert.equal(countMarks(notice?.subject ?? ''), 1, notice?.subject);
      assert.match(notice?.text_body ?? '', /\/api\/v1\/exercises\/[\w-]+\/objects/);
      const partnerMails = await mailsTo(partner.email);
      assert.ok(partnerMails.some((m) => m.subject.includes('STIX bundle: Drill indicators')));
    });

    it('lets participants read the exercise objects', async () => {
      const url = `/api/v1/exercises/${exerciseId}/objects`;
      for (const token of [frPoc.token, partner.token, secretariat.token]) {
        const res = await get(url, token);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json<{ marking: string; bundle: { objects: { id: string }[] } }>();
        assert.equal(body.marking, 'EXERCISE');
        assert.deepEqual(
          body.bundle.objects.map((object) => object.id),
          [INDICATOR_ID],
        );
      }
      assert.equal((await get(url, jpPoc.token)).statusCode, 404);
      assert.equal((await t.request({ method: 'GET', url })).statusCode, 401);
    });

    it('keeps exercise objects out of every real feed', async () => {
      const leaks: string[] = [];
      const urls = [
        '/api/v1/objects?limit=500',
        `/api/v1/objects/${INDICATOR_ID}`,
        '/api/v1/export/stix',
      ];
      for (const token of [secretariat.token, frPoc.token, undefined]) {
        for (const url of urls) {
          const res = await t.request({ method: 'GET', url, ...(token ? { token } : {}) });
          if (res.body.includes(INDICATOR_ID)) leaks.push(url);
        }
      }
      for (const url of [`${MEMBERS}/objects/`, `${MEMBERS}/manifest/`]) {
        const res = await taxiiGet(t, url, frPoc.token);
        if (res.body.includes(INDICATOR_ID)) leaks.push(url);
      }
      const open = await taxiiGet(t, `${PUBLIC}/objects/`);
      if (open.body.includes(INDICATOR_ID)) leaks.push(PUBLIC);
      assert.deepEqual(leaks, []);
      const real = await t.ctx.db.selectFrom('stix_objects').select('object_id').execute();
      assert.ok(!real.some((row) => row.object_id === INDICATOR_ID));
    });

    it('sends alert and check injects to partners', async () => {
      t.clock.advance(121 * MINUTE_MS);
      await worker.runUntilIdle();
      const mails = await mailsTo(partner.email);
      const alert = mails.find((m) => m.subject.includes('Grid alert'));
      assert.equal(countMarks(alert?.subject ?? ''), 1, alert?.subject);
      const check = mails.find((m) => m.subject.includes('Grid roll call'));
      assert.equal(countMarks(check?.subject ?? ''), 1, check?.subject);
      for (const mail of mails) assert.equal(countMarks(mail.subject), 1, mail.subject);
      const alerts = (await get('/api/v1/alerts', partner.token)).json<{
        alerts: { title: string; exercise: boolean }[];
      }>().alerts;
      assert.ok(alerts.length >= 2);
      for (const item of alerts) {
        assert.equal(item.exercise, true);
        assert.match(item.title, /^\[EXERCISE\] /);
        assert.equal(countMarks(item.title), 1, item.title);
      }
      const token = /\/checks\/answer\/([\w-]+)/.exec(check?.text_body ?? '')?.[1] ?? '';
      const answer = await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      assert.equal(answer.statusCode, 200);
      const report = (await get(`/api/v1/exercises/${exerciseId}/report`)).json<{
        results: ParticipantResult[];
        reachedStates: string[];
      }>();
      const partnerCheck = report.results.find(
        (r) => r.kind === 'check' && r.email === partner.email,
      );
      assert.equal(partnerCheck?.isReached, true);
      assert.ok(!report.reachedStates.includes(''), 'a partner is not a reached state');
      const partnerRows = report.results.filter((r) => r.email === partner.email);
      assert.ok(
        partnerRows.every((r) => r.level === 'partner'),
        JSON.stringify(partnerRows),
      );
      const timeline = (await get(`/api/v1/exercises/${exerciseId}/timeline`)).json<{
        entries: TimelineEntry[];
      }>().entries;
      const answered = timeline.find((e) => e.text === `partner ${partner.email} answered`);
      assert.ok(answered, JSON.stringify(timeline.map((e) => e.text)));
      assert.equal(answered.stateCode, null);
    });

    it('leaves readiness figures unchanged', async () => {
      const res = await t.request({ method: 'GET', url: '/api/v1/readiness' });
      assert.equal(res.body, readinessBefore);
    });
  });
}
