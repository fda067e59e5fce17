import { z } from 'zod';

import { findAccountById } from '../accounts/accounts.queries.ts';
import type { AppContext } from '../app/context.ts';
import { recipientCatalogue, serverCatalogue } from '../i18n/locale-choice.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import type { MailMessage } from '../mail/mailer.ts';
import type { Clock } from '../shared/clock.ts';
import { hashSecret, safeEqual } from '../shared/crypto.ts';
import { findInvitationById, findPasswordResetById } from './links.queries.ts';
import { findOrganisationById, findStateName } from './users.queries.ts';

/** Payload of an invitation mail job; the token is dropped from the job row once it finished. */
export const InvitationMailPayload = z.object({
  invitationId: z.string(),
  token: z.string().optional(),
});

/** Payload of an invitation mail job. */
export type InvitationMailPayload = z.infer<typeof InvitationMailPayload>;

/** Payload of a password-reset mail job; the token is dropped once the job finished. */
export const PasswordResetMailPayload = z.object({
  resetId: z.string(),
  token: z.string().optional(),
});

/** Payload of a password-reset mail job. */
export type PasswordResetMailPayload = z.infer<typeof PasswordResetMailPayload>;

/** Content of an invitation mail besides its link. */
export interface InvitationMailContent {
  role: string;
  stateName: string | null;
  organisationName: string | null;
  expiresAt: string;
}

/** Builds the invitation mail with its one-time link in the language of `catalogue`. */
export function composeInvitationMail(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  content: InvitationMailContent,
  token: string,
): MailMessage {
  const m = catalogue.admin.mail;
  const role = m.roleNames[content.role] ?? content.role;
  const of = content.stateName ?? content.organisationName;
  const as = of === null ? role : m.roleFor(role, of);
  const link = `${publicUrl}/invite/${encodeURIComponent(token)}`;

  return {
    to,
    subject: m.invitationSubject(as),
    text: m.invitationBody(as, content.expiresAt, link),
  };
}

/** Builds the password-reset mail with its one-time link in the language of `catalogue`. */
export function composePasswordResetMail(
  catalogue: Catalogue,
  publicUrl: string,
  to: string,
  expiresAt: string,
  token: string,
): MailMessage {
  const m = catalogue.admin.mail;
  const link = `${publicUrl}/reset/${encodeURIComponent(token)}`;

  return { to, subject: m.resetSubject, text: m.resetBody(to, expiresAt, link) };
}

/** Returns true for an SMTP reply that retrying will not change (5xx, such as an unknown mailbox). */
function isPermanentSmtpError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;

  return typeof code === 'number' && code >= 500 && code < 600;
}

async function sendMail(ctx: AppContext, message: MailMessage): Promise<JobCounts> {
  try {
    await ctx.mailer.send(message);
  } catch (error) {
    if (!isPermanentSmtpError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new PermanentJobError(reason, { cause: error });
  }

  return { sent: 1 };
}

/** Returns true while a one-time link can still be used, so its mail is still worth sending. */
function isPending(
  link: { used_at: string | null; revoked_at: string | null; expires_at: string },
  clock: Clock,
) {
  const now = clock.now().toISOString();

  return link.used_at === null && link.revoked_at === null && link.expires_at > now;
}

function checkToken(token: string | undefined, tokenHash: string): string {
  if (token === undefined) throw new PermanentJobError('Link token missing from the job payload');
  if (!safeEqual(hashSecret(token), tokenHash)) {
    throw new PermanentJobError('Link token does not match the stored hash');
  }

  return token;
}

async function sendInvitationMail(ctx: AppContext, payload: InvitationMailPayload) {
  const invitation = await findInvitationById(ctx.db, payload.invitationId);
  if (invitation === undefined) throw new PermanentJobError('Invitation not found');
  // A replaced, used or expired invitation needs no mail: its link would only show an error.
  if (!isPending(invitation, ctx.clock)) return { sent: 0, skipped: 1 };
  const token = checkToken(payload.token, invitation.token_hash);

  const stateName =
    invitation.state_code === null ? null : await findStateName(ctx.db, invitation.state_code);
  const organisation =
    invitation.organisation_id === null
      ? undefined
      : await findOrganisationById(ctx.db, invitation.organisation_id);
  const content: InvitationMailContent = {
    role: invitation.role,
    stateName,
    organisationName: organisation?.name ?? null,
    expiresAt: invitation.expires_at,
  };
  // The mailer sends the domain in its ASCII (punycode) form, which every SMTP server accepts.
  const to = invitation.email;
  // The invited person has no account yet, so no preferred language either.
  const catalogue = serverCatalogue(ctx.config);

  return sendMail(ctx, composeInvitationMail(catalogue, ctx.config.publicUrl, to, content, token));
}

async function sendPasswordResetMail(ctx: AppContext, payload: PasswordResetMailPayload) {
  const reset = await findPasswordResetById(ctx.db, payload.resetId);
  if (reset === undefined) throw new PermanentJobError('Password reset not found');
  if (!isPending(reset, ctx.clock)) return { sent: 0, skipped: 1 };
  const token = checkToken(payload.token, reset.token_hash);

  const account = await findAccountById(ctx.db, reset.account_id);
  if (account === undefined) throw new PermanentJobError('Account of the reset not found');
  const to = account.email;
  const catalogue = recipientCatalogue(ctx.config, account.locale);
  const mail = composePasswordResetMail(
    catalogue,
    ctx.config.publicUrl,
    to,
    reset.expires_at,
    token,
  );

  return sendMail(ctx, mail);
}

const mailRetry = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 };

/** Job that mails an invitation link. */
export const invitationMailJob = defineJobKind({
  name: 'invitation-mail',
  payload: InvitationMailPayload,
  retry: mailRetry,
  run: (ctx, payload) => sendInvitationMail(ctx, payload),
  redact: ({ invitationId }) => ({ invitationId }),
});

/** Job that mails a password-reset link. */
export const passwordResetMailJob = defineJobKind({
  name: 'password-reset-mail',
  payload: PasswordResetMailPayload,
  retry: mailRetry,
  run: (ctx, payload) => sendPasswordResetMail(ctx, payload),
  redact: ({ resetId }) => ({ resetId }),
});

/** The job kinds of account administration. */
export const adminJobKinds = [invitationMailJob, passwordResetMailJob] as const;
