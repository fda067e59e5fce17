import type { Logger } from 'pino';
import { z } from 'zod';

import { isOrganisationCleared } from '../alerts/addressing.ts';
import { publishDeliveryChange } from '../alerts/delivery-events.ts';
import { severityNames } from '../alerts/alerts.schema.ts';
import type { AppContext } from '../app/context.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import { filterReadableIds, readerOfWebhookDelivery } from '../sharing/cited-objects.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { signatureHeader, SIGNATURE_HEADER } from './signature.ts';
import { postWebhook } from './webhook-call.ts';
import { buildTargetPolicy, ForbiddenTargetError } from './webhook-target.ts';
import { findWebhookTarget, updateWebhookDelivery } from './webhooks.queries.ts';
import type { WebhookAlertBody } from './webhooks.schema.ts';

/** Payload of a webhook job: the delivery row, which names the alert and the endpoint. */
export const WebhookAlertPayload = z.object({ deliveryId: z.string() });

// A receiver that takes longer than this is treated as down, and the call is retried.
const CALL_TIMEOUT_MS = 10_000;

type Target = NonNullable<Awaited<ReturnType<typeof findWebhookTarget>>>;

/**
 * Builds the JSON body of one alert call; `objectIds` are the cited objects that the endpoint's
 * state or organisation may read.
 */
export function buildAlertBody(target: Target, objectIds: string[]): WebhookAlertBody {
  const isExercise = target.exercise === 1;

  return {
    type: 'alert',
    marking: isExercise ? 'EXERCISE' : null,
    idempotencyKey: `${target.alertId}:${target.webhook_id}`,
    alert: {
      id: target.alertId,
      title: isExercise ? `EXERCISE: ${target.title}` : target.title,
      severity: target.severity,
      severityName: severityNames[target.severity] ?? 'Unknown',
      tlp: target.tlp,
      tlpLabel: isTlpLevel(target.tlp) ? tlpLabel(target.tlp) : target.tlp,
      body: isExercise ? `EXERCISE\n\n${target.body}\n\nEXERCISE` : target.body,
      objectIds,
      senderState: target.sender_state,
      createdAt: target.created_at,
      exercise: isExercise,
      responseDueAt: target.response_due_at,
    },
  };
}

// 408 and 429 ask the caller to try again later; other 4xx replies will not change on retry.
function isPermanentStatus(status: number): boolean {
  return status >= 300 && status < 500 && status !== 408 && status !== 429;
}

async function failDelivery(
  ctx: AppContext,
  target: Target,
  reason: string,
  status: number | null,
) {
  const now = ctx.clock.now().toISOString();
  await updateWebhookDelivery(
    ctx.db,
    target.deliveryId,
    { status: 'failed', failed_at: now, failure_reason: reason, response_status: status },
    false,
  );
  await publishDeliveryChange(ctx, {
    alertId: target.alertId,
    recipient: target.url,
    channel: 'webhook',
    status: 'failed',
    reason,
  });
}

/**
 * Posts one alert to one endpoint, signed with the endpoint's secret. Redirects are not
 * followed, so a receiver cannot send the call to another address, and a target that resolves
 * to a forbidden address fails the delivery at once.
 */
async function callWebhook(
  ctx: AppContext,
  deliveryId: string,
  isLastAttempt: boolean,
  logger: Logger,
): Promise<JobCounts> {
  const target = await findWebhookTarget(ctx.db, deliveryId);
  if (target === undefined) throw new PermanentJobError('Webhook delivery not found');
  if (target.status === 'delivered') return { posted: 0, alreadyDelivered: 1 };
  if (target.secret === null || target.is_active !== 1) {
    logger.warn(
      { deliveryId, webhookId: target.webhook_id },
      'webhook endpoint gone, call skipped',
    );
    await failDelivery(ctx, target, 'Endpoint removed or deactivated before the call', null);
    return { posted: 0, skipped: 1 };
  }
  // The secretariat may have lowered the organisation's clearance since the alert went out.
  const isCleared =
    target.owner_kind !== 'organisation' ||
    (await isOrganisationCleared(ctx.db, target.owner, target.tlp));
  if (!isCleared) {
    const label = isTlpLevel(target.tlp) ? tlpLabel(target.tlp) : target.tlp;
    const reason = `Withheld: the endpoint's organisation is not cleared for ${label}`;
    logger.info({ deliveryId, webhookId: target.webhook_id }, 'webhook call withheld');
    await failDelivery(ctx, target, reason, null);
    return { posted: 0, withheld: 1 };
  }

  const cited = z.array(z.string()).parse(JSON.parse(target.object_ids));
  const reader = await readerOfWebhookDelivery(ctx.db, deliveryId);
  const body = JSON.stringify(
    buildAlertBody(target, await filterReadableIds(ctx.db, reader, cited)),
  );
  const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
  await updateWebhookDelivery(
    ctx.db,
    deliveryId,
    { status: 'sent', sent_at: ctx.clock.now().toISOString() },
    false,
  );

  let status: number;
  try {
    status = await postWebhook(
      {
        url: target.url,
        timeoutMs: CALL_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhook/1',
          [SIGNATURE_HEADER]: signatureHeader(target.secret, timestamp, body),
          'idempotency-key': `${target.alertId}:${target.webhook_id}`,
          'x-parley-delivery': deliveryId,
        },
        body,
      },
      buildTargetPolicy(ctx.config.webhookAllowedHosts),
    );
  } catch (error) {
    if (error instanceof ForbiddenTargetError) {
      // The target will not become allowed by waiting, so the delivery fails without retry.
      const reason = `Refused to call: ${error.message}`.slice(0, 1000);
      logger.warn({ deliveryId, webhookId: target.webhook_id }, 'webhook target forbidden');
      await updateWebhookDelivery(ctx.db, deliveryId, {}, true);
      await failDelivery(ctx, target, reason, null);
      throw new PermanentJobError(reason);
    }
    const reason = `Call failed: ${(error as Error).message}`.slice(0, 1000);
    logger.warn({ err: error, deliveryId }, 'webhook call failed');
    await updateWebhookDelivery(ctx.db, deliveryId, { failure_reason: reason }, true);
    if (isLastAttempt) await failDelivery(ctx, target, reason, null);
    throw new Error(reason, { cause: error });
  }

  if (status >= 200 && status < 300) {
    const now = ctx.clock.now().toISOString();
    await updateWebhookDelivery(
      ctx.db,
      deliveryId,
      { status: 'delivered', delivered_at: now, response_status: status, failure_reason: null },
      true,
    );
    await publishDeliveryChange(ctx, {
      alertId: target.alertId,
      recipient: target.url,
      channel: 'webhook',
      status: 'delivered',
    });
    return { posted: 1 };
  }

  const reason = `Endpoint replied HTTP ${status}`;
  if (isPermanentStatus(status) || isLastAttempt) {
    await updateWebhookDelivery(ctx.db, deliveryId, {}, true);
    await failDelivery(ctx, target, reason, status);
    throw new PermanentJobError(reason);
  }
  await updateWebhookDelivery(
    ctx.db,
    deliveryId,
    { failure_reason: reason, response_status: status },
    true,
  );
  throw new Error(reason);
}

/** Job that posts one alert to one webhook endpoint, retried with exponential backoff. */
export const webhookAlertJob = defineJobKind({
  name: 'webhook-alert',
  payload: WebhookAlertPayload,
  retry: { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000 },
  run: (ctx, payload, attempt) =>
    callWebhook(ctx, payload.deliveryId, attempt.isLastAttempt, attempt.logger),
});
