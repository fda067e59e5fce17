import { setTimeout as sleep } from 'node:timers/promises';

import type { AppContext } from '../app/context.ts';
import { enqueueJob } from './jobs.service.ts';
import { PermanentJobError, retryDelayMs, type JobKind } from './job-kind.ts';
import {
  claimJobs,
  finishAttempt,
  releaseJob,
  type JobRow,
  type JobResult,
} from './jobs.queries.ts';

/** Settings of a job worker. */
export interface JobWorkerOptions {
  /** Jobs run at the same time by `start()`. */
  concurrency?: number;
  /** Wait between polls when no job is due, in milliseconds. */
  pollIntervalMs?: number;
  /** How long a claimed job stays locked to this worker, in milliseconds. */
  leaseMs?: number;
  /** Time `stop()` waits for running jobs before it releases them, in milliseconds. */
  stopGraceMs?: number;
  /** Jobs that `start()` queues once per interval, with an empty payload. */
  recurring?: RecurringJob[];
}

/** A job kind queued once per interval while the worker runs. */
export interface RecurringJob {
  kind: JobKind;
  intervalMs: number;
}

/** A job this worker has claimed, with the lease that proves it still holds the job. */
export interface ClaimedJob {
  row: JobRow;
  lease: string;
}

const defaults = {
  concurrency: 4,
  pollIntervalMs: 1000,
  leaseMs: 5 * 60 * 1000,
  stopGraceMs: 10_000,
  recurring: [],
} satisfies Required<JobWorkerOptions>;

/**
 * Claims due jobs from the `jobs` table and runs the handler of each job's kind. Jobs are leased,
 * so a job claimed by a process that died is claimed again once its lease has expired.
 */
