import { z } from 'zod';

import { findRecipientCatalogue } from '../accounts/account-settings.service.ts';
import type { AppContext } from '../app/context.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import { withoutExerciseMark } from '../alerts/alert-mail.compose.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { findCheck, findRecipient, updateAddressRecipients } from './checks.queries.ts';
import { toInlineText } from '../shared/text.ts';

/** Payload of a check mail job; the token is dropped from the job row once it has finished. */
export const CheckMailPayload = z.object({
  recipientId: z.string(),
  kind: z.enum(['invite', 'reminder']),
  token: z.string().optional(),
});

/** Payload of a check mail job. */
export type CheckMailPayload = z.infer<typeof CheckMailPayload>;

/** The check fields a mail shows. */
export interface CheckMailContent {
  title: string;
  isExercise: boolean;
  dueAt: string;
  isEscalation: boolean;
}

/**
 * Builds the mail of one check for one recipient in the language of `catalogue`, with the
 * personal answer link.
 */
export function composeCheckMail(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  check: CheckMailContent,
  kind: CheckMailPayload['kind'],
  token: string,
): MailMessage {
  const m = catalogue.checks.mail;
  // The line that opens and closes every mail about a drill, the same in alerts and requests.
  const banner = catalogue.alerts.exerciseBanner;
  const link = `${publicUrl}/checks/answer/${encodeURIComponent(token)}`;
  const exercise = check.isExercise ? [banner, ''] : [];
  const escalation = check.isEscalation ? [m.escalation, ''] : [];
  const isReminder = kind === 'reminder';
  const text = [
    ...exercise,
    isReminder ? m.reminderOpening : m.inviteOpening,
    ...escalation,
    m.check(toInlineText(check.title)),
    m.answerBy(check.dueAt),
    '',
    m.instructions,
    link,
    ...(check.isExercise ? ['', banner] : []),
  ].join('\n');
  // An exercise check's title carries the mark, which the subject shows once, after [Parley].
  const subject = check.isExercise
    ? m.subject(isReminder, withoutExerciseMark(check.title), true)
    : m.subject(isReminder, check.title);

  return { to, subject, text };
}

function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;

  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends one invitation or reminder and records the outcome on the rows of every recipient with
 * the mail's address in this round. A reminder to a recipient who answered, or of a check past
 * its window, is skipped.
 */
async function sendCheckMail(
  ctx: AppContext,
  payload: CheckMailPayload,
  isLastAttempt: boolean,
): Promise<JobCounts> {
  const recipient = await findRecipient(ctx.db, payload.recipientId);
  const check = recipient === undefined ? undefined : await findCheck(ctx.db, recipient.check_id);
  if (recipient === undefined || check === undefined) {
    throw new PermanentJobError('Check recipient not found');
  }
  if (payload.kind === 'invite' && recipient.delivered_at !== null) return { alreadySent: 1 };
  const isPastDue = ctx.clock.now().toISOString() >= recipient.due_at;
  if (payload.kind === 'reminder' && (recipient.answered_at !== null || isPastDue)) {
    return { skipped: 1 };
  }
  if (payload.token === undefined) throw new PermanentJobError('Personal token missing');

  // The mailer sends the domain in its ASCII (punycode) form, which every SMTP server accepts.
  const to = recipient.email;
  const content: CheckMailContent = {
    title: check.title,
    isExercise: check.exercise_id !== null,
    dueAt: recipient.due_at,
    isEscalation: recipient.escalated_from !== null,
  };
  const catalogue = await findRecipientCatalogue(ctx, recipient.email_key);
  const message = composeCheckMail(
    catalogue,
    ctx.config.publicUrl,
    to,
    content,
    payload.kind,
    payload.token,
  );
  const sentAt = ctx.clock.now().toISOString();
  if (recipient.sent_at === null) {
    await updateAddressRecipients(ctx.db, recipient, { sent_at: sentAt });
  }

  try {
    await ctx.mailer.send(message);
  } catch (error) {
    const isPermanent = isPermanentSmtpError(error);
    const reason = error instanceof Error ? error.message.slice(0, 1000) : String(error);
    if (isPermanent || isLastAttempt) {
      const failedAt = ctx.clock.now().toISOString();
      await updateAddressRecipients(ctx.db, recipient, {
        delivery_failed_at: failedAt,
        failure_reason: reason,
      });
    }
    if (isPermanent) throw new PermanentJobError(reason, { cause: error });
    throw error;
  }

  const at = ctx.clock.now().toISOString();
  if (payload.kind === 'invite') {
    await updateAddressRecipients(ctx.db, recipient, {
      delivered_at: at,
      delivery_failed_at: null,
    });
    return { sent: 1 };
  }
  await updateAddressRecipients(ctx.db, recipient, {
    reminders_sent: recipient.reminders_sent + 1,
    last_reminder_at: at,
  });

  return { reminded: 1 };
}

/** Job that mails one check invitation or reminder to one recipient. */
export const checkMailJob = defineJobKind({
  name: 'check-mail',
  payload: CheckMailPayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: (ctx, payload, attempt) => sendCheckMail(ctx, payload, attempt.isLastAttempt),
  redact: ({ recipientId, kind }) => ({ recipientId, kind }),
});
