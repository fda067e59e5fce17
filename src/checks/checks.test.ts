import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import type { JobWorker } from '../jobs/worker.ts';
import type { CheckResultRow, CheckSummary } from './checks.schema.ts';
import { checkRepeatJob } from './checks.service.ts';

const MINUTE_MS = 60_000;

interface Results {
  status: string;
  recipients: CheckResultRow[];
  states: Record<string, string>;
}

/** Returns the personal link token of the newest mail to `address`. */
async function tokenFromMail(t: TestApp, address: string): Promise<string> {
  const mail = await t.ctx.db
    .selectFrom('mail_outbox')
    .select(['text_body', 'subject'])
    .where('to_address', '=', address)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const match = /\/checks\/answer\/([\w-]+)/.exec(mail.text_body);
  assert.ok(match?.[1], `no answer link in the mail to ${address}`);

  return match[1];
}

async function mailsTo(t: TestApp, address: string) {
  return t.ctx.db
    .selectFrom('mail_outbox')
    .select(['subject', 'text_body'])
    .where('to_address', '=', address)
    .orderBy('id')
    .execute();
}

for (const dialect of testDialects) {
  describe(`communication checks on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let secretariat: TestAccount;
    let frEditor: TestAccount;
    let deEditor: TestAccount;
    let jpPoc: TestAccount;
    let checkId = '';
    const pocs: Record<string, { id: string; email: string }> = {};

    before(async () => {
      t = await startTestApp(dialect);
      worker = t.createWorker();
      secretariat = await t.createAccount('secretariat');
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      deEditor = await t.createAccount('state-editor', { state: 'DE' });
      jpPoc = await t.createAccount('poc', { state: 'JP' });
      pocs.fr = await insertPoc(t.ctx, { state: 'FR' });
      pocs.de = await insertPoc(t.ctx, { state: 'DE' });
      pocs.deAlternate = await insertPoc(t.ctx, { state: 'DE' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate' })
        .where('id', '=', pocs.deAlternate.id)
        .execute();
      pocs.jp = await insertPoc(t.ctx, { state: 'JP', email: jpPoc.email });
      // Another level of FR, outside the check's level filter.
      pocs.frPolicy = await insertPoc(t.ctx, { state: 'FR', level: 'policy' });
    });
    after(() => t.close());

    const start = (token: string | undefined, payload: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/api/v1/checks', token, payload });

    it('rejects invalid input naming each field', async () => {
      const res = await start(secretariat.token, {
        title: '',
        levels: ['military'],
        windowMinutes: 2,
        reminderMinutes: [10],
      });
      assert.equal(res.statusCode, 422);
      const fields = res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field);
      assert.ok(fields.includes('title'), fields.join());
      assert.ok(fields.includes('levels.0'), fields.join());
      assert.ok(fields.includes('windowMinutes'), fields.join());
    });

    it('rejects a reminder outside the window', async () => {
      const res = await start(secretariat.token, {
        title: 'Reminder too early',
        windowMinutes: 60,
        reminderMinutes: [90],
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /reminderMinutes\.0/);
    });

    it('rejects an unknown state code', async () => {
      const res = await start(secretariat.token, { title: 'x', states: ['QQ'], windowMinutes: 60 });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /states\.0/);
    });

    it('forbids PoC accounts to start checks', async () => {
      const res = await start(jpPoc.token, { title: 'x', windowMinutes: 60 });
      assert.equal(res.statusCode, 403);
    });

    it('starts a check for the primary PoCs of the audience', async () => {
      const res = await start(secretariat.token, {
        title: 'Quarterly technical check',
        levels: ['technical'],
        states: ['FR', 'DE', 'JP'],
        windowMinutes: 120,
        reminderMinutes: [30],
      });
      assert.equal(res.statusCode, 201);
      const body = res.json<{ id: string; recipients: number }>();
      assert.equal(body.recipients, 3);
      checkId = body.id;

      await worker.runUntilIdle();
      const mails = await mailsTo(t, pocs.fr?.email ?? '');
      assert.equal(mails.length, 1);
      assert.match(mails[0]?.subject ?? '', /Communication check: Quarterly technical check/);
      assert.equal((await mailsTo(t, pocs.deAlternate?.email ?? '')).length, 0);
      assert.equal((await mailsTo(t, pocs.frPolicy?.email ?? '')).length, 0);
    });

    it('records opening the link without counting it as an answer', async () => {
      const token = await tokenFromMail(t, pocs.fr?.email ?? '');
      const page = await t.request({ method: 'GET', url: `/checks/answer/${token}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Answer<\/button>/);

      const res = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: secretariat.token,
      });
      const fr = res.json<Results>().recipients.find((r) => r.stateCode === 'FR');
      assert.ok(fr);
      assert.notEqual(fr.openedAt, null);
      assert.equal(fr.answeredAt, null);
      assert.notEqual(fr.deliveredAt, null);
    });

    it('answers through the personal link and confirms the PoC', async () => {
      t.clock.advance(10 * MINUTE_MS);
      const token = await tokenFromMail(t, pocs.fr?.email ?? '');
      const res = await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Answer recorded/);

      const poc = await t.ctx.db
        .selectFrom('pocs')
        .select(['last_confirmed_at', 'confirmed_via'])
        .where('id', '=', pocs.fr?.id ?? '')
        .executeTakeFirstOrThrow();
      assert.equal(poc.confirmed_via, 'check');
      assert.equal(poc.last_confirmed_at, t.clock.now().toISOString());
    });

    it('answers for a signed-in recipient through the API', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/checks/${checkId}/answer`,
        token: jpPoc.token,
        payload: { via: 'web' },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json<{ answered: number }>().answered, 1);

      // The answer implies the check was opened, though the link was never followed.
      const results = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: secretariat.token,
      });
      const jp = results.json<Results>().recipients.find((r) => r.stateCode === 'JP');
      assert.equal(jp?.openedAt, t.clock.now().toISOString());
    });

    it('rejects an answer from an account that is not a recipient', async () => {
      const res = await t.request({
        method: 'POST',
        url: `/api/v1/checks/${checkId}/answer`,
        token: frEditor.token,
      });
      assert.equal(res.statusCode, 404);
    });

    it('reminds only recipients who have not answered', async () => {
      t.clock.advance(85 * MINUTE_MS);
      await worker.runUntilIdle();
      const deMails = await mailsTo(t, pocs.de?.email ?? '');
      assert.equal(deMails.length, 2);
      assert.match(deMails[1]?.subject ?? '', /Reminder/);
      assert.equal((await mailsTo(t, pocs.fr?.email ?? '')).length, 1);
      assert.equal((await mailsTo(t, jpPoc.email)).length, 1);
    });

    it('escalates a non-answer to the alternate at the close', async () => {
      t.clock.advance(30 * MINUTE_MS);
      await worker.runUntilIdle();
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: secretariat.token,
      });
      const results = res.json<Results>();
      assert.equal(results.status, 'escalating');
      const escalation = results.recipients.find((r) => r.isEscalation);
      assert.ok(escalation);
      assert.equal(escalation.email, pocs.deAlternate?.email);
      assert.equal(escalation.level, 'technical');
      const original = results.recipients.find((r) => r.email === pocs.de?.email);
      assert.ok(original);
      assert.notEqual(original.escalatedAt, null);
      assert.equal(escalation.escalatedFrom, original.id);
      assert.equal(results.states.DE, 'pending');
      const alternateMails = await mailsTo(t, pocs.deAlternate?.email ?? '');
      assert.equal(alternateMails.length, 1);
      assert.match(
        alternateMails[0]?.text_body ?? '',
        /primary contact of your state did not answer/,
      );
    });

    it('counts the alternate answer and closes after the escalation window', async () => {
      const token = await tokenFromMail(t, pocs.deAlternate?.email ?? '');
      const answer = await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      assert.equal(answer.statusCode, 200);
      t.clock.advance(121 * MINUTE_MS);
      await worker.runUntilIdle();

      const res = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: secretariat.token,
      });
      const results = res.json<Results>();
      assert.equal(results.status, 'closed');
      assert.equal(results.states.FR, 'answered');
      assert.equal(results.states.DE, 'answered-after-escalation');
      assert.equal(results.states.JP, 'answered');
    });

    it('rejects an answer once the check has closed', async () => {
      const token = await tokenFromMail(t, pocs.de?.email ?? '');
      const res = await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      assert.equal(res.statusCode, 409);
    });

    it('shows a state editor only its own state', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: frEditor.token,
      });
      assert.equal(res.statusCode, 200);
      const states = new Set(res.json<Results>().recipients.map((r) => r.stateCode));
      assert.deepEqual([...states], ['FR']);
    });

    it('hides results from PoCs and the public', async () => {
      const poc = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
        token: jpPoc.token,
      });
      assert.equal(poc.statusCode, 404);
      const anonymous = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results`,
      });
      assert.equal(anonymous.statusCode, 401);
    });

    it('gives anyone aggregates without names or addresses', async () => {
      const res = await t.request({ method: 'GET', url: `/api/v1/checks/${checkId}/summary` });
      assert.equal(res.statusCode, 200);
      const summary = res.json<CheckSummary>();
      assert.equal(summary.overall.recipients, 4);
      assert.equal(summary.overall.answered, 3);
      assert.equal(summary.overall.escalations, 1);
      assert.equal(summary.byLevel.technical?.answered, 3);
      assert.equal(summary.byRegion['western-european-others']?.recipients, 3);
      assert.equal(summary.byRegion['asia-pacific']?.rate, 1);
      assert.equal(summary.isExercise, false);
      assert.notEqual(summary.medianMinutesToAnswer, null);
      assert.ok((summary.medianMinutesToAnswer ?? 0) > 0);
      for (const poc of Object.values(pocs)) assert.ok(!res.body.includes(poc.email));
      assert.ok(!res.body.includes(jpPoc.email));
    });

    it('exports results and aggregates as CSV', async () => {
      const rows = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/results.csv`,
        token: deEditor.token,
      });
      assert.equal(rows.statusCode, 200);
      const lines = rows.body.trim().split('\n');
      assert.equal(lines.length, 3);
      assert.match(lines[0] ?? '', /^stateCode,level,contactRole,email/);
      assert.ok(lines.slice(1).every((line) => line.startsWith('DE,')));

      const aggregates = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${checkId}/summary.csv`,
      });
      assert.match(aggregates.body, /^group,key,recipients,answered,rate/);
      assert.match(aggregates.body, /overall,all,4,3,0\.750/);
    });

    it('renders the results page with charts and the grid of states', async () => {
      const res = await t.request({
        method: 'GET',
        url: `/checks/${checkId}`,
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<svg[^>]*role="img"/);
      assert.match(res.body, /<strong>DE<\/strong><br \/><span>Answered by an alternate/);
      const publicPage = await t.request({ method: 'GET', url: `/checks/${checkId}` });
      assert.equal(publicPage.statusCode, 200);
      assert.ok(!publicPage.body.includes(pocs.fr?.email ?? 'x'));
      assert.doesNotMatch(publicPage.body, /<strong>DE<\/strong>/);
    });

    it('starts the next occurrence of a repeating check', async () => {
      const res = await start(secretariat.token, {
        title: 'Daily check',
        states: ['JP'],
        windowMinutes: 60,
        repeatEveryDays: 1,
      });
      const first = res.json<{ id: string }>().id;
      t.clock.advance(24 * 60 * MINUTE_MS);
      await enqueueJob(t.ctx.db, t.ctx.clock, checkRepeatJob, {}, { idempotencyKey: 'repeat-1' });
      await worker.runUntilIdle();

      const row = await t.ctx.db
        .selectFrom('checks')
        .select('repeated_as')
        .where('id', '=', first)
        .executeTakeFirstOrThrow();
      assert.ok(row.repeated_as !== null);
      const next = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${row.repeated_as}/summary`,
      });
      assert.equal(next.json<CheckSummary>().title, 'Daily check');
      assert.equal(next.json<CheckSummary>().overall.recipients, 1);
    });

    it('starts a check from the web form with a region', async () => {
      const form = new URLSearchParams({
        title: 'Asia-Pacific check',
        states: '',
        regions: 'asia-pacific',
        windowMinutes: '30',
        reminderMinutes: '5',
        repeatEveryDays: '7',
      });
      const res = await t.request({
        method: 'POST',
        url: '/checks',
        token: secretariat.token,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      });
      assert.equal(res.statusCode, 303);
      const id = String(res.headers.location).split('/').pop() ?? '';
      const summary = await t.request({ method: 'GET', url: `/api/v1/checks/${id}/summary` });
      const body = summary.json<CheckSummary>();
      assert.equal(body.overall.recipients, 1);
      assert.deepEqual(Object.keys(body.byRegion), ['asia-pacific']);
      const row = await t.ctx.db
        .selectFrom('checks')
        .select('repeat_every_minutes')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.repeat_every_minutes, 7 * 24 * 60);
    });

    it('names the invalid field of the web form', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/checks',
        token: secretariat.token,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'title=x&windowMinutes=soon',
      });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /windowMinutes/);
    });

    it('closes at once when no alternate exists', async () => {
      const res = await start(secretariat.token, {
        title: 'Policy level check',
        levels: ['policy'],
        states: ['FR'],
        windowMinutes: 30,
      });
      const id = res.json<{ id: string }>().id;
      t.clock.advance(31 * MINUTE_MS);
      await worker.runUntilIdle();

      const results = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${id}/results`,
        token: secretariat.token,
      });
      const body = results.json<Results>();
      assert.equal(body.status, 'closed');
      assert.equal(body.recipients.length, 1);
      assert.equal(body.recipients[0]?.escalatedAt, null);
      assert.equal(body.states.FR, 'unanswered');
    });

    it('lists only the checks an account may know of', async () => {
      const titles = async (token: string) => {
        const res = await t.request({ method: 'GET', url: '/api/v1/checks', token });
        return res.json<{ checks: { id: string }[] }>().checks.map((check) => check.id);
      };
      const all = await titles(secretariat.token);
      assert.ok(all.includes(checkId));
      assert.ok((await titles(deEditor.token)).includes(checkId));
      assert.ok((await titles(jpPoc.token)).includes(checkId));

      const outsider = await t.createAccount('poc', { state: 'BR' });
      assert.deepEqual(await titles(outsider.token), []);
      const brEditor = await t.createAccount('state-editor', { state: 'BR' });
      assert.deepEqual(await titles(brEditor.token), []);
    });
  });
}
