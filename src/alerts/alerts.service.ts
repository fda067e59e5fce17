import type { Insertable } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import type { AlertDeliveriesTable, AlertRecipientsTable } from '../db/schema.ts';
import type { LiveEvent } from '../events/event-catalogue.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { participantOf, recordExerciseEntry } from '../exercises/exercise-events.ts';
import { findExerciseOfAlert } from '../exercises/exercises.queries.ts';
import { enqueueJobs, type BatchJob } from '../jobs/jobs.service.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { cutPage, decodeCursor } from '../shared/keyset.ts';
import { listWebhooksFor, queueWebhookDeliveries } from '../webhooks/webhook-fan-out.ts';
import { chooseRecipients, isRecipientCleared, type Addressee } from './addressing.ts';
import { requiresEncryption } from './alert-mail.compose.ts';
import { alertMailJob } from './alert-mail.job.ts';
import {
  findAlert,
  findAlertFor,
  findRecipient,
  findRecipientByTokenHash,
  hasWithheldDelivery,
  insertAlert,
  insertDeliveries,
  alertSortKeys,
  alertSortValues,
  listAlertsFor,
  listPocIdsWithKey,
  markAcknowledged,
  markOpened,
  type AlertRow,
  type RecipientRow,
} from './alerts.queries.ts';
import type { AcknowledgedVia, AlertSort, AlertView, NewAlert } from './alerts.schema.ts';
import { withReadableObjects } from '../sharing/cited-objects.ts';
import { checkReferencedObjects } from './referenced-objects.ts';
import { responseMinutesFor } from './response-times.ts';

/**
 * Throws `forbidden` unless the principal may send alerts. Partners receive alerts addressed to
 * them but do not send any: an alert reaches states' PoCs, and partners submit threat
 * information for moderation instead.
 */
export function requireAlertSender(principal: Principal): void {
  if (principal.role === 'partner') {
    throw new DomainError('forbidden', (m) => m.problems.alerts.partnersCannotSend);
  }
}

/** Channel of a recipient's first mail: encrypted when the PoC entry has an OpenPGP key. */
async function mailChannels(ctx: AppContext, addressees: readonly Addressee[]) {
  const pocIds = addressees.flatMap((a) => (a.pocId === null ? [] : [a.pocId]));
  const withKey = await listPocIdsWithKey(ctx.db, pocIds);

  return (addressee: Addressee) =>
    addressee.pocId !== null && withKey.has(addressee.pocId) ? 'email-pgp' : 'email';
}

/**
 * Creates an alert in two transactions. The first stores the alert, its recipients with hashed
 * acknowledgement tokens, one webhook delivery and job per endpoint of the recipients' states and
 * organisations, and the live event, which is then published. The second stores one queued mail
 * delivery and job per recipient. Rows go in multi-row INSERTs. No mail or webhook call happens
 * here; the job worker makes them, highest severity first. An exercise inject passes its
 * exercise, so the alert's deliveries and acknowledgements reach that exercise's timeline.
 */
