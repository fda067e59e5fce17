import { adminJobKinds } from '../admin/admin-mail.job.ts';
import { alertMailJob } from '../alerts/alert-mail.job.ts';
import { alertEscalationJob } from '../alerts/escalation.job.ts';
import type { AppContext } from '../app/context.ts';
import { checkJobKinds, checkRecurringJobs } from '../checks/check-jobs.ts';
import { exerciseJobKinds } from '../exercises/exercise-jobs.ts';
import { freshnessSweepJob, staleReminderMailJob } from '../directory/freshness.job.ts';
import { pruneEventsJob } from '../events/events.service.ts';
import type { JobKind } from './job-kind.ts';
import { requestMailJob } from '../requests/request-mail.job.ts';
import { webhookAlertJob } from '../webhooks/webhook.job.ts';
import { JobWorker, type JobWorkerOptions } from './worker.ts';

/** Every job kind the worker runs. */
export const jobKinds: readonly JobKind[] = [
  alertMailJob,
  pruneEventsJob,
  ...adminJobKinds,
  freshnessSweepJob,
  staleReminderMailJob,
  ...checkJobKinds,
  ...exerciseJobKinds,
  webhookAlertJob,
  alertEscalationJob,
  requestMailJob,
];

// Overdue alert recipients are reminded and escalated within a minute of their deadline.
const ESCALATION_INTERVAL_MS = 60 * 1000;

// The replay window is pruned hourly, so it keeps at most an hour more than its limits.
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Creates the worker for every job kind, with the recurring jobs listed below. */
export function createJobWorker(ctx: AppContext, options: JobWorkerOptions = {}): JobWorker {
  return new JobWorker(ctx, jobKinds, {
    recurring: [
      { kind: pruneEventsJob, intervalMs: PRUNE_INTERVAL_MS },
      // Stale entries are looked for hourly; each editor is still reminded once per period.
      { kind: freshnessSweepJob, intervalMs: PRUNE_INTERVAL_MS },
      ...checkRecurringJobs,
      { kind: alertEscalationJob, intervalMs: ESCALATION_INTERVAL_MS },
    ],
    ...options,
  });
}
