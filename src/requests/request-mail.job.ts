import { z } from 'zod';

import { severityLabel } from '../alerts/alerts.schema.ts';
import { EXERCISE_BANNER } from '../alerts/alert-mail.compose.ts';
import type { AppContext } from '../app/context.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { normaliseEmail } from '../shared/email.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { findRequestMailTarget, updateRequestMail } from './requests.queries.ts';

/** Payload of a request mail job. */
export const RequestMailPayload = z.object({ recipientId: z.string() });

type Target = NonNullable<Awaited<ReturnType<typeof findRequestMailTarget>>>;

const typeNames: Record<string, string> = {
  'request-for-information': 'Request for information',
  'request-for-assistance': 'Request for assistance',
  notification: 'Notification',
  response: 'Response',
  acknowledgement: 'Acknowledgement of receipt',
};

/** Builds the mail of one message, with a link to its thread in the workspace. */
export function composeRequestMail(publicUrl: string, to: string, target: Target): MailMessage {
  const label = isTlpLevel(target.tlp) ? tlpLabel(target.tlp) : target.tlp;
  const typeName = typeNames[target.type] ?? target.type;
  const isExercise = target.exercise === 1;
  const link = `${publicUrl}/app/requests/${encodeURIComponent(target.reference)}`;
  const text = [
    ...(isExercise ? [EXERCISE_BANNER, ''] : []),
    label,
    '',
    `${typeName} ${target.reference}`,
    `Subject: ${target.subject}`,
    `From: ${target.sender_name}, ${target.sender_organisation} (${target.sender_state}) <${target.sender_email}>`,
    `Sector: ${target.sector}`,
    `Severity: ${severityLabel(target.severity)}`,
    ...(target.response_due_at === null
      ? []
      : [`Response requested by: ${target.response_due_at}`]),
    '',
    target.description,
    ...(target.requested_action === '' ? [] : ['', 'Requested:', target.requested_action]),
    '',
    `Acknowledge and reply in the workspace: ${link}`,
    '',
    label,
    ...(isExercise ? ['', EXERCISE_BANNER] : []),
  ].join('\n');
  const exercise = isExercise ? ' [EXERCISE]' : '';

  return {
    to,
    subject: `[Parley]${exercise} [${label}] [${target.reference}] ${typeName}: ${target.subject}`,
    text,
    messageId: `<${target.recipientId}@parley.requests>`,
  };
}

async function sendRequestMail(
  ctx: AppContext,
  recipientId: string,
  isLastAttempt: boolean,
): Promise<JobCounts> {
  const target = await findRequestMailTarget(ctx.db, recipientId);
  if (target === undefined) throw new PermanentJobError('Request recipient not found');
  if (target.mail_status === 'delivered') return { sent: 0, alreadySent: 1 };

  const to = normaliseEmail(target.email) ?? target.email;
  try {
    await ctx.mailer.send(composeRequestMail(ctx.config.publicUrl, to, target));
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 1000) : String(error);
    const code = (error as { responseCode?: unknown }).responseCode;
    const isPermanent = typeof code === 'number' && code >= 500;
    if (isPermanent || isLastAttempt) {
      await updateRequestMail(ctx.db, recipientId, {
        mail_status: 'failed',
        failure_reason: reason,
      });
    }
    if (isPermanent) throw new PermanentJobError(reason, { cause: error });
    throw error;
  }
  await updateRequestMail(ctx.db, recipientId, {
    mail_status: 'delivered',
    mailed_at: ctx.clock.now().toISOString(),
    failure_reason: null,
  });

  return { sent: 1 };
}

/** Job that mails one message between states to one recipient. */
export const requestMailJob = defineJobKind({
  name: 'request-mail',
  payload: RequestMailPayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: (ctx, payload, attempt) => sendRequestMail(ctx, payload.recipientId, attempt.isLastAttempt),
});
