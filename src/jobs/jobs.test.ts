import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import { z } from 'zod';

import { testDialects } from '../../test/support/database.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { defineJobKind, PermanentJobError } from './job-kind.ts';
import { findJobByKey } from './jobs.queries.ts';
import { enqueueJob } from './jobs.service.ts';
import { JobWorker } from './worker.ts';

const LEASE_MS = 60_000;

/** Creates a job kind whose behaviour each test sets. */
function makeKind() {
  const calls: string[] = [];
  let behaviour: (label: string) => Promise<void> = () => Promise.resolve();
  const kind = defineJobKind({
    name: 'test-job',
    payload: z.object({ label: z.string(), secret: z.string().optional() }),
    retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
    async run(_ctx, payload) {
      calls.push(payload.label);
      await behaviour(payload.label);
      return { handled: 1 };
    },
    redact: ({ label }) => ({ label }),
  });

  return {
    kind,
    calls,
    setBehaviour(next: (label: string) => Promise<void>) {
      behaviour = next;
    },
  };
}

for (const dialect of testDialects) {
  describe(`job queue on ${dialect}`, () => {
    let t: TestApp;
    let testKind: ReturnType<typeof makeKind>;
    let counter = 0;
    const key = () => `test:${(counter += 1)}`;
    const jobByKey = async (idempotencyKey: string) => {
      const row = await findJobByKey(t.ctx.db, idempotencyKey);
      assert.ok(row !== undefined, `job ${idempotencyKey} exists`);
      return row;
    };
    const worker = () =>
      new JobWorker(t.ctx, [testKind.kind], { leaseMs: LEASE_MS, pollIntervalMs: 10 });

    before(async () => {
      t = await startTestApp(dialect);
    });
    beforeEach(async () => {
      testKind = makeKind();
      await t.ctx.db.deleteFrom('jobs').execute();
    });
    after(() => t.close());

    it('creates one job for a repeated idempotency key', async () => {
      const idempotencyKey = key();
      const first = await enqueueJob(
        t.ctx.db,
        t.clock,
        testKind.kind,
        { label: 'a' },
        { idempotencyKey },
      );
      const second = await enqueueJob(
        t.ctx.db,
        t.clock,
        testKind.kind,
        { label: 'b' },
        { idempotencyKey },
      );

      assert.notEqual(first, null);
      assert.equal(second, null);
      const rows = await t.ctx.db.selectFrom('jobs').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.payload, JSON.stringify({ label: 'a' }));
    });

    it('rejects a payload that does not match the kind schema', async () => {
      await assert.rejects(
        enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 5 } as never, {
          idempotencyKey: key(),
        }),
      );
      assert.equal((await t.ctx.db.selectFrom('jobs').selectAll().execute()).length, 0);
    });

    it('runs higher priority first, then older run time', async () => {
      for (const priority of [1, 5, 0, 2, 3]) {
        const payload = { label: `p${priority}` };
        await enqueueJob(t.ctx.db, t.clock, testKind.kind, payload, {
          idempotencyKey: key(),
          priority,
        });
        t.clock.advance(1);
      }
      await enqueueJob(
        t.ctx.db,
        t.clock,
        testKind.kind,
        { label: 'p3-later' },
        { idempotencyKey: key(), priority: 3 },
      );

      assert.equal(await worker().runUntilIdle(), 6);
      assert.deepEqual(testKind.calls, ['p5', 'p3', 'p3-later', 'p2', 'p1', 'p0']);
    });

    it('completes a crashed worker job once after its lease expires', async () => {
      const idempotencyKey = key();
      await enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 'crash' }, { idempotencyKey });

      // The first worker claims the job and dies before running it.
      const claimed = await worker().claimNext();
      assert.ok(claimed !== null);
      assert.equal(claimed.row.status, 'running');
      assert.ok(claimed.row.locked_until !== null);

      const second = worker();
      assert.equal(await second.runUntilIdle(), 0);
      assert.equal(testKind.calls.length, 0);

      t.clock.advance(LEASE_MS + 1);
      assert.equal(await second.runUntilIdle(), 1);
      assert.equal(await second.runUntilIdle(), 0);
      assert.deepEqual(testKind.calls, ['crash']);
      const row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'done');
      assert.equal(row.locked_until, null);
    });

    it('ignores the late finish of a worker that lost its lease', async () => {
      const idempotencyKey = key();
      await enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 'slow' }, { idempotencyKey });
      const stale = worker();
      const claimed = await stale.claimNext();
      assert.ok(claimed !== null);

      t.clock.advance(LEASE_MS + 1);
      testKind.setBehaviour(() => Promise.reject(new Error('boom')));
      const fresh = worker();
      await fresh.runUntilIdle();
      const afterRetry = await jobByKey(idempotencyKey);
      assert.equal(afterRetry.status, 'pending');

      // The old claim finishing now must not overwrite the job's state.
      testKind.setBehaviour(() => Promise.resolve());
      await stale.execute(claimed);
      const row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'pending');
      assert.equal(row.last_error, 'boom');
    });

    it('retries with exponential backoff, then succeeds', async () => {
      const idempotencyKey = key();
      await enqueueJob(
        t.ctx.db,
        t.clock,
        testKind.kind,
        { label: 'flaky', secret: 's3cret' },
        { idempotencyKey },
      );
      let failures = 2;
      testKind.setBehaviour(() =>
        failures-- > 0 ? Promise.reject(new Error('try later')) : Promise.resolve(),
      );
      const w = worker();

      assert.equal(await w.runUntilIdle(), 1);
      let row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'pending');
      assert.equal(row.last_error, 'try later');
      assert.equal(row.run_at, new Date(t.clock.now().getTime() + 1000).toISOString());

      t.clock.advance(999);
      assert.equal(await w.runUntilIdle(), 0);
      t.clock.advance(1);
      assert.equal(await w.runUntilIdle(), 1);
      row = await jobByKey(idempotencyKey);
      assert.equal(row.run_at, new Date(t.clock.now().getTime() + 2000).toISOString());

      t.clock.advance(2000);
      assert.equal(await w.runUntilIdle(), 1);
      row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 3);
      assert.equal(row.payload, JSON.stringify({ label: 'flaky' }));
    });

    it('fails a job after its last attempt with the error', async () => {
      const idempotencyKey = key();
      await enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 'broken' }, { idempotencyKey });
      testKind.setBehaviour(() => Promise.reject(new Error('always broken')));
      const w = worker();

      for (let i = 0; i < 3; i += 1) {
        assert.equal(await w.runUntilIdle(), 1);
        t.clock.advance(10_000);
      }
      assert.equal(await w.runUntilIdle(), 0);
      const row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, 'always broken');
      assert.ok(row.finished_at !== null);
    });

    it('fails at once on a permanent error', async () => {
      const idempotencyKey = key();
      await enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 'gone' }, { idempotencyKey });
      testKind.setBehaviour(() => Promise.reject(new PermanentJobError('mailbox unknown')));

      assert.equal(await worker().runUntilIdle(), 1);
      const row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1);
      assert.equal(row.last_error, 'mailbox unknown');
    });

    it('stop waits for the running job to finish', async () => {
      const idempotencyKey = key();
      let release: () => void = () => undefined;
      let started: () => void = () => undefined;
      const isStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      testKind.setBehaviour(
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      );
      await enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 'long' }, { idempotencyKey });
      const w = worker();
      w.start();
      await isStarted;

      const stopped = w.stop();
      release();
      await stopped;
      const row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'done');
    });

    it('stop releases a job still running after the grace period', async () => {
      const idempotencyKey = key();
      let started: () => void = () => undefined;
      const isStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      testKind.setBehaviour(() => {
        started();
        return new Promise<void>(() => undefined);
      });
      await enqueueJob(t.ctx.db, t.clock, testKind.kind, { label: 'hung' }, { idempotencyKey });
      const w = new JobWorker(t.ctx, [testKind.kind], { stopGraceMs: 50, pollIntervalMs: 10 });
      w.start();
      await isStarted;

      await w.stop();
      const row = await jobByKey(idempotencyKey);
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 0);
      assert.equal(row.locked_until, null);
    });
  });
}
