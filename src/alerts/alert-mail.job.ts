import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { normaliseEmail } from '../shared/email.ts';
import { isTlpLevel, tlpLabel, type TlpLevel } from '../sharing/tlp.ts';
import { findMailTarget, markDeliveryAttemptFailed, markDeliverySent } from './alerts.queries.ts';
import { severityLabel } from './alerts.schema.ts';

/** Payload of an alert mail job; the token is dropped from the job row once it has finished. */
export const AlertMailPayload = z.object({
  alertId: z.string(),
  recipientId: z.string(),
  ackToken: z.string().optional(),
});

/** Payload of an alert mail job. */
export type AlertMailPayload = z.infer<typeof AlertMailPayload>;

// Sharing rules of TLP 2.0 (FIRST), as they apply on this platform.
const tlpRules: Record<TlpLevel, string> = {
  clear: 'Recipients may share this with anyone.',
  green: 'Recipients may share this within the Parley community, but not publicly.',
  amber: 'Recipients may share this within their organisation and its clients, need-to-know.',
  'amber+strict': 'Recipients may share this only within their organisation, need-to-know.',
  red: 'For the named recipients only: do not share it with anyone.',
};

/** The alert fields a mail shows. */
export interface AlertMailContent {
  title: string;
  severity: number;
  tlp: string;
  body: string;
  objectIds: string[];
  senderState: string | null;
  createdAt: string;
}

/** Builds the mail of one alert for one recipient, with the personal acknowledgement link. */
export function composeAlertMail(
  publicUrl: string,
  to: string,
  alert: AlertMailContent,
  ackToken: string,
): MailMessage {
  const tlp = isTlpLevel(alert.tlp) ? alert.tlp : 'red';
  const label = tlpLabel(tlp);
  const severity = severityLabel(alert.severity);
  const link = `${publicUrl}/alerts/ack/${encodeURIComponent(ackToken)}`;
  const objects =
    alert.objectIds.length === 0 ? [] : [`STIX objects: ${alert.objectIds.join(', ')}`];
  const text = [
    `${label}. ${tlpRules[tlp]}`,
    '',
    `Alert: ${alert.title}`,
    `Severity: ${severity}`,
    `From: ${alert.senderState ?? 'the secretariat'}`,
    `Sent: ${alert.createdAt}`,
    ...objects,
    '',
    alert.body,
    '',
    'Acknowledge receipt (the link is personal, do not forward this mail):',
    link,
    '',
    label,
  ].join('\n');

  return {
    to,
    subject: `[Parley] [${label}] [Severity ${severity}] ${alert.title}`,
    text,
  };
}

/** Returns true for an SMTP reply that retrying will not change (5xx, such as an unknown mailbox). */
function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;

  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends one alert mail and records the outcome on the recipient's delivery row. The address is the
 * one stored on the recipient row, so a PoC entry deleted after the alert still gets its mail.
 */
async function sendAlertMail(
  ctx: AppContext,
  payload: AlertMailPayload,
  isLastAttempt: boolean,
): Promise<JobCounts> {
  const target = await findMailTarget(ctx.db, payload.recipientId);
  if (target === undefined) throw new PermanentJobError('Alert recipient or delivery not found');
  if (target.status === 'sent') return { sent: 0, alreadySent: 1 };
  if (payload.ackToken === undefined) throw new PermanentJobError('Acknowledgement token missing');

  // The domain goes out in its ASCII (punycode) form, which every SMTP server accepts.
  const to = normaliseEmail(target.email) ?? target.email;
  const content: AlertMailContent = {
    title: target.title,
    severity: target.severity,
    tlp: target.tlp,
    body: target.body,
    objectIds: z.array(z.string()).parse(JSON.parse(target.object_ids)),
    senderState: target.sender_state,
    createdAt: target.created_at,
  };
  const message = composeAlertMail(ctx.config.publicUrl, to, content, payload.ackToken);

  try {
    await ctx.mailer.send(message);
  } catch (error) {
    const isPermanent = isPermanentSmtpError(error);
    const reason = error instanceof Error ? error.message.slice(0, 1000) : String(error);
    const failedAt = isPermanent || isLastAttempt ? ctx.clock.now().toISOString() : null;
    await markDeliveryAttemptFailed(ctx.db, target.deliveryId, reason, failedAt);
    if (isPermanent) throw new PermanentJobError(reason, { cause: error });
    throw error;
  }
  await markDeliverySent(ctx.db, target.deliveryId, ctx.clock.now().toISOString());

  return { sent: 1 };
}

/** Job that mails one alert to one recipient; its priority is the alert's severity. */
export const alertMailJob = defineJobKind({
  name: 'alert-mail',
  payload: AlertMailPayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: (ctx, payload, attempt) => sendAlertMail(ctx, payload, attempt.isLastAttempt),
  redact: ({ alertId, recipientId }) => ({ alertId, recipientId }),
});
