import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { defineJobKind } from '../jobs/job-kind.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { parseTlp } from '../sharing/tlp.ts';
import { withoutPartnersBelow } from './addressing.ts';
import { alertMailJob } from './alert-mail.job.ts';
import { insertAlert } from './alerts.queries.ts';
import { newDeliveryRow, toRecipientRow } from './alerts.service.ts';
import { publishDeliveryChange } from './delivery-events.ts';
import {
  listNewAlternates,
  listOverdueRecipients,
  listRecipientsWithoutDelivery,
  markEscalated,
  markReminded,
} from './escalation.queries.ts';

// Recipients handled per sweep; the next sweep takes the rest.
const SWEEP_LIMIT = 500;

type Overdue = Awaited<ReturnType<typeof listOverdueRecipients>>[number];

/** Queues the one reminder of a recipient, with a new personal link. */
async function remind(ctx: AppContext, recipient: Overdue, now: string): Promise<boolean> {
  const token = newSecret();
  const isFirst = await ctx.db.transaction().execute(async (trx) => {
    if (!(await markReminded(trx, recipient.id, hashSecret(token), now))) return false;
    const delivery = newDeliveryRow(recipient.alert_id, recipient.id, 'email-reminder', now);
    await trx.insertInto('alert_deliveries').values(delivery).execute();
    await enqueueJob(
      trx,
      ctx.clock,
      alertMailJob,
      {
        alertId: recipient.alert_id,
        recipientId: recipient.id,
        channel: 'email-reminder',
        ackToken: token,
      },
      {
        idempotencyKey: `alert-mail:${recipient.alert_id}:${recipient.id}:email-reminder`,
        priority: recipient.severity,
      },
    );
    return true;
  });
  if (isFirst) {
    await publishDeliveryChange(ctx, {
      alertId: recipient.alert_id,
      recipient: recipient.email,
      channel: 'email-reminder',
      status: 'reminded',
    });
  }

  return isFirst;
}

/**
 * Alerts the alternate PoCs of the recipient's state and level that are not recipients yet,
 * each with their own link, mail, live event and a response time counted from now, and marks the
 * recipient escalated.
 */
async function escalate(ctx: AppContext, recipient: Overdue, now: string): Promise<number> {
  const candidates =
    recipient.state_code === null || recipient.level === null
      ? []
      : await listNewAlternates(ctx.db, recipient.alert_id, recipient.state_code, recipient.level);
  // A stored level is always valid; were it not, the strictest label is the safe one.
  const tlp = parseTlp(recipient.tlp) ?? 'red';
  const keys = candidates.map((poc) => ({ emailKey: poc.email_key }));
  const cleared = new Set(
    (await withoutPartnersBelow(ctx.db, keys, tlp)).map((entry) => entry.emailKey),
  );
  const alternates = candidates.filter((poc) => cleared.has(poc.email_key));
  const responseDueAt = new Date(
    Date.parse(now) + (recipient.response_minutes ?? 0) * 60_000,
  ).toISOString();
  const outcome = await ctx.db.transaction().execute(async (trx) => {
    if (!(await markEscalated(trx, recipient.id, now))) return null;
    for (const poc of alternates) {
      const token = newSecret();
      const recipientId = newId();
      const channel = poc.pgp_key !== null && poc.pgp_key.trim() !== '' ? 'email-pgp' : 'email';
      const row = toRecipientRow(
        recipient.alert_id,
        recipientId,
        {
          pocId: poc.id,
          email: poc.email,
          emailKey: poc.email_key,
          stateCode: poc.state_code,
          level: poc.level,
          organisationId: null,
          contactRole: poc.contact_role,
        },
        token,
        recipient.id,
      );
      await insertAlert(
        trx,
        null,
        [{ ...row, response_due_at: responseDueAt }],
        [newDeliveryRow(recipient.alert_id, recipientId, channel, now)],
      );
      await enqueueJob(
        trx,
        ctx.clock,
        alertMailJob,
        { alertId: recipient.alert_id, recipientId, channel, ackToken: token },
        {
          idempotencyKey: `alert-mail:${recipient.alert_id}:${recipientId}:${channel}`,
          priority: recipient.severity,
        },
      );
    }
    if (alternates.length === 0) return { added: 0, event: null };
    // Only the alternates receive this event: the others have the alert already.
    const event = await recordEvent(trx, ctx.database.dialect, ctx.clock, 'alert', {
      id: recipient.alert_id,
      title: recipient.title,
      severity: recipient.severity,
      tlp,
      createdAt: recipient.created_at,
      senderState: recipient.sender_state,
      exercise: recipient.exercise === 1,
      escalatedFrom: recipient.id,
    });

    return { added: alternates.length, event };
  });
  if (outcome === null) return 0;
  const { added, event } = outcome;
  if (event !== null) await publishEvents(ctx, [event]);

  await publishDeliveryChange(ctx, {
    alertId: recipient.alert_id,
    recipient: recipient.email,
    channel: 'escalation',
    status: 'escalated',
    reason:
      added === 0
        ? `No alternate PoC for ${recipient.state_code ?? '?'} ${recipient.level ?? '?'}`
        : `${added} alternate PoC(s) alerted`,
  });
  if (added === 0) {
    ctx.logger.warn(
      { alertId: recipient.alert_id, recipientId: recipient.id },
      'no alternate to escalate to',
    );
  }

  return added;
}

