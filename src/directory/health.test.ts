import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newId } from '../shared/crypto.ts';
import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import type { StateHealth } from './health.service.ts';

const DAY = 24 * 60 * 60 * 1000;

interface Report {
  counts: Record<string, number>;
  states: StateHealth[];
}

for (const dialect of testDialects) {
  describe(`directory health on ${dialect}`, () => {
    let t: TestApp;
    let secretariat: TestAccount;
    let bouncedEmail: string;

    before(async () => {
      t = await startTestApp(dialect);
      secretariat = await t.createAccount('secretariat');
      // Ghana: every level, with an alternate at technical level only.
      for (const level of ['diplomatic', 'policy', 'technical'] as const) {
        await insertPoc(t.ctx, { state: 'GH', level });
      }
      await insertPoc(t.ctx, { state: 'GH', level: 'technical' });
      await t.ctx.db
        .updateTable('pocs')
        .set({ contact_role: 'alternate' })
        .where('id', '=', (await insertPoc(t.ctx, { state: 'GH', level: 'policy' })).id)
        .execute();
      // Peru: one technical PoC, stale, whose last mail bounced.
      const peru = await insertPoc(t.ctx, { state: 'PE', level: 'technical' });
      bouncedEmail = peru.email;
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: new Date(t.clock.now().getTime() - 200 * DAY).toISOString() })
        .where('id', '=', peru.id)
        .execute();
      await insertFailedDelivery(peru.email);
      await t.ctx.db
        .updateTable('pocs')
        .set({ last_confirmed_at: t.clock.now().toISOString() })
        .where('state_code', '=', 'GH')
        .execute();
    });
    after(() => t.close());

    async function insertFailedDelivery(email: string) {
      const alertId = newId();
      const recipientId = newId();
      const now = t.clock.now().toISOString();
      await t.ctx.db
        .insertInto('alerts')
        .values({
          id: alertId,
          title: 'Test',
          severity: 1,
          tlp: 'green',
          body: '',
          object_ids: '[]',
          sender_account_id: secretariat.id,
          sender_state: null,
          sender_org: null,
          created_at: now,
        })
        .execute();
      await t.ctx.db
        .insertInto('alert_recipients')
        .values({
          id: recipientId,
          alert_id: alertId,
          poc_id: null,
          email,
          email_key: email,
          state_code: 'PE',
          level: 'technical',
          ack_token_hash: newId(),
          opened_at: null,
          acknowledged_at: null,
          acknowledged_via: null,
        })
        .execute();
      await t.ctx.db
        .insertInto('alert_deliveries')
        .values({
          id: newId(),
          recipient_id: recipientId,
          alert_id: alertId,
          channel: 'email',
          status: 'failed',
          attempts: 3,
          failure_reason: '550 mailbox unavailable',
          queued_at: now,
          sent_at: null,
          failed_at: now,
        })
        .execute();
    }

    async function report(sort = '-missing') {
      const res = await t.request({
        method: 'GET',
        url: `/api/v1/directory/health?sort=${encodeURIComponent(sort)}`,
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 200, res.body);

      return res.json<Report>();
    }

    it('counts the gaps of every state', async () => {
      const { counts, states } = await report();
      assert.equal(counts.states, 195);
      assert.equal(counts.statesWithoutAnyPoc, 193);
      assert.equal(counts.staleEntries, 1);
      assert.equal(counts.bouncedAddresses, 1);

      const ghana = states.find((s) => s.code === 'GH');
      assert.deepEqual(ghana?.missingLevels, []);
      assert.deepEqual(ghana.levelsWithoutAlternate, ['diplomatic', 'technical']);
      const peru = states.find((s) => s.code === 'PE');
      assert.deepEqual(peru?.missingLevels, ['diplomatic', 'policy']);
      assert.equal(peru.staleEntries, 1);
      assert.deepEqual(peru.bouncedAddresses, [bouncedEmail]);
    });

    it('sorts numerically in both directions', async () => {
      const fewestMissing = (await report('missing')).states;
      assert.equal(fewestMissing[0]?.code, 'GH');
      const mostStale = (await report('-stale')).states;
      assert.equal(mostStale[0]?.code, 'PE');
      const byName = (await report('name')).states.map((s) => s.name);
      assert.deepEqual(
        byName,
        [...byName].sort((a, b) => a.localeCompare(b)),
      );
    });

    it('rejects an unknown sort column', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/directory/health?sort=size',
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 422);
    });

    it('is for the secretariat only', async () => {
      const editor = await t.createAccount('state-editor', { state: 'GH' });
      const res = await t.request({
        method: 'GET',
        url: '/api/v1/directory/health',
        token: editor.token,
      });
      assert.equal(res.statusCode, 403);
      const page = await t.request({ method: 'GET', url: '/directory/health' });
      assert.equal(page.statusCode, 303);
    });

    it('renders a sortable page', async () => {
      const res = await t.request({
        method: 'GET',
        url: '/directory/health?sort=-stale',
        token: secretariat.token,
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Stale entries: 1/);
      assert.match(res.body, /aria-sort="descending"/);
      assert.match(res.body, new RegExp(bouncedEmail.replace(/[.]/g, '\\.')));
    });
  });
}
