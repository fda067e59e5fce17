import type { JobKind } from '../jobs/job-kind.ts';
import type { RecurringJob } from '../jobs/worker.ts';
import { checkCloseJob } from './check-lifecycle.ts';
import { checkMailJob } from './check-mail.job.ts';
import { checkRepeatJob } from './checks.service.ts';

/** Job kinds of communication checks. */
export const checkJobKinds: readonly JobKind[] = [checkMailJob, checkCloseJob, checkRepeatJob];

// Repeating checks start within an hour of their due time.
const REPEAT_INTERVAL_MS = 60 * 60 * 1000;

/** Jobs of communication checks that the worker queues on a fixed interval. */
export const checkRecurringJobs: readonly RecurringJob[] = [
  { kind: checkRepeatJob, intervalMs: REPEAT_INTERVAL_MS },
];