export async function createAlert(
  ctx: AppContext,
  sender: Principal,
  alert: NewAlert,
  options: { exerciseId?: string } = {},
) {
  await checkReferencedObjects(ctx, sender, alert);
  const addressees = await chooseRecipients(ctx, sender, alert);
  const channelOf = await mailChannels(ctx, addressees);
  const webhooks = alert.tlp === 'red' ? [] : await listWebhooksFor(ctx.db, addressees);
  const alertId = newId();
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const responseMinutes = responseMinutesFor(
    alert.severity,
    alert.responseMinutes,
    ctx.config.alertResponseMinutes,
  );
  const responseDueAt =
    responseMinutes === null
      ? null
      : new Date(now.getTime() + responseMinutes * 60_000).toISOString();

  const recipients: Insertable<AlertRecipientsTable>[] = [];
  const deliveries: Insertable<AlertDeliveriesTable>[] = [];
  const mailJobs: BatchJob<typeof alertMailJob.payload>[] = [];
  for (const addressee of addressees) {
    const token = newSecret();
    const recipientId = newId();
    recipients.push(toRecipientRow(alertId, recipientId, addressee, token));
    const channel = channelOf(addressee);
    deliveries.push(newDeliveryRow(alertId, recipientId, channel, nowIso));
    mailJobs.push({
      payload: { alertId, recipientId, channel, ackToken: token },
      options: {
        idempotencyKey: `alert-mail:${alertId}:${recipientId}:${channel}`,
        priority: alert.severity,
      },
    });
  }

  // The alert, its recipients (the live stream's audience) and the live event commit first, so
  // the event goes out before the bulk of the rows is written.
  const event = await ctx.db.transaction().execute(async (trx) => {
    await insertAlert(
      trx,
      {
        id: alertId,
        title: alert.title,
        severity: alert.severity,
        tlp: alert.tlp,
        body: alert.body,
        object_ids: JSON.stringify(alert.objectIds),
        sender_account_id: sender.accountId,
        sender_state: sender.stateCode,
        sender_org: sender.organisationId,
        created_at: nowIso,
        exercise: alert.exercise ? 1 : 0,
        exercise_id: options.exerciseId ?? null,
        response_minutes: responseMinutes,
        response_due_at: responseDueAt,
      },
      recipients,
      [],
    );
    await queueWebhookDeliveries(trx, ctx.clock, alertId, alert.severity, webhooks);

    return recordEvent(trx, ctx.database.dialect, ctx.clock, 'alert', {
      id: alertId,
      title: alert.title,
      severity: alert.severity,
      tlp: alert.tlp,
      createdAt: nowIso,
      senderState: sender.stateCode,
      exercise: alert.exercise,
    });
  });
  await publishEvents(ctx, [event]);
  // A crash before this commit leaves recipients without deliveries; the escalation sweep
  // queues them later (see requeueMissingDeliveries), so no recipient is lost.
  await ctx.db.transaction().execute(async (trx) => {
    await insertDeliveries(trx, deliveries);
    await enqueueJobs(trx, ctx.clock, alertMailJob, mailJobs);
  });
  ctx.logger.info(
    {
      alertId,
      senderId: sender.accountId,
      severity: alert.severity,
      recipients: recipients.length,
      webhooks: webhooks.length,
      exercise: alert.exercise,
    },
    'alert created',
  );

  return { id: alertId, recipients: recipients.length, webhooks: webhooks.length };
}

function toView(row: AlertRow & { acknowledged_at: string | null }, viewer: Principal): AlertView {
  return {
    id: row.id,
    title: row.title,
    severity: row.severity,
    tlp: row.tlp,
    body: row.body,
    createdAt: row.created_at,
    senderState: row.sender_state,
    objectIds: JSON.parse(row.object_ids) as string[],
    isSender: row.sender_account_id === viewer.accountId,
    acknowledgedAt: row.acknowledged_at,
    exercise: row.exercise === 1,
    responseDueAt: row.response_due_at,
  };
}

/**
 * Lists a page of the alerts the principal sent or received in the given order (by default
 * highest severity first, then newest), with the cursor of the next page.
 */
export async function listAlerts(
  ctx: AppContext,
  viewer: Principal,
  page: { sort: AlertSort; limit: number; cursor?: string | undefined },
): Promise<{ alerts: AlertView[]; next: string | null }> {
  const after =
    page.cursor === undefined ? null : decodeCursor(page.cursor, alertSortKeys(page.sort));
  const rows = await listAlertsFor(ctx.db, viewer, {
    limit: page.limit + 1,
    sort: page.sort,
    after,
  });
  const { rows: kept, next } = cutPage(rows, page.limit, (row) => alertSortValues(row, page.sort));

  const views = kept.map((row) => toView(row, viewer));

  return { alerts: await withReadableObjects(ctx.db, viewer, views), next };
}

/**
 * Returns one alert the principal sent or received; any other alert is not found. A recipient's
 * first read counts as the opening of the alert.
 */
export async function getAlert(ctx: AppContext, viewer: Principal, alertId: string) {
  const row = await findAlertFor(ctx.db, alertId, viewer);
  if (row === undefined) throw notFound((m) => m.problems.alerts.alertNotFound);
  const recipient = await findRecipient(ctx.db, alertId, viewer.emailKey);
  if (recipient !== undefined && recipient.opened_at === null) {
    await markOpened(ctx.db, recipient.id, ctx.clock.now().toISOString());
  }
  const [view] = await withReadableObjects(ctx.db, viewer, [toView(row, viewer)]);
  if (view === undefined) throw notFound((m) => m.problems.alerts.alertNotFound);

  return view;
}

/**
 * Records a recipient's acknowledgement once and sends the sender a live event; for an exercise
 * alert, also a timeline entry to the exercise's controller.
 */
