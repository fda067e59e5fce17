import type { Kysely } from 'kysely';
import type { z } from 'zod';

import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import type { JobKind } from './job-kind.ts';
import { insertJob, insertJobs } from './jobs.queries.ts';

/** Where and when a job is queued. */
export interface EnqueueOptions {
  /** Unique key: enqueuing a second job with the same key does nothing. */
  idempotencyKey: string;
  /** Higher runs first. */
  priority?: number;
  /** Earliest time to run; now when absent. */
  runAt?: Date;
}

/**
 * Queues a job of the given kind after checking its payload against the kind's schema. Pass a
 * transaction as `db` to queue the job atomically with the change that needs it. Returns the new
 * job id, or null when a job with the same idempotency key already exists.
 */
export async function enqueueJob<S extends z.ZodType>(
  db: Kysely<Tables>,
  clock: Clock,
  kind: JobKind<S>,
  payload: z.input<S>,
  options: EnqueueOptions,
): Promise<number | null> {
  const data: unknown = kind.payload.parse(payload);
  const now = clock.now();

  return insertJob(db, {
    kind: kind.name,
    payload: JSON.stringify(data),
    idempotencyKey: options.idempotencyKey,
    priority: options.priority ?? 0,
    maxAttempts: kind.retry.maxAttempts,
    runAt: (options.runAt ?? now).toISOString(),
    now: now.toISOString(),
  });
}

/** One job of a batch: its payload and queue options. */
export interface BatchJob<S extends z.ZodType> {
  payload: z.input<S>;
  options: EnqueueOptions;
}

/**
 * Queues many jobs of one kind with multi-row INSERTs, skipping existing idempotency keys. Pass a
 * transaction as `db` so the batch commits with the change that needs it. Returns how many jobs
 * were new.
 */
export async function enqueueJobs<S extends z.ZodType>(
  db: Kysely<Tables>,
  clock: Clock,
  kind: JobKind<S>,
  jobs: readonly BatchJob<S>[],
): Promise<number> {
  const now = clock.now();
  const rows = jobs.map(({ payload, options }) => ({
    kind: kind.name,
    payload: JSON.stringify(kind.payload.parse(payload)),
    idempotencyKey: options.idempotencyKey,
    priority: options.priority ?? 0,
    maxAttempts: kind.retry.maxAttempts,
    runAt: (options.runAt ?? now).toISOString(),
    now: now.toISOString(),
  }));

  return insertJobs(db, rows);
}
