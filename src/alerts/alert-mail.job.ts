import type { Kysely } from 'kysely';
import { z } from 'zod';

import { findRecipientCatalogue } from '../accounts/account-settings.service.ts';
import type { AppContext } from '../app/context.ts';
import type { Tables } from '../db/schema.ts';
import type { LiveEvent } from '../events/event-catalogue.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { publishEvents } from '../events/events.service.ts';
import { participantOf, recordExerciseEntry } from '../exercises/exercise-events.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import type { Logger } from 'pino';
import type { MailMessage } from '../mail/mailer.ts';
import { encryptMailText } from '../mail/openpgp-mail.ts';
import { filterReadableIds, readerOfAlertRecipient } from '../sharing/cited-objects.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { isRecipientCleared } from './addressing.ts';
import {
  findMailTarget,
  markDeliveryAttemptFailed,
  markDeliverySending,
  markDeliverySent,
  markDeliveryWithheld,
} from './alerts.queries.ts';
import {
  composeAlertMail,
  composeWithheldNotice,
  requiresEncryption,
  type AlertMailContent,
  type ComposedAlertMail,
} from './alert-mail.compose.ts';
import { publishDeliveryChange } from './delivery-events.ts';

export { composeAlertMail, type AlertMailContent } from './alert-mail.compose.ts';

/** Mail channels of an alert: the first mail, plain or OpenPGP-encrypted, and the reminder. */
export const mailChannelNames = ['email', 'email-pgp', 'email-reminder'] as const;

/** Payload of an alert mail job; the token is dropped from the job row once it has finished. */
export const AlertMailPayload = z.object({
  alertId: z.string(),
  recipientId: z.string(),
  channel: z.enum(mailChannelNames).default('email'),
  ackToken: z.string().optional(),
});

/** Payload of an alert mail job. */
export type AlertMailPayload = z.output<typeof AlertMailPayload>;

/** Returns true for an SMTP reply that retrying will not change (5xx, such as an unknown mailbox). */
function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;

  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The mail to send, and the note and withheld flag to record on the delivery. */
interface OutgoingMail {
  message: MailMessage;
  note: string | null;
  contentWithheld: boolean;
  encrypted: boolean;
}

/**
 * Chooses what goes out to a recipient whose entry has an OpenPGP key: the alert encrypted when
 * the key works. When it does not, a TLP:CLEAR or TLP:GREEN alert goes out in clear text, which
 * its TLP allows anyway, with a note on the delivery. A TLP:AMBER or stricter alert never goes
 * out in clear text. A notice without title or content goes out instead, and the delivery
 * records why.
 */
async function chooseKeyedMail(
  ctx: AppContext,
  plain: ComposedAlertMail,
  content: AlertMailContent,
  armoredKey: string,
  notice: { catalogue: Catalogue; ackToken: string; isReminder: boolean },
  logger: Logger,
): Promise<OutgoingMail> {
  const encrypted = await encryptMailText(armoredKey, plain.text, logger);
  if (encrypted.text !== null) {
    const message = { ...plain, subject: plain.encryptedSubject, text: encrypted.text };
    return { message, note: null, contentWithheld: false, encrypted: true };
  }
  const { reason } = encrypted;
  if (!requiresEncryption(content.tlp)) {
    const note = `OpenPGP key unusable, sent unencrypted: ${reason}`;
    return { message: plain, note, contentWithheld: false, encrypted: false };
  }
  const message = composeWithheldNotice(
    notice.catalogue,
    ctx.config.publicUrl,
    plain.to,
    content,
    notice.ackToken,
    reason,
    notice.isReminder,
  );
  const note = `Content withheld, OpenPGP key unusable: ${reason}`;

  return { message, note, contentWithheld: true, encrypted: false };
}

type MailTarget = NonNullable<Awaited<ReturnType<typeof findMailTarget>>>;

/**
 * Stores the timeline entry of a first mail of an exercise alert that was delivered or failed
 * for good, inside the transaction that records that outcome. Reminders make no entry.
 */
async function recordExerciseDelivery(
  trx: Kysely<Tables>,
  ctx: AppContext,
  target: MailTarget,
  channel: AlertMailPayload['channel'],
  outcome: { kind: 'delivered' | 'delivery-failed'; at: string },
): Promise<LiveEvent[]> {
  if (target.exercise_id === null || channel === 'email-reminder') return [];
  const event = await recordExerciseEntry(trx, ctx, {
    exerciseId: target.exercise_id,
    kind: outcome.kind,
    who: participantOf(target),
    subject: target.title,
    at: outcome.at,
  });

  return [event];
}

/**
 * Records a mail that is not sent because the recipient is a partner account whose organisation
 * is no longer cleared for the alert's TLP. The delivery report shows it as failed with the
 * reason, and its content as withheld.
 */
async function withholdFromUncleared(
  ctx: AppContext,
  target: MailTarget,
  channel: AlertMailPayload['channel'],
  logger: Logger,
): Promise<JobCounts> {
  const label = isTlpLevel(target.tlp) ? tlpLabel(target.tlp) : target.tlp;
  const reason = `Withheld: the recipient's organisation is not cleared for ${label}`;
  const failedAt = ctx.clock.now().toISOString();
  const events = await ctx.db.transaction().execute(async (trx) => {
    await markDeliveryWithheld(trx, target.deliveryId, failedAt, reason);
    const outcome = { kind: 'delivery-failed' as const, at: failedAt };
    return recordExerciseDelivery(trx, ctx, target, channel, outcome);
  });
  await publishEvents(ctx, events);
  await publishDeliveryChange(ctx, {
    alertId: target.alertId,
    recipient: target.email,
    channel,
    status: 'failed',
    reason,
  });
  logger.info(
    { alertId: target.alertId, deliveryId: target.deliveryId, channel },
    'alert mail withheld, recipient above its clearance',
  );

  return { sent: 0, withheld: 1 };
}