async function acknowledge(ctx: AppContext, recipient: RecipientRow, via: AcknowledgedVia) {
  const now = ctx.clock.now().toISOString();
  const events = await ctx.db.transaction().execute(async (trx) => {
    const isFirst = await markAcknowledged(trx, recipient.id, now, via);
    if (!isFirst) return [];
    const stored: LiveEvent[] = [
      await recordEvent(trx, ctx.database.dialect, ctx.clock, 'acknowledgement', {
        alertId: recipient.alert_id,
        email: recipient.email,
        acknowledgedAt: now,
        via,
      }),
    ];
    const exercise = await findExerciseOfAlert(trx, recipient.alert_id);
    if (exercise !== undefined) {
      stored.push(
        await recordExerciseEntry(trx, ctx, {
          exerciseId: exercise.exercise_id,
          kind: 'acknowledged',
          who: participantOf(recipient),
          subject: exercise.title,
          at: now,
        }),
      );
    }
    return stored;
  });
  await publishEvents(ctx, events);
  const event = events[0] ?? null;
  if (event !== null) {
    ctx.logger.info(
      { alertId: recipient.alert_id, recipientId: recipient.id, via },
      'alert acknowledged',
    );
  }

  const stored =
    event === null ? await findRecipient(ctx.db, recipient.alert_id, recipient.email_key) : null;

  return {
    alertId: recipient.alert_id,
    acknowledgedAt: stored?.acknowledged_at ?? now,
    acknowledgedVia: stored?.acknowledged_via ?? via,
  };
}

/** Acknowledges an alert for the signed-in recipient; anyone else gets not found. */
export async function acknowledgeAsRecipient(
  ctx: AppContext,
  viewer: Principal,
  alertId: string,
  via: 'web' | 'api',
) {
  const visible = await findAlertFor(ctx.db, alertId, viewer);
  const recipient =
    visible === undefined ? undefined : await findRecipient(ctx.db, alertId, viewer.emailKey);
  if (recipient === undefined) throw notFound((m) => m.problems.alerts.alertNotFound);

  return acknowledge(ctx, recipient, via);
}

/**
 * Finds the recipient and alert behind a personal link. A partner whose organisation is no longer
 * cleared for the alert's TLP gets the same not found as an unknown link, as in the API.
 */
async function findByToken(ctx: AppContext, token: string) {
  const recipient = await findRecipientByTokenHash(ctx.db, hashSecret(token));
  const alert = recipient === undefined ? undefined : await findAlert(ctx.db, recipient.alert_id);
  const isReadable =
    recipient !== undefined &&
    alert !== undefined &&
    (await isRecipientCleared(ctx.db, recipient.email_key, alert.tlp));
  if (!isReadable) throw notFound((m) => m.problems.alerts.alertNotFound);

  return { recipient, alert };
}

/**
 * Loads the alert behind a personal link and records the first opening. `contentWithheld` is
 * true when the link went out in a notice without the alert's content.
 */
export async function openAlertByToken(ctx: AppContext, token: string) {
  const { recipient, alert } = await findByToken(ctx, token);

  await markOpened(ctx.db, recipient.id, ctx.clock.now().toISOString());
  // A link mailed in clear text beside withheld content must not show that content either.
  const contentWithheld =
    requiresEncryption(alert.tlp) && (await hasWithheldDelivery(ctx.db, recipient.id));

  return { alert, recipient, contentWithheld };
}

/** Acknowledges through a personal link of the first mail or the reminder. */
export async function acknowledgeByToken(ctx: AppContext, token: string) {
  const { recipient } = await findByToken(ctx, token);

  return acknowledge(ctx, recipient, 'link');
}

/** Builds the stored recipient row of an addressee with the hash of its acknowledgement token. */
export function toRecipientRow(
  alertId: string,
  recipientId: string,
  addressee: Addressee,
  token: string,
  escalatedFrom: string | null = null,
): Insertable<AlertRecipientsTable> {
  return {
    id: recipientId,
    alert_id: alertId,
    poc_id: addressee.pocId,
    email: addressee.email,
    email_key: addressee.emailKey,
    state_code: addressee.stateCode,
    level: addressee.level,
    ack_token_hash: hashSecret(token),
    organisation_id: addressee.organisationId,
    contact_role: addressee.contactRole,
    escalated_from: escalatedFrom,
  };
}

/** Builds a queued delivery row of one recipient and channel. */
export function newDeliveryRow(
  alertId: string,
  recipientId: string,
  channel: string,
  now: string,
): Insertable<AlertDeliveriesTable> {
  const id = newId();

  return {
    id,
    recipient_id: recipientId,
    alert_id: alertId,
    channel,
    status: 'queued',
    attempts: 0,
    queued_at: now,
    message_id: `<${id}@parley.alerts>`,
  };
}
