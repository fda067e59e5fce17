import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { CheckSummary } from '../checks/checks.schema.ts';
import { englishCatalogue } from '../i18n/messages.ts';
import type { JobWorker } from '../jobs/worker.ts';
import type { Gap, TimelineEntry } from './after-action.service.ts';

const MINUTE_MS = 60_000;

interface ExerciseBody {
  id: string;
  status: string;
  marking: string;
  injects: { id: string; kind: string; releasedAt: string | null; targetId: string | null }[];
}

for (const dialect of testDialects) {
  describe(`exercises on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let secretariat: TestAccount;
    let frEditor: TestAccount;
    let exerciseId = '';
    const pocs: Record<string, { id: string; email: string }> = {};

    before(async () => {
      t = await startTestApp(dialect);
      worker = t.createWorker();
      secretariat = await t.createAccount('secretariat');
      frEditor = await t.createAccount('state-editor', { state: 'FR' });
      pocs.fr = await insertPoc(t.ctx, { state: 'FR' });
      pocs.frAlternate = await insertPoc(t.ctx, { state: 'FR' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate', last_confirmed_at: t.clock.now().toISOString() })
        .where('id', '=', pocs.frAlternate.id)
        .execute();
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: t.clock.now().toISOString() })
        .where('id', '=', pocs.fr.id)
        .execute();
      // DE has one technical PoC, never confirmed and without an alternate.
      pocs.de = await insertPoc(t.ctx, { state: 'DE' });
    });
    after(() => t.close());

    const get = (url: string, token = secretariat.token) =>
      t.request({ method: 'GET', url, token });
    const post = (url: string, payload?: Record<string, unknown>, token = secretariat.token) =>
      t.request({ method: 'POST', url, token, ...(payload === undefined ? {} : { payload }) });

    it('lets only the secretariat create exercises', async () => {
      const res = await post(
        '/api/v1/exercises',
        { title: 'x', scenario: 'y', states: ['FR'] },
        frEditor.token,
      );
      assert.equal(res.statusCode, 403);
    });

    it('rejects an exercise without participants', async () => {
      const res = await post('/api/v1/exercises', { title: 'x', scenario: 'y', states: [] });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /"field":"states"/);
    });

    it('creates a planned exercise with injects', async () => {
      const res = await post('/api/v1/exercises', {
        title: 'Ransomware drill',
        scenario: 'A ransomware wave hits ministries.',
        states: ['FR', 'DE'],
        levels: ['technical'],
        injects: [
          { kind: 'check', title: 'Are you there?', offsetMinutes: 0, windowMinutes: 60 },
          {
            kind: 'alert',
            title: 'Ransomware note found',
            body: 'See the note.',
            offsetMinutes: 30,
          },
        ],
      });
      assert.equal(res.statusCode, 201);
      exerciseId = res.json<{ id: string }>().id;
      const exercise = (await get(`/api/v1/exercises/${exerciseId}`)).json<ExerciseBody>();
      assert.equal(exercise.status, 'planned');
      assert.equal(exercise.marking, 'EXERCISE');
      assert.equal(exercise.injects.length, 2);
      const list = await get('/exercises');
      assert.match(list.body, new RegExp(`href="/exercises/${exerciseId}">Ransomware drill`));
      assert.equal((await get('/exercises', frEditor.token)).statusCode, 403);
    });

    it('releases the first inject on schedule with the EXERCISE mark', async () => {
      const started = await post(`/api/v1/exercises/${exerciseId}/start`);
      assert.equal(started.statusCode, 200);
      await worker.runUntilIdle();

      const exercise = (await get(`/api/v1/exercises/${exerciseId}`)).json<ExerciseBody>();
      const check = exercise.injects.find((inject) => inject.kind === 'check');
      assert.notEqual(check?.releasedAt, null);
      const alert = exercise.injects.find((inject) => inject.kind === 'alert');
      assert.equal(alert?.releasedAt, null);

      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select(['subject', 'text_body'])
        .where('to_address', '=', pocs.fr?.email ?? '')
        .executeTakeFirstOrThrow();
      assert.match(mail.subject, /^\[Parley\] \[EXERCISE\] Communication check: Are you there\?$/);
      // Check mails open and close with the same banner as alert and request mails.
      const lines = mail.text_body.split('\n');
      assert.equal(lines[0], englishCatalogue.alerts.exerciseBanner);
      assert.equal(lines.at(-1), englishCatalogue.alerts.exerciseBanner);

      const summary = await t.request({
        method: 'GET',
        url: `/api/v1/checks/${check?.targetId ?? ''}/summary`,
      });
      assert.equal(summary.json<CheckSummary>().isExercise, true);
    });

    it('keeps exercise checks out of the real check list', async () => {
      const res = await get('/api/v1/checks', frEditor.token);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json<{ checks: unknown[] }>().checks, []);
    });

    it('releases an inject once when the controller goes first', async () => {
      const exercise = (await get(`/api/v1/exercises/${exerciseId}`)).json<ExerciseBody>();
      const alert = exercise.injects.find((inject) => inject.kind === 'alert');
      const url = `/api/v1/exercises/${exerciseId}/injects/${alert?.id ?? ''}/release`;
      const released = await post(url);
      assert.equal(released.statusCode, 200);
      assert.equal(released.json<{ released: boolean }>().released, true);
      const again = await post(url);
      assert.equal(again.json<{ released: boolean }>().released, false);

      t.clock.advance(31 * MINUTE_MS);
      await worker.runUntilIdle();
      const alerts = await t.ctx.db.selectFrom('alerts').select(['exercise', 'title']).execute();
      assert.equal(alerts.length, 1);
      assert.equal(alerts[0]?.exercise, 1);
      const alertMail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('subject')
        .where('subject', 'like', '%Ransomware note found%')
        .executeTakeFirstOrThrow();
      assert.match(alertMail.subject, /EXERCISE/);
    });

    it('shows answers on the controller timeline', async () => {
      const mail = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('text_body')
        .where('to_address', '=', pocs.fr?.email ?? '')
        .where('subject', 'like', '%Communication check%')
        .executeTakeFirstOrThrow();
      const token = /\/checks\/answer\/([\w-]+)/.exec(mail.text_body)?.[1] ?? '';
      const linkPage = await t.request({ method: 'GET', url: `/checks/answer/${token}` });
      assert.match(linkPage.body, /<strong>EXERCISE<\/strong>/);
      const answer = await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      assert.equal(answer.statusCode, 200);
      const poc = await t.ctx.db
        .selectFrom('pocs')
        .select('confirmed_via')
        .where('id', '=', pocs.fr?.id ?? '')
        .executeTakeFirstOrThrow();
      assert.equal(poc.confirmed_via, null, 'an exercise answer must not confirm the real entry');

      const res = await get(`/api/v1/exercises/${exerciseId}/timeline`);
      const texts = res.json<{ entries: TimelineEntry[] }>().entries.map((entry) => entry.text);
      assert.ok(texts.includes('Exercise started'), texts.join('\n'));
      assert.ok(texts.some((text) => text.startsWith('Inject released: Are you there?')));
      assert.ok(texts.some((text) => text.endsWith(`${pocs.fr?.email ?? ''} answered`)));
      const page = await get(`/exercises/${exerciseId}`);
      assert.match(page.body, /EXERCISE/);
      assert.match(page.body, /answered/);
    });

    it('reports times and gaps after the exercise', async () => {
      t.clock.advance(120 * MINUTE_MS);
      await worker.runUntilIdle();
      const ended = await post(`/api/v1/exercises/${exerciseId}/end`);
      assert.equal(ended.statusCode, 200);

      const res = await get(`/api/v1/exercises/${exerciseId}/report`);
      const report = res.json<{
        marking: string;
        reachedStates: string[];
        gaps: Gap[];
        byLevel: Record<string, { participants: number; reached: number }>;
      }>();
      assert.equal(report.marking, 'EXERCISE');
      assert.deepEqual(report.reachedStates, ['FR']);
      const kinds = (state: string) =>
        report.gaps.filter((gap) => gap.stateCode === state).map((gap) => gap.kind);
      assert.ok(kinds('DE').includes('no-alternate'), kinds('DE').join());
      assert.ok(kinds('DE').includes('stale-entry'), kinds('DE').join());
      assert.ok(kinds('DE').includes('unanswered'), kinds('DE').join());
      assert.ok(!kinds('FR').includes('no-alternate'));
      assert.ok(!kinds('FR').includes('stale-entry'));
      assert.ok((report.byLevel.technical?.participants ?? 0) >= 3);

      const page = await get(`/exercises/${exerciseId}/report`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<title>\[EXERCISE\] After-action report/);
      assert.match(page.body, /<svg[^>]*role="img"/);
      assert.match(page.body, /No alternate/);
    });
  });
}
