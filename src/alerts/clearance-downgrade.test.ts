import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { findLastEventId } from '../events/events.queries.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { newSecret } from '../shared/crypto.ts';
import { toRecipientRow } from './alerts.service.ts';

// A partner organisation cleared for TLP:AMBER when an alert goes out and lowered to TLP:GREEN
// afterwards gets no live event of that alert.
for (const dialect of testDialects) {
  describe(`alerts after a lowered partner clearance on ${dialect}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let sender: TestAccount;
    let partner: TestAccount;
    let secretariat: TestAccount;
    let organisationId: string;

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      sender = await t.createAccount('state-editor', { state: 'KE' });
      partner = await t.createAccount('partner', { org: 'Example Hunters' });
      secretariat = await t.createAccount('secretariat');
      await insertPoc(t.ctx, { state: 'KE', level: 'technical' });
      const row = await t.ctx.db
        .selectFrom('accounts')
        .select('organisation_id')
        .where('id', '=', partner.id)
        .executeTakeFirstOrThrow();
      organisationId = row.organisation_id ?? '';
    });
    after(() => t.close());

    const setClearance = async (clearance: string) => {
      const res = await t.request({
        method: 'PATCH',
        url: `/api/v1/organisations/${organisationId}`,
        token: secretariat.token,
        payload: { clearance },
      });
      assert.equal(res.statusCode, 200);
    };
    const sendAlert = async (title: string, tlp: string, extra: Record<string, unknown> = {}) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload: {
          title,
          severity: 2,
          tlp,
          body: `${title} body`,
          organisations: [organisationId],
          ...extra,
        },
      });
      assert.equal(res.statusCode, 201, res.body);

      return res.json<{ id: string }>().id;
    };
    /** Sends an AMBER alert while the organisation is cleared for it, then lowers the clearance. */
    const sendAmberThenLower = async (title: string, extra: Record<string, unknown> = {}) => {
      await setClearance('amber');
      const id = await sendAlert(title, 'amber', extra);
      await setClearance('green');

      return id;
    };
    const titleOf = (data: string | null) => (JSON.parse(data ?? '{}') as { title: string }).title;

    it('replays no event above the clearance', async () => {
      const startId = await findLastEventId(t.ctx.db);
      const amber = await sendAmberThenLower('Replay AMBER after downgrade');
      const green = await sendAlert('Replay GREEN marker', 'green');

      const stream = await openStream(baseUrl, partner.token, { 'last-event-id': String(startId) });
      assert.equal(stream.res.status, 200);
      // Events replay in id order, so a GREEN alert arriving first proves the AMBER one skipped.
      await stream.waitFor(1);
      stream.close();
      assert.equal(stream.frames[0]?.event, 'alert');
      assert.equal(titleOf(stream.frames[0].data), 'Replay GREEN marker');
      const ids = stream.frames.map((f) => (JSON.parse(f.data ?? '{}') as { id: string }).id);
      assert.ok(!ids.includes(amber), 'the AMBER alert is not replayed');
      assert.ok(ids.includes(green));

      const read = await t.request({
        method: 'GET',
        url: `/api/v1/alerts/${amber}`,
        token: partner.token,
      });
      assert.equal(read.statusCode, 404);
    });

    it('sends no live event above the clearance', async () => {
      const stream = await openStream(baseUrl, partner.token);
      assert.equal(stream.res.status, 200);
      // A recipient row written while the organisation was cleared for TLP:AMBER, whose event is
      // fanned out after the clearance was lowered.
      const amber = await sendAlert('Live AMBER for KE', 'amber', {
        organisations: [],
        states: ['KE'],
      });
      const row = toRecipientRow(
        amber,
        `${amber.slice(0, -4)}cafe`,
        {
          pocId: null,
          email: partner.email,
          emailKey: partner.email,
          stateCode: null,
          level: null,
          organisationId,
          contactRole: null,
        },
        newSecret(),
      );
      await t.ctx.db.insertInto('alert_recipients').values(row).execute();
      const event = await t.ctx.db.transaction().execute((trx) =>
        recordEvent(trx, t.ctx.database.dialect, t.clock, 'alert', {
          id: amber,
          title: 'Live AMBER for KE',
          severity: 2,
          tlp: 'amber',
          createdAt: t.clock.now().toISOString(),
          senderState: 'KE',
        }),
      );
      await publishEvents(t.ctx, [event]);
      await sendAlert('Live GREEN marker', 'green');

      await stream.waitFor(1);
      stream.close();
      assert.equal(titleOf(stream.frames[0]?.data ?? null), 'Live GREEN marker');
      const titles = stream.frames.map((f) => titleOf(f.data));
      assert.ok(!titles.includes('Live AMBER for KE'));
    });
  });
}
