import type { Logger } from 'pino';
import type { z } from 'zod';

import type { AppContext } from '../app/context.ts';

/** How often a failing job runs again and how long it waits between attempts. */
export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Wait before the second attempt, in milliseconds; it doubles for each later attempt. */
  baseDelayMs: number;
  /** Upper bound of the wait between attempts, in milliseconds. */
  maxDelayMs: number;
}

/** Facts about one attempt that a handler may need besides its payload. */
export interface JobAttempt {
  jobId: number;
  /** Number of this attempt, starting at 1. */
  attempt: number;
  /** True when a failure of this attempt fails the job for good. */
  isLastAttempt: boolean;
  logger: Logger;
}

/** Counts a finished job reports in its log line, such as `{ sent: 1 }`. */
export type JobCounts = Record<string, number>;

/** A kind of background job: its name, payload schema, retry policy and handler. */
export interface JobKind<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  retry: RetryPolicy;
  /** Runs one attempt; a thrown error schedules a retry unless it is a `PermanentJobError`. */
  run(ctx: AppContext, payload: z.output<S>, attempt: JobAttempt): Promise<JobCounts>;
  /** Returns the payload to keep once the job is finished, without secrets only the run needed. */
  redact?(payload: z.output<S>): unknown;
}

/** Declares a job kind; the generic parameter ties the handler to its payload schema. */
export function defineJobKind<S extends z.ZodType>(kind: JobKind<S>): JobKind<S> {
  return kind;
}

/** A failure that retrying cannot fix, such as a mailbox the mail server rejects for good. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Returns the wait before the attempt after `attempt`, doubling from the base up to the cap. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
