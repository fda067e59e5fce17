import type { Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';
import { enqueueJobs } from '../jobs/jobs.service.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/crypto.ts';
import { webhookAlertJob } from './webhook.job.ts';
import { insertWebhookDeliveries, listActiveWebhooks } from './webhooks.queries.ts';

/** The part of an alert recipient that decides its webhooks. */
interface WebhookAudience {
  stateCode: string | null;
  organisationId: string | null;
}

/** A webhook endpoint an alert goes to. */
export type AlertWebhook = Awaited<ReturnType<typeof listActiveWebhooks>>[number];

/**
 * Lists the active endpoints of the states and organisations that have at least one recipient.
 * Each endpoint appears once however many recipients share it.
 */
export function listWebhooksFor(db: Kysely<Tables>, recipients: readonly WebhookAudience[]) {
  const states = new Set<string>();
  const orgIds = new Set<string>();
  for (const recipient of recipients) {
    if (recipient.organisationId !== null) orgIds.add(recipient.organisationId);
    else if (recipient.stateCode !== null) states.add(recipient.stateCode);
  }

  return listActiveWebhooks(db, [...states], [...orgIds]);
}

/**
 * Queues one delivery and one job per endpoint inside the alert's transaction. The unique
 * (alert, endpoint) pair and the job key `webhook:<alert>:<endpoint>` make a repeat a no-op.
 */
export async function queueWebhookDeliveries(
  trx: Kysely<Tables>,
  clock: Clock,
  alertId: string,
  severity: number,
  webhooks: readonly AlertWebhook[],
): Promise<void> {
  if (webhooks.length === 0) return;
  const now = clock.now().toISOString();
  const rows = webhooks.map((webhook) => ({
    id: newId(),
    alert_id: alertId,
    webhook_id: webhook.id,
    owner_kind: webhook.owner_kind,
    owner: webhook.owner,
    url: webhook.url,
    status: 'queued' as const,
    attempts: 0,
    queued_at: now,
  }));
  await insertWebhookDeliveries(trx, rows);
  await enqueueJobs(
    trx,
    clock,
    webhookAlertJob,
    rows.map((row) => ({
      payload: { deliveryId: row.id },
      options: { idempotencyKey: `webhook:${alertId}:${row.webhook_id}`, priority: severity },
    })),
  );
}