// Alerts younger than this may still be writing their deliveries, so they are left alone.
const WRITE_GRACE_MS = 60_000;

// Deliveries lost in a crash are looked for this far back, in milliseconds (one day).
const REQUEUE_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Queues the first mail of recipients that have no delivery. That happens when the process
 * stops, or the second write fails, between the two transactions of `createAlert`. Each gets a
 * new link, because the token of the lost job was never stored.
 */
export async function requeueMissingDeliveries(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const before = new Date(now.getTime() - WRITE_GRACE_MS).toISOString();
  const after = new Date(now.getTime() - REQUEUE_WINDOW_MS).toISOString();
  const missing = await listRecipientsWithoutDelivery(ctx.db, after, before, SWEEP_LIMIT);
  for (const recipient of missing) {
    const token = newSecret();
    const channel =
      recipient.pgp_key !== null && recipient.pgp_key.trim() !== '' ? 'email-pgp' : 'email';
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('alert_recipients')
        .set({ ack_token_hash: hashSecret(token) })
        .where('id', '=', recipient.id)
        .execute();
      const delivery = newDeliveryRow(recipient.alert_id, recipient.id, channel, now.toISOString());
      await insertAlert(trx, null, [], [delivery]);
      await enqueueJob(
        trx,
        ctx.clock,
        alertMailJob,
        { alertId: recipient.alert_id, recipientId: recipient.id, channel, ackToken: token },
        {
          idempotencyKey: `alert-mail:${recipient.alert_id}:${recipient.id}:${channel}`,
          priority: recipient.severity,
        },
      );
    });
  }
  if (missing.length > 0) {
    ctx.logger.warn({ recipients: missing.length }, 'queued deliveries missing after a crash');
  }

  return missing.length;
}

/**
 * Reminds and escalates recipients who have not acknowledged in time. Each is reminded once when
 * the response time has passed. When a second response time has passed after the reminder, the
 * alternate PoCs of the same state and level are alerted. Partner accounts and alternates added
 * by an escalation are reminded but not escalated further.
 */
export async function sweepOverdueRecipients(ctx: AppContext) {
  const nowDate = ctx.clock.now();
  const now = nowDate.toISOString();
  let reminded = 0;
  let escalated = 0;
  let alternates = 0;
  for (const recipient of await listOverdueRecipients(ctx.db, now, SWEEP_LIMIT)) {
    if (recipient.reminded_at === null) {
      if (await remind(ctx, recipient, now)) reminded += 1;
      continue;
    }
    const windowMs = (recipient.response_minutes ?? 0) * 60_000;
    const isEscalationDue =
      new Date(recipient.reminded_at).getTime() + windowMs <= nowDate.getTime();
    // Partner accounts have no alternate, and alternates are not escalated further.
    if (!isEscalationDue || recipient.poc_id === null || recipient.escalated_from !== null) {
      continue;
    }
    alternates += await escalate(ctx, recipient, now);
    escalated += 1;
  }

  const requeued = await requeueMissingDeliveries(ctx);

  return { reminded, escalated, alternates, requeued };
}

/**
 * Recurring job that reminds and escalates overdue recipients and queues deliveries lost in a
 * crash; the worker queues it each minute.
 */
export const alertEscalationJob = defineJobKind({
  name: 'alert-escalation',
  payload: z.object({}),
  retry: { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 60_000 },
  run: (ctx) => sweepOverdueRecipients(ctx),
});
