import type { Insertable, Kysely } from 'kysely';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import type { CheckRecipientsTable, Tables } from '../db/schema.ts';
import { defineJobKind, type JobCounts } from '../jobs/job-kind.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { checkMailJob } from './check-mail.job.ts';
import {
  findCheck,
  insertRecipients,
  listAlternates,
  listRecipients,
  listUnansweredRecipients,
  updateCheck,
  updateRecipient,
  type CandidatePartner,
  type CandidatePoc,
  type CheckRow,
} from './checks.queries.ts';

const MINUTE_MS = 60_000;

/** A recipient row to insert, with the personal token that only its mails carry. */
export interface NewRecipient {
  row: Insertable<CheckRecipientsTable>;
  token: string;
}

/** Builds a recipient row for a PoC entry or a partner account with a fresh personal token. */
export function newRecipient(
  checkId: string,
  poc: CandidatePoc | CandidatePartner,
  dueAt: string,
  escalatedFrom: string | null,
): NewRecipient {
  const token = newSecret();
  const row: Insertable<CheckRecipientsTable> = {
    id: newId(),
    check_id: checkId,
    poc_id: poc.id,
    state_code: poc.state_code,
    level: poc.level,
    contact_role: poc.contact_role,
    email: poc.email,
    email_key: poc.email_key,
    token_hash: hashSecret(token),
    escalated_from: escalatedFrom,
    due_at: dueAt,
    organisation_id: poc.id === null ? poc.organisation_id : null,
  };

  return { row, token };
}

/**
 * Queues the invitation of each distinct address now and a reminder at each reminder time that is
 * still ahead. An address listed by several entries (two states sharing a team) gets one mail,
 * with the first entry's token, and answering through it answers every entry of that address.
 * The token stays in the pending job rows until they run, then it is redacted.
 */
export async function queueRecipientMails(
  trx: Kysely<Tables>,
  ctx: AppContext,
  recipients: readonly NewRecipient[],
  reminderMinutes: readonly number[],
) {
  const now = ctx.clock.now().getTime();
  const firstPerAddress = new Map<string, NewRecipient>();
  for (const recipient of recipients) {
    if (!firstPerAddress.has(recipient.row.email_key)) {
      firstPerAddress.set(recipient.row.email_key, recipient);
    }
  }
  for (const { row, token } of firstPerAddress.values()) {
    const recipientId = row.id;
    await enqueueJob(
      trx,
      ctx.clock,
      checkMailJob,
      { recipientId, kind: 'invite', token },
      { idempotencyKey: `check-mail:${recipientId}:invite` },
    );
    for (const minutes of reminderMinutes) {
      const runAt = new Date(new Date(row.due_at).getTime() - minutes * MINUTE_MS);
      if (runAt.getTime() <= now) continue;
      await enqueueJob(
        trx,
        ctx.clock,
        checkMailJob,
        { recipientId, kind: 'reminder', token },
        { idempotencyKey: `check-mail:${recipientId}:reminder:${minutes}`, runAt },
      );
    }
  }
}

/** Payload of a check close job: the check, and whether its first or escalation window ends. */
export const CheckClosePayload = z.object({
  checkId: z.string(),
  phase: z.enum(['window', 'final']),
});

/** Queues the job that ends a window of the check at `runAt`. */
export function queueCheckClose(
  trx: Kysely<Tables>,
  ctx: AppContext,
  checkId: string,
  phase: 'window' | 'final',
  runAt: Date,
) {
  return enqueueJob(
    trx,
    ctx.clock,
    checkCloseJob,
    { checkId, phase },
    { idempotencyKey: `check-close:${checkId}:${phase}`, runAt },
  );
}

/**
 * Chooses the alternates to ask for each unanswered first recipient: every alternate PoC of the
 * same state and level whose address the check has not reached yet.
 */
async function chooseEscalations(ctx: AppContext, check: CheckRow, dueAt: string) {
  const all = await listRecipients(ctx.db, check.id);
  const reached = new Set(all.map((recipient) => recipient.email_key));
  const unanswered = await listUnansweredRecipients(ctx.db, check.id);

  const escalations: { fromId: string; recipient: NewRecipient }[] = [];
  for (const original of unanswered) {
    if (original.escalated_from !== null) continue;
    const alternates = await listAlternates(ctx.db, original.state_code, original.level);
    for (const alternate of alternates) {
      if (reached.has(alternate.email_key)) continue;
      reached.add(alternate.email_key);
      const recipient = newRecipient(check.id, alternate, dueAt, original.id);
      escalations.push({ fromId: original.id, recipient });
    }
  }

  return escalations;
}

/**
 * Ends the first window of a check: each first recipient without an answer is escalated to the
 * alternates of its state and level, who get a window of the same length. Without any alternate
 * to ask, the check closes at once.
 */
async function closeWindow(ctx: AppContext, check: CheckRow): Promise<JobCounts> {
  const now = ctx.clock.now();
  const finalClose = new Date(now.getTime() + check.window_minutes * MINUTE_MS);
  const escalations = await chooseEscalations(ctx, check, finalClose.toISOString());
  const at = now.toISOString();

  await ctx.db.transaction().execute(async (trx) => {
    if (escalations.length === 0) {
      await updateCheck(trx, check.id, { status: 'closed', closed_at: at });
      return;
    }
    await insertRecipients(
      trx,
      escalations.map((e) => e.recipient.row),
    );
    for (const fromId of new Set(escalations.map((e) => e.fromId))) {
      await updateRecipient(trx, fromId, { escalated_at: at });
    }
    const reminders = z.array(z.number()).parse(JSON.parse(check.reminder_minutes));
    const recipients = escalations.map((e) => e.recipient);
    await queueRecipientMails(trx, ctx, recipients, reminders);
    await updateCheck(trx, check.id, {
      status: 'escalating',
      final_closes_at: finalClose.toISOString(),
    });
    await queueCheckClose(trx, ctx, check.id, 'final', finalClose);
  });
  ctx.logger.info({ checkId: check.id, escalations: escalations.length }, 'check window closed');

  return { escalated: escalations.length };
}

/** Ends a window of a check; a check already past that window is left as it is. */
export async function closeCheck(
  ctx: AppContext,
  checkId: string,
  phase: 'window' | 'final',
): Promise<JobCounts> {
  const check = await findCheck(ctx.db, checkId);
  if (check === undefined) return { missing: 1 };
  if (phase === 'window' && check.status === 'open') return closeWindow(ctx, check);
  if (phase === 'final' && check.status === 'escalating') {
    await updateCheck(ctx.db, check.id, {
      status: 'closed',
      closed_at: ctx.clock.now().toISOString(),
    });
    ctx.logger.info({ checkId }, 'check closed');
    return { closed: 1 };
  }

  return { unchanged: 1 };
}

/** Job that ends the first or the escalation window of a check. */
export const checkCloseJob = defineJobKind({
  name: 'check-close',
  payload: CheckClosePayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 },
  run: (ctx, payload) => closeCheck(ctx, payload.checkId, payload.phase),
});
