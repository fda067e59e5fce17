import { z } from 'zod';

import type { Logger } from 'pino';

import { findRecipientCatalogue } from '../accounts/account-settings.service.ts';
import {
  withoutExerciseMark,
  formatSeverity,
  requiresEncryption,
} from '../alerts/alert-mail.compose.ts';
import { isRecipientCleared } from '../alerts/addressing.ts';
import type { AppContext } from '../app/context.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { encryptMailText } from '../mail/openpgp-mail.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { findRequestMailTarget, updateRequestMail } from './requests.queries.ts';
import { toInlineText } from '../shared/text.ts';

/** Payload of a request mail job. */
export const RequestMailPayload = z.object({ recipientId: z.string() });

type Target = NonNullable<Awaited<ReturnType<typeof findRequestMailTarget>>>;

/** Returns the TLP label of `target`, such as `TLP:AMBER`, or the stored value if unknown. */
function labelOf(target: Target): string {
  return isTlpLevel(target.tlp) ? tlpLabel(target.tlp) : target.tlp;
}

/** Builds the subject line of a mail about `target` whose text is `title`. */
function subjectLineOf(catalogue: Catalogue, target: Target, title: string): string {
  const m = catalogue.requests;
  const typeName = m.typeNames[target.type] ?? target.type;

  return m.mail.subjectLine(
    target.exercise === 1,
    labelOf(target),
    target.reference,
    typeName,
    title,
  );
}

/**
 * Joins the `body` lines of a mail about `target` with the parts that every such mail has: the TLP
 * label first and last, the exercise banner outside it for a drill, and the link to the thread.
 */
function frameMailText(
  catalogue: Catalogue,
  publicUrl: string,
  target: Target,
  body: string[],
): string {
  const m = catalogue.requests;
  const banner = catalogue.alerts.exerciseBanner;
  const label = labelOf(target);
  const isExercise = target.exercise === 1;
  const link = `${publicUrl}/app/requests/${encodeURIComponent(target.reference)}`;

  return [
    ...(isExercise ? [banner, ''] : []),
    label,
    '',
    ...body,
    '',
    m.mail.replyLink(link),
    '',
    label,
    ...(isExercise ? ['', banner] : []),
  ].join('\n');
}

/**
 * Builds the mail of one message in the language of `catalogue`, with a link to its thread in the
 * workspace.
 */
export function composeRequestMail(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  target: Target,
): MailMessage {
  const m = catalogue.requests;
  const typeName = m.typeNames[target.type] ?? target.type;
  const text = frameMailText(catalogue, publicUrl, target, [
    m.mail.heading(typeName, target.reference),
    // Stored values go on one line each, so none can forge a line such as `Severity: 5`.
    m.mail.subject(toInlineText(target.subject)),
    m.mail.from(
      toInlineText(target.sender_name),
      toInlineText(target.sender_organisation),
      target.sender_state,
      toInlineText(target.sender_email),
    ),
    m.mail.sector(toInlineText(target.sector)),
    m.mail.severity(formatSeverity(catalogue, target.severity)),
    ...(target.response_due_at === null ? [] : [m.mail.responseDue(target.response_due_at)]),
    '',
    target.description,
    ...(target.requested_action === '' ? [] : ['', m.mail.requested, target.requested_action]),
  ]);
  const title = target.exercise === 1 ? withoutExerciseMark(target.subject) : target.subject;

  return {
    to,
    subject: subjectLineOf(catalogue, target, title),
    text,
    messageId: `<${target.recipientId}@parley.requests>`,
  };
}

/**
 * Builds the notice sent in place of a TLP:AMBER or stricter message when encryption to the
 * recipient's key failed, in the language of `catalogue`. It has no subject text and no content,
 * only the reason and the link to the thread, which needs a sign-in.
 */
