import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { testDialects } from '../../test/support/database.ts';
import { insertPoc } from '../../test/support/factories.ts';
import { openStream } from '../../test/support/sse-stream.ts';
import { startTestApp, type TestAccount, type TestApp } from '../../test/support/test-app.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { findLastEventId } from './events.queries.ts';
import { pruneEventsJob } from './events.service.ts';

for (const dialect of testDialects) {
  describe(`live event stream on ${dialect}`, () => {
    let t: TestApp;
    let baseUrl: string;
    let sender: TestAccount;
    let poc: TestAccount;
    let outsider: TestAccount;

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      sender = await t.createAccount('state-editor', { state: 'FR' });
      poc = await t.createAccount('poc', { state: 'DE' });
      outsider = await t.createAccount('poc', { state: 'JP' });
      await insertPoc(t.ctx, { state: 'DE', email: poc.email });
      await insertPoc(t.ctx, { state: 'FR' });
    });
    after(() => t.close());

    const publish = async (title: string, extra: Record<string, unknown> = {}) => {
      const payload = {
        title,
        severity: 2,
        tlp: 'amber',
        states: ['DE'],
        body: 'Details.',
        ...extra,
      };
      const res = await t.request({
        method: 'POST',
        url: '/api/v1/alerts',
        token: sender.token,
        payload,
      });
      assert.equal(res.statusCode, 201);

      return res.json<{ id: string }>().id;
    };

    it('rejects the public with 401', async () => {
      const stream = await openStream(baseUrl, null);
      assert.equal(stream.res.status, 401);
    });

    it('sends an alert to its recipient but not to others', async () => {
      const recipient = await openStream(baseUrl, poc.token);
      const other = await openStream(baseUrl, outsider.token);
      assert.equal(recipient.res.status, 200);
      assert.match(recipient.res.headers.get('content-type') ?? '', /^text\/event-stream/);

      const alertId = await publish('Live alert');
      await recipient.waitFor(1);
      const [frame] = recipient.frames;
      assert.ok(frame !== undefined);
      assert.equal(frame.event, 'alert');
      assert.match(frame.id ?? '', /^\d+$/);
      const data = JSON.parse(frame.data ?? '{}') as Record<string, unknown>;
      assert.equal(data.id, alertId);
      assert.equal(data.title, 'Live alert');
      assert.equal(data.severity, 2);
      assert.equal(data.senderState, 'FR');

      await sleep(300);
      assert.equal(other.frames.length, 0);
      recipient.close();
      other.close();
    });

    it('tells the sender about an acknowledgement', async () => {
      const stream = await openStream(baseUrl, sender.token);
      const alertId = await publish('Please acknowledge');
      await stream.waitFor(1);
      await t.request({
        method: 'POST',
        url: `/api/v1/alerts/${alertId}/acknowledge`,
        token: poc.token,
      });

      await stream.waitFor(2);
      const ack = stream.frames[1];
      assert.equal(ack?.event, 'acknowledgement');
      const data = JSON.parse(ack.data ?? '{}') as Record<string, unknown>;
      assert.equal(data.alertId, alertId);
      assert.equal(data.email, poc.email);
      assert.equal(data.via, 'api');
      stream.close();
    });

    it('replays only the events after Last-Event-ID on reconnect', async () => {
      const first = await openStream(baseUrl, poc.token);
      await publish('Before 1');
      await publish('Before 2');
      await first.waitFor(2);
      const lastSeen = first.frames[1]?.id ?? '';
      first.close();

      await publish('Missed 1');
      await publish('Hidden from the PoC', { tlp: 'amber', states: [] });
      await publish('Missed 2');

      const again = await openStream(baseUrl, poc.token, { 'last-event-id': lastSeen });
      await again.waitFor(2);
      await publish('Live after reconnect');
      await again.waitFor(3);
      await sleep(200);
      const titles = again.frames.map(
        (f) => (JSON.parse(f.data ?? '{}') as { title: string }).title,
      );
      assert.deepEqual(titles, ['Missed 1', 'Missed 2', 'Live after reconnect']);
      const ids = again.frames.map((f) => Number(f.id));
      assert.ok(ids.every((id) => id > Number(lastSeen)));
      again.close();

      const byQuery = await openStream(baseUrl, poc.token, {}, `?lastEventId=${lastSeen}`);
      await byQuery.waitFor(3);
      assert.equal(byQuery.frames.length, 3);
      byQuery.close();
    });

    it('rejects a malformed Last-Event-ID with 422', async () => {
      const stream = await openStream(baseUrl, poc.token, { 'last-event-id': 'abc' });
      assert.equal(stream.res.status, 422);
    });

    it('sends resync for an id older than the replay window', async () => {
      const stream = await openStream(baseUrl, poc.token);
      await publish('Old news 1');
      await publish('Old news 2');
      await stream.waitFor(2);
      const prunedId = stream.frames[0]?.id ?? '';
      const lastOldId = stream.frames[1]?.id ?? '';
      stream.close();

      t.clock.advance(25 * 60 * 60 * 1000);
      await publish('Fresh news');
      await enqueueJob(t.ctx.db, t.clock, pruneEventsJob, {}, { idempotencyKey: 'prune-test' });
      await t.createWorker().runUntilIdle();
      const remaining = await t.ctx.db.selectFrom('events').select('id').execute();
      assert.ok(remaining.every((row) => row.id > Number(lastOldId)));

      // Old news 2 left the window unseen, so the client must reload its list.
      const tooOld = await openStream(baseUrl, poc.token, { 'last-event-id': prunedId });
      await tooOld.waitFor(1);
      await sleep(200);
      assert.equal(tooOld.frames.length, 1);
      assert.equal(tooOld.frames[0]?.event, 'resync');
      tooOld.close();

      // Everything up to the last pruned id was seen, so replay is complete.
      const current = await openStream(baseUrl, poc.token, { 'last-event-id': lastOldId });
      await current.waitFor(1);
      await sleep(200);
      const titles = current.frames.map(
        (f) => (JSON.parse(f.data ?? '{}') as { title: string }).title,
      );
      assert.deepEqual(titles, ['Fresh news']);
      current.close();
    });

    it('sends resync for an unissued id', async () => {
      const ahead = String((await findLastEventId(t.ctx.db)) + 1000);
      const stream = await openStream(baseUrl, poc.token, { 'last-event-id': ahead });
      assert.equal(stream.res.status, 200);
      await stream.waitFor(1);
      const [resync] = stream.frames;
      assert.equal(resync?.event, 'resync');
      // The resync carries an id the server issued, so the next reconnect resumes from there.
      assert.ok(Number(resync.id) < Number(ahead), `resync id ${resync.id ?? ''}`);

      await publish('After a future id');
      await stream.waitFor(2);
      const live = stream.frames[1];
      assert.equal(live?.event, 'alert');
      assert.equal((JSON.parse(live.data ?? '{}') as { title: string }).title, 'After a future id');
      stream.close();
    });
  });
}
