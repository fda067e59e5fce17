import type { Kysely } from 'kysely';
import { createMessage, encrypt, readKey } from 'openpgp';
import { z } from 'zod';

import { findRecipientCatalogue } from '../accounts/account-settings.service.ts';
import type { AppContext } from '../app/context.ts';
import type { Tables } from '../db/schema.ts';
import type { LiveEvent } from '../events/event-catalogue.ts';
import { publishEvents } from '../events/events.service.ts';
import { participantOf, recordExerciseEntry } from '../exercises/exercise-events.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import type { Logger } from 'pino';
import { filterReadableIds, readerOfAlertRecipient } from '../sharing/cited-objects.ts';
import {
  findMailTarget,
  markDeliveryAttemptFailed,
  markDeliverySending,
  markDeliverySent,
} from './alerts.queries.ts';
import { composeAlertMail, type AlertMailContent } from './alert-mail.compose.ts';
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

/**
 * Encrypts a mail text to an armored OpenPGP key; returns null with the reason when the key
 * cannot be read or used, so the caller can fall back to the plain mail.
 */
async function encryptText(armoredKey: string, text: string, logger: Logger) {
  try {
    const encryptionKeys = await readKey({ armoredKey });
    const message = await createMessage({ text });
    // openpgp's stream types come from a package that is not installed, so lint sees the result
    // as unresolved; an armored encryption of a text message is a string.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- see above
    const encrypted: unknown = await encrypt({ message, encryptionKeys });
    if (typeof encrypted !== 'string') throw new Error('OpenPGP returned no armored text');

    return { text: encrypted, reason: null };
  } catch (error) {
    const reason = `OpenPGP key unusable, sent unencrypted: ${(error as Error).message}`;
    logger.warn({ err: error }, 'openpgp key unusable');
    return { text: null, reason: reason.slice(0, 500) };
  }
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
 * Sends one alert mail and records the outcome on the recipient's delivery row of that channel.
 * The address is the one stored on the recipient row, so a PoC entry deleted after the alert
 * still gets its mail, and a missing or unreadable OpenPGP key falls back to the plain mail.
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
  const hasKey = target.pgp_key !== null && target.pgp_key.trim() !== '';
  const encrypted =
    hasKey && payload.channel !== 'email'
      ? await encryptText(target.pgp_key ?? '', plain.text, logger)
      : null;
  const message =
    encrypted?.text != null
      ? { ...plain, subject: plain.encryptedSubject, text: encrypted.text }
      : plain;
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
    await markDeliverySent(trx, target.deliveryId, sentAt, encrypted?.reason ?? null);
    const outcome = { kind: 'delivered' as const, at: sentAt };
    return recordExerciseDelivery(trx, ctx, target, payload.channel, outcome);
  });
  await publishEvents(ctx, events);
  await publishDeliveryChange(ctx, {
    alertId: target.alertId,
    recipient: target.email,
    channel: payload.channel,
    status: 'delivered',
    reason: encrypted?.reason ?? null,
  });

  return { sent: 1, encrypted: encrypted?.text != null ? 1 : 0 };
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