/**
 * Sends one alert mail and records the outcome on the recipient's delivery row of that channel.
 * The address is the one stored on the recipient row, so a PoC entry deleted after the alert
 * still gets its mail. An encrypted channel whose entry has an OpenPGP key gets what
 * `chooseKeyedMail` decides. Any other delivery gets the plain mail.
 * The Message-ID is fixed per delivery: after a crash between the server's acceptance and the
 * database update the job runs again, and the receiver can drop the resend by that id.
 */
async function sendAlertMail(
  ctx: AppContext,
  payload: AlertMailPayload,
  isLastAttempt: boolean,
  logger: Logger,
): Promise<JobCounts> {
  const target = await findMailTarget(ctx.db, payload.recipientId, payload.channel);
  if (target === undefined) throw new PermanentJobError('Alert recipient or delivery not found');
  if (target.status === 'delivered') return { sent: 0, alreadySent: 1 };
  if (payload.ackToken === undefined) throw new PermanentJobError('Acknowledgement token missing');
  if (payload.channel === 'email-reminder' && target.acknowledged_at !== null) {
    return { sent: 0, acknowledged: 1 };
  }
  if (!(await isRecipientCleared(ctx.db, target.email_key, target.tlp))) {
    return withholdFromUncleared(ctx, target, payload.channel, logger);
  }

  // The mailer sends the domain in its ASCII (punycode) form, which every SMTP server accepts.
  const to = target.email;
  const cited = z.array(z.string()).parse(JSON.parse(target.object_ids));
  const reader = await readerOfAlertRecipient(ctx.db, payload.recipientId);
  const content: AlertMailContent = {
    title: target.title,
    severity: target.severity,
    tlp: target.tlp,
    body: target.body,
    // Only the cited objects this recipient may read, so a mail never reveals the others.
    objectIds: await filterReadableIds(ctx.db, reader, cited),
    senderState: target.sender_state,
    createdAt: target.created_at,
    exercise: target.exercise === 1,
    responseDueAt: target.response_due_at,
  };
  const isReminder = payload.channel === 'email-reminder';
  const catalogue = await findRecipientCatalogue(ctx, target.email_key);
  const plain = composeAlertMail(
    catalogue,
    ctx.config.publicUrl,
    to,
    content,
    payload.ackToken,
    isReminder,
  );
  const key = target.pgp_key?.trim() ?? '';
  const notice = { catalogue, ackToken: payload.ackToken, isReminder };
  const outgoing =
    key !== '' && payload.channel !== 'email'
      ? await chooseKeyedMail(ctx, plain, content, key, notice, logger)
      : { message: plain, note: null, contentWithheld: false, encrypted: false };
  const { message } = outgoing;
  const messageId = target.message_id ?? `<${target.deliveryId}@parley.alerts>`;

  await markDeliverySending(ctx.db, target.deliveryId, ctx.clock.now().toISOString());
  try {
    await ctx.mailer.send({
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId,
    });
  } catch (error) {
    const isPermanent = isPermanentSmtpError(error);
    const reason = error instanceof Error ? error.message.slice(0, 1000) : String(error);
    const failedAt = isPermanent || isLastAttempt ? ctx.clock.now().toISOString() : null;
    const events = await ctx.db.transaction().execute(async (trx) => {
      await markDeliveryAttemptFailed(trx, target.deliveryId, reason, failedAt);
      if (failedAt === null) return [];
      const outcome = { kind: 'delivery-failed' as const, at: failedAt };
      return recordExerciseDelivery(trx, ctx, target, payload.channel, outcome);
    });
    await publishEvents(ctx, events);
    if (failedAt !== null) {
      await publishDeliveryChange(ctx, {
        alertId: target.alertId,
        recipient: target.email,
        channel: payload.channel,
        status: 'failed',
        reason,
      });
    }
    if (isPermanent) throw new PermanentJobError(reason, { cause: error });
    throw error;
  }
  const sentAt = ctx.clock.now().toISOString();
  const events = await ctx.db.transaction().execute(async (trx) => {
    const { note, contentWithheld } = outgoing;
    await markDeliverySent(trx, target.deliveryId, sentAt, note, contentWithheld);
    const outcome = { kind: 'delivered' as const, at: sentAt };
    return recordExerciseDelivery(trx, ctx, target, payload.channel, outcome);
  });
  await publishEvents(ctx, events);
  await publishDeliveryChange(ctx, {
    alertId: target.alertId,
    recipient: target.email,
    channel: payload.channel,
    status: 'delivered',
    reason: outgoing.note,
  });

  return {
    sent: 1,
    encrypted: outgoing.encrypted ? 1 : 0,
    withheld: outgoing.contentWithheld ? 1 : 0,
  };
}

/** Job that mails one alert to one recipient on one channel; its priority is the severity. */
export const alertMailJob = defineJobKind({
  name: 'alert-mail',
  payload: AlertMailPayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: (ctx, payload, attempt) =>
    sendAlertMail(ctx, payload, attempt.isLastAttempt, attempt.logger),
  redact: ({ alertId, recipientId, channel }) => ({ alertId, recipientId, channel }),
});