export class JobWorker {
  private readonly kinds: Map<string, JobKind>;
  private readonly options: Required<JobWorkerOptions>;
  private readonly running = new Map<number, ClaimedJob>();
  private loops: Promise<void>[] = [];
  private abort = new AbortController();
  private readonly scheduledSlots = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    kinds: readonly JobKind[],
    options: JobWorkerOptions = {},
  ) {
    this.kinds = new Map(kinds.map((kind) => [kind.name, kind]));
    this.options = { ...defaults, ...options };
  }

  /** Starts the polling loops; `stop()` ends them. */
  start(): void {
    if (this.loops.length > 0) return;
    this.abort = new AbortController();
    for (let slot = 0; slot < this.options.concurrency; slot += 1) this.loops.push(this.loop());
    this.ctx.logger.info({ concurrency: this.options.concurrency }, 'job worker started');
  }

  /**
   * Stops polling and waits for running jobs to finish. Jobs still running after the grace period
   * are released so the next process runs them at once instead of after the lease.
   */
  async stop(): Promise<void> {
    this.abort.abort();
    const graceTimer = new AbortController();
    const finished = Promise.all(this.loops).then(() => true);
    const timedOut = sleep(this.options.stopGraceMs, false, { signal: graceTimer.signal }).catch(
      () => false,
    );
    const isFinished = await Promise.race([finished, timedOut]);
    graceTimer.abort();
    this.loops = [];

    if (!isFinished) {
      // NOTE: a released job whose handler is in fact finishing may run twice (a second mail).
      for (const job of this.running.values()) {
        await releaseJob(this.ctx.db, job.row.id, job.lease);
        this.ctx.logger.warn({ jobId: job.row.id, kind: job.row.kind }, 'job released on stop');
      }
    }
    this.ctx.logger.info({ released: isFinished ? 0 : this.running.size }, 'job worker stopped');
  }

  /** Runs due jobs one at a time until none is due; returns how many attempts ran. */
  async runUntilIdle(): Promise<number> {
    let count = 0;
    for (;;) {
      const job = await this.claimNext();
      if (job === null) return count;
      await this.execute(job);
      count += 1;
    }
  }

  /** Claims the next due job without running it. */
  async claimNext(): Promise<ClaimedJob | null> {
    const now = this.ctx.clock.now();
    const lease = new Date(now.getTime() + this.options.leaseMs).toISOString();
    const [row] = await claimJobs(
      this.ctx.db,
      this.ctx.database.dialect,
      now.toISOString(),
      lease,
      1,
    );

    return row === undefined ? null : { row, lease };
  }

  /** Runs one claimed job and records its result. A handler error becomes a retry or a failure. */
  async execute(job: ClaimedJob): Promise<void> {
    const id = job.row.id;
    this.running.set(id, job);
    try {
      const result = await this.attempt(job);
      const isRecorded = await finishAttempt(this.ctx.db, id, job.lease, result);
      if (!isRecorded) {
        this.ctx.logger.warn({ jobId: id, kind: job.row.kind }, 'job lease lost before finish');
      }
    } finally {
      this.running.delete(id);
    }
  }

  private async attempt(job: ClaimedJob): Promise<JobResult> {
    const { row } = job;
    const jobId = row.id;
    const logger = this.ctx.logger.child({ jobId, kind: row.kind, attempt: row.attempts });
    const kind = this.kinds.get(row.kind);
    if (kind === undefined)
      return this.fail(row, logger, new Error(`Unknown job kind ${row.kind}`));
    // A job whose lease expired on its last attempt has no attempt left.
    if (row.attempts > row.max_attempts) {
      return this.fail(row, logger, new Error('Lease expired during the last attempt'));
    }

    const parsed = kind.payload.safeParse(JSON.parse(row.payload));
    if (!parsed.success) return this.fail(row, logger, parsed.error);

    const started = Date.now();
    try {
      const counts = await kind.run(this.ctx, parsed.data, {
        jobId,
        attempt: row.attempts,
        isLastAttempt: row.attempts >= row.max_attempts,
        logger,
      });
      logger.info({ ...counts, durationMs: Date.now() - started }, 'job finished');

      return { status: 'done', now: this.nowIso(), payload: redacted(kind, parsed.data) };
    } catch (error) {
      if (error instanceof PermanentJobError || row.attempts >= row.max_attempts) {
        return { ...this.fail(row, logger, error), payload: redacted(kind, parsed.data) };
      }
      const delay = retryDelayMs(kind.retry, row.attempts);
      const runAt = new Date(this.ctx.clock.now().getTime() + delay).toISOString();
      logger.warn({ err: error, runAt }, 'job attempt failed, will retry');

      return { status: 'pending', runAt, error: errorText(error) };
    }
  }

  private fail(row: JobRow, logger: AppContext['logger'], error: unknown) {
    logger.error({ err: error, maxAttempts: row.max_attempts }, 'job failed');

    return {
      status: 'failed',
      now: this.nowIso(),
      error: errorText(error),
      payload: null,
    } as const;
  }

  private nowIso(): string {
    return this.ctx.clock.now().toISOString();
  }

  private async loop(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      let job: ClaimedJob | null = null;
      try {
        await this.enqueueRecurring();
        job = await this.claimNext();
        if (job !== null) await this.execute(job);
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'job worker poll failed');
      }
      if (job === null) {
        await sleep(this.options.pollIntervalMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Queues each recurring kind once per interval. The idempotency key names the interval, so
   * several workers or processes queue it once between them.
   */
  private async enqueueRecurring(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    for (const { kind, intervalMs } of this.options.recurring) {
      const slot = Math.floor(now / intervalMs);
      if (this.scheduledSlots.get(kind.name) === slot) continue;
      this.scheduledSlots.set(kind.name, slot);
      const idempotencyKey = `${kind.name}:${new Date(slot * intervalMs).toISOString()}`;
      await enqueueJob(this.ctx.db, this.ctx.clock, kind, {}, { idempotencyKey });
    }
  }
}

function redacted(kind: JobKind, payload: unknown): string | null {
  return kind.redact === undefined ? null : JSON.stringify(kind.redact(payload));
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 2000);
}
