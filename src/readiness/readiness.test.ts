import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { startCheck } from '../checks/checks.service.ts';
import type { JobWorker } from '../jobs/worker.ts';
import type { StateReadiness } from './readiness.service.ts';

const MINUTE_MS = 60_000;

interface Overall {
  statesWithAllLevels: number;
  trend: { rate: number }[];
  perState?: StateReadiness[];
}

for (const dialect of testDialects) {
  describe(`readiness on ${dialect}`, () => {
    let t: TestApp;
    let worker: JobWorker;
    let secretariat: TestAccount;
    let deEditor: TestAccount;
    let frPoc: TestAccount;

    /** Answers every mail link sent to `email`. */
    async function answerAll(email: string) {
      const mails = await t.ctx.db
        .selectFrom('mail_outbox')
        .select('text_body')
        .where('to_address', '=', email)
        .execute();
      for (const mail of mails) {
        const token = /\/checks\/answer\/([\w-]+)/.exec(mail.text_body)?.[1] ?? '';
        await t.request({ method: 'POST', url: `/checks/answer/${token}` });
      }
    }

    before(async () => {
      t = await startTestApp(dialect);
      worker = t.createWorker();
      secretariat = await t.createAccount('secretariat');
      deEditor = await t.createAccount('state-editor', { state: 'DE' });
      frPoc = await t.createAccount('poc', { state: 'FR' });
      const fr = await insertPoc(t.ctx, { state: 'FR', level: 'technical', email: frPoc.email });
      await insertPoc(t.ctx, { state: 'FR', level: 'policy' });
      await insertPoc(t.ctx, { state: 'FR', level: 'diplomatic' });
      const frAlternate = await insertPoc(t.ctx, { state: 'FR', level: 'technical' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate' })
        .where('id', '=', frAlternate.id)
        .execute();
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: t.clock.now().toISOString() })
        .where('state_code', '=', 'FR')
        .execute();
      const de = await insertPoc(t.ctx, { state: 'DE' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: '2020-01-01T00:00:00.000Z' })
        .where('id', '=', de.id)
        .execute();

      const sender = { accountId: secretariat.id, stateCode: null };
      const input = {
        title: 'Real check',
        levels: ['technical' as const],
        states: ['FR', 'DE'],
        regions: [],
        windowMinutes: 60,
        reminderMinutes: [],
      };
      await startCheck(t.ctx, sender, input);
      await worker.runUntilIdle();
      await answerAll(fr.email);
      t.clock.advance(61 * MINUTE_MS);
      await worker.runUntilIdle();

      // A drill in which DE answers must not change DE's real figures.
      await startCheck(t.ctx, sender, { ...input, title: 'Drill' }, { exerciseId: 'drill-1' });
      await worker.runUntilIdle();
      await answerAll(de.email);
      t.clock.advance(61 * MINUTE_MS);
      await worker.runUntilIdle();
    });
    after(() => t.close());

    const get = (url: string, token?: string) => t.request({ method: 'GET', url, token });

    it('reports a state with every level and a recent answer', async () => {
      const res = await get('/api/v1/readiness/FR', frPoc.token);
      assert.equal(res.statusCode, 200);
      const fr = res.json<StateReadiness>();
      assert.equal(fr.levelsDesignated, 3);
      assert.equal(fr.levelsWithAlternate, 1);
      assert.equal(fr.freshness, 1);
      assert.equal(fr.lastCheckRate, 1);
    });

    it('leaves exercise answers out of real figures', async () => {
      const res = await get('/api/v1/readiness/DE', deEditor.token);
      const de = res.json<StateReadiness>();
      assert.equal(de.lastCheckRate, 0);
      assert.equal(de.trend.length, 1);
      assert.equal(de.freshness, 0);
      assert.equal(de.levelsDesignated, 1);
    });

    it('hides other states from a state account', async () => {
      assert.equal((await get('/api/v1/readiness/FR', deEditor.token)).statusCode, 404);
      assert.equal((await get('/api/v1/readiness/FR')).statusCode, 401);
    });

    it('gives the public aggregates only', async () => {
      const res = await get('/api/v1/readiness');
      const overall = res.json<Overall>();
      assert.equal(overall.statesWithAllLevels, 1);
      assert.equal(overall.perState, undefined);
      assert.equal(overall.trend.length, 1);
      assert.equal(overall.trend[0]?.rate, 0.5);
    });

    it('gives the secretariat the figures per state', async () => {
      const res = await get('/api/v1/readiness', secretariat.token);
      const perState = res.json<Overall>().perState ?? [];
      assert.equal(perState.find((state) => state.code === 'FR')?.lastCheckRate, 1);
      const page = await get('/readiness', secretariat.token);
      assert.match(page.body, /<svg[^>]*role="img"/);
      assert.match(page.body, /href="\/readiness\/FR"/);
    });
  });
}