export function composeWithheldRequestNotice(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  target: Target,
  reason: string,
): MailMessage {
  const m = catalogue.requests;
  const text = frameMailText(catalogue, publicUrl, target, [
    m.mail.withheldIntro,
    m.mail.withheldReason(toInlineText(reason)),
  ]);
  const subject = subjectLineOf(catalogue, target, m.mail.withheldTitle);

  return { to, subject, text, messageId: `<${target.recipientId}@parley.requests>` };
}

/**
 * Chooses the mail to a recipient whose PoC entry has an OpenPGP key, as alert mail does, in the
 * language of `catalogue`. A usable key gets the message encrypted, with its subject text left
 * out. Otherwise TLP:CLEAR and TLP:GREEN go out in clear text, and stricter levels get a notice
 * without the content. `note` is recorded on the recipient.
 */
async function chooseKeyedRequestMail(
  ctx: AppContext,
  catalogue: Catalogue,
  target: Target,
  plain: MailMessage,
  armoredKey: string,
  logger: Logger,
): Promise<{ message: MailMessage; note: string | null; contentWithheld: boolean }> {
  const encrypted = await encryptMailText(armoredKey, plain.text, logger);
  if (encrypted.text !== null) {
    const subject = subjectLineOf(catalogue, target, catalogue.requests.mail.encryptedTitle);
    const message = { ...plain, subject, text: encrypted.text };
    return { message, note: null, contentWithheld: false };
  }
  const { reason } = encrypted;
  if (!requiresEncryption(target.tlp)) {
    const note = `OpenPGP key unusable, sent unencrypted: ${reason}`;
    return { message: plain, note, contentWithheld: false };
  }
  const notice = composeWithheldRequestNotice(
    catalogue,
    ctx.config.publicUrl,
    plain.to,
    target,
    reason,
  );
  const note = `Content withheld, OpenPGP key unusable: ${reason}`;

  return { message: notice, note, contentWithheld: true };
}

/**
 * Records a mail that is not sent because the recipient is a partner account whose organisation
 * is no longer cleared for the message's TLP, as alert mail does. The recipient's `mailNote`
 * shows the reason.
 */
async function withholdFromUncleared(
  ctx: AppContext,
  target: Target,
  logger: Logger,
): Promise<JobCounts> {
  const reason = `Withheld: the recipient's organisation is not cleared for ${labelOf(target)}`;
  await updateRequestMail(ctx.db, target.recipientId, {
    mail_status: 'failed',
    failure_reason: reason,
  });
  logger.info(
    { requestId: target.id, recipientId: target.recipientId },
    'request mail withheld, recipient above its clearance',
  );

  return { sent: 0, withheld: 1 };
}

async function sendRequestMail(
  ctx: AppContext,
  recipientId: string,
  isLastAttempt: boolean,
  logger: Logger,
): Promise<JobCounts> {
  const target = await findRequestMailTarget(ctx.db, recipientId);
  if (target === undefined) throw new PermanentJobError('Request recipient not found');
  if (target.mail_status === 'delivered') return { sent: 0, alreadySent: 1 };
  // The secretariat may have lowered the organisation's clearance since the message was stored.
  if (!(await isRecipientCleared(ctx.db, target.email_key, target.tlp))) {
    return withholdFromUncleared(ctx, target, logger);
  }

  const to = target.email;
  const catalogue = await findRecipientCatalogue(ctx, target.email_key);
  const plain = composeRequestMail(catalogue, ctx.config.publicUrl, to, target);
  const key = target.pgp_key?.trim() ?? '';
  const { message, note, contentWithheld } =
    key === ''
      ? { message: plain, note: null, contentWithheld: false }
      : await chooseKeyedRequestMail(ctx, catalogue, target, plain, key, logger);
  try {
    await ctx.mailer.send(message);
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
    failure_reason: note,
  });

  return { sent: 1, withheld: contentWithheld ? 1 : 0 };
}

/** Job that mails one message between states to one recipient. */
export const requestMailJob = defineJobKind({
  name: 'request-mail',
  payload: RequestMailPayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: (ctx, payload, attempt) =>
    sendRequestMail(ctx, payload.recipientId, attempt.isLastAttempt, attempt.logger),
});
