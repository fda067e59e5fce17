import type { Kysely, Selectable } from 'kysely';

import type { DialectName } from '../db/database.ts';
import type { JobsTable, Tables } from '../db/schema.ts';

/** A stored job row. */
export type JobRow = Selectable<JobsTable>;

/** Values of a job to insert. */
export interface NewJobRow {
  kind: string;
  payload: string;
  idempotencyKey: string;
  priority: number;
  maxAttempts: number;
  runAt: string;
  now: string;
}

/** Inserts a job unless one with the same idempotency key exists; returns the new id or null. */
export async function insertJob(db: Kysely<Tables>, job: NewJobRow): Promise<number | null> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind: job.kind,
      payload: job.payload,
      idempotency_key: job.idempotencyKey,
      status: 'pending',
      priority: job.priority,
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt,
      locked_until: null,
      last_error: null,
      created_at: job.now,
      finished_at: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();

  return row === undefined ? null : row.id;
}

/**
 * Claims up to `limit` due jobs, highest priority first, then oldest `run_at`, then id: pending
 * jobs whose time has come and running jobs whose lease has expired (their worker died). Each
 * claim takes a lease until `lockedUntil` and counts one attempt.
 */
export async function claimJobs(
  db: Kysely<Tables>,
  dialect: DialectName,
  now: string,
  lockedUntil: string,
  limit: number,
): Promise<JobRow[]> {
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('priority', 'desc')
    .orderBy('run_at')
    .orderBy('id')
    .limit(limit);
  // PostgreSQL: concurrent workers skip rows another transaction is claiming. SQLite runs one
  // write at a time, so the single UPDATE … WHERE id IN (SELECT …) is already exclusive.
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();

  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      locked_until: lockedUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();

  // RETURNING gives no order, so the claim order is restored here.
  return rows.sort(
    (a, b) => b.priority - a.priority || a.run_at.localeCompare(b.run_at) || a.id - b.id,
  );
}

/** Outcome of an attempt: done, failed for good, or pending again for a retry. */
export type JobResult =
  | { status: 'done'; now: string; payload: string | null }
  | { status: 'failed'; now: string; error: string; payload: string | null }
  | { status: 'pending'; runAt: string; error: string };

/**
 * Records the result of an attempt, but only while the caller still holds the lease it claimed.
 * Returns false when the lease was lost because it expired and another worker claimed the job.
 */
export async function finishAttempt(
  db: Kysely<Tables>,
  id: number,
  lease: string,
  result: JobResult,
): Promise<boolean> {
  const values =
    result.status === 'pending'
      ? { status: result.status, run_at: result.runAt, last_error: result.error }
      : {
          status: result.status,
          finished_at: result.now,
          last_error: result.status === 'failed' ? result.error : null,
          ...(result.payload === null ? {} : { payload: result.payload }),
        };
  const updated = await db
    .updateTable('jobs')
    .set({ ...values, locked_until: null })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_until', '=', lease)
    .executeTakeFirst();

  return Number(updated.numUpdatedRows) === 1;
}

/** Puts a claimed job back to pending without counting the attempt, for a worker that stops. */
export async function releaseJob(db: Kysely<Tables>, id: number, lease: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'pending',
      locked_until: null,
      attempts: eb('attempts', '-', 1),
    }))
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_until', '=', lease)
    .execute();
}

/** Finds a job by its idempotency key. */
export function findJobByKey(db: Kysely<Tables>, idempotencyKey: string) {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

// Rows per INSERT: 12 columns each stays below SQLite's 32,766 bound parameters per statement.
const JOB_INSERT_CHUNK = 400;

/** Inserts many jobs, skipping those whose idempotency key exists; returns how many were new. */
export async function insertJobs(db: Kysely<Tables>, jobs: NewJobRow[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < jobs.length; i += JOB_INSERT_CHUNK) {
    const rows = jobs.slice(i, i + JOB_INSERT_CHUNK).map((job) => ({
      kind: job.kind,
      payload: job.payload,
      idempotency_key: job.idempotencyKey,
      status: 'pending' as const,
      priority: job.priority,
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt,
      locked_until: null,
      last_error: null,
      created_at: job.now,
      finished_at: null,
    }));
    const result = await db
      .insertInto('jobs')
      .values(rows)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .execute();
    inserted += result.length;
  }

  return inserted;
}
