import type { Insertable } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import type { AlertDeliveriesTable, AlertRecipientsTable } from '../db/schema.ts';
import type { LiveEvent } from '../events/event-catalogue.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { normaliseEmail } from '../shared/email.ts';
import { DomainError, invalidField, notFound } from '../shared/errors.ts';
import { alertMailJob } from './alert-mail.job.ts';
import {
  findAlert,
  findAlertFor,
  findRecipient,
  findRecipientByTokenHash,
  insertAlert,
  listAlertsFor,
  listDeliveries,
  listKnownStates,
  listPocsFor,
  markAcknowledged,
  markOpened,
  type AlertRow,
  type PocFilter,
  type RecipientRow,
} from './alerts.queries.ts';
import type { AcknowledgedVia, AlertView, DeliveryReport, NewAlert } from './alerts.schema.ts';

/** Most alerts one list returns. */
export const ALERT_LIST_LIMIT = 500;

/** Throws `forbidden` unless the principal may send alerts. */
export function requireAlertSender(principal: Principal): void {
  // TODO: partners may receive alerts addressed to partners but not send them; partner
  // addressing needs organisation recipients, which the recipient table does not hold yet.
  if (principal.role === 'partner') {
    throw new DomainError('forbidden', 'Partner accounts cannot send alerts');
  }
}

/** A recipient chosen for an alert, before it is stored. */
interface Addressee {
  pocId: string | null;
  email: string;
  emailKey: string;
  stateCode: string | null;
  level: string | null;
}

async function pocFilterFor(ctx: AppContext, sender: Principal, alert: NewAlert) {
  if (alert.tlp === 'clear' || alert.tlp === 'green') return { kind: 'all' } satisfies PocFilter;

  if (alert.tlp === 'red') {
    if (alert.accounts.length === 0) {
      throw invalidField('accounts', 'name at least one recipient e-mail for TLP:RED');
    }
    const emailKeys = alert.accounts.map((email, i) => {
      const key = normaliseEmail(email);
      if (key === null) throw invalidField(`accounts.${i}`, 'must be a valid e-mail address');
      return key;
    });
    return { kind: 'emails', emailKeys } satisfies PocFilter;
  }

  const states = [
    ...new Set([...(sender.stateCode === null ? [] : [sender.stateCode]), ...alert.states]),
  ];
  if (states.length === 0) {
    throw invalidField(
      'states',
      `name at least one recipient state for TLP:${alert.tlp.toUpperCase()}`,
    );
  }
  const known = await listKnownStates(ctx.db, states);
  const unknown = alert.states.findIndex((code) => !known.has(code));
  if (unknown >= 0) {
    throw invalidField(`states.${unknown}`, `${alert.states[unknown]} is not a known state code`);
  }

  return { kind: 'states', states } satisfies PocFilter;
}

/**
 * Chooses the recipients the TLP allows: every PoC for CLEAR and GREEN; the PoCs of the sender's
 * state and the named states for AMBER and AMBER+STRICT; only the named PoCs (and a sending PoC)
 * for RED. One recipient per normalised e-mail.
 */
async function chooseRecipients(ctx: AppContext, sender: Principal, alert: NewAlert) {
  const filter = await pocFilterFor(ctx, sender, alert);
  const isRedFromPoc = filter.kind === 'emails' && sender.role === 'poc';
  const pocs = await listPocsFor(
    ctx.db,
    isRedFromPoc ? { kind: 'emails', emailKeys: [...filter.emailKeys, sender.emailKey] } : filter,
  );

  const byKey = new Map<string, Addressee>();
  for (const poc of pocs) {
    if (byKey.has(poc.email_key)) continue;
    byKey.set(poc.email_key, {
      pocId: poc.id,
      email: poc.email,
      emailKey: poc.email_key,
      stateCode: poc.state_code,
      level: poc.level,
    });
  }

  if (filter.kind === 'emails') {
    const missing = filter.emailKeys.findIndex((key) => !byKey.has(key));
    if (missing >= 0) {
      throw invalidField(`accounts.${missing}`, 'no point of contact has this e-mail address');
    }
  }
  if (isRedFromPoc && !byKey.has(sender.emailKey)) {
    const { email, emailKey, stateCode } = sender;
    byKey.set(emailKey, { pocId: null, email, emailKey, stateCode, level: null });
  }

  return [...byKey.values()];
}

/**
 * Creates an alert in one transaction: the alert, its recipients with hashed acknowledgement
 * tokens, a queued e-mail delivery and a mail job per recipient, and the live event. No mail is
 * sent here; the job worker sends it.
 */
export async function createAlert(ctx: AppContext, sender: Principal, alert: NewAlert) {
  const addressees = await chooseRecipients(ctx, sender, alert);
  const alertId = newId();
  const now = ctx.clock.now().toISOString();

  const recipients: Insertable<AlertRecipientsTable>[] = [];
  const deliveries: Insertable<AlertDeliveriesTable>[] = [];
  const tokens: string[] = [];
  for (const addressee of addressees) {
    const token = newSecret();
    const recipientId = newId();
    tokens.push(token);
    recipients.push({
      id: recipientId,
      alert_id: alertId,
      poc_id: addressee.pocId,
      email: addressee.email,
      email_key: addressee.emailKey,
      state_code: addressee.stateCode,
      level: addressee.level,
      ack_token_hash: hashSecret(token),
    });
    const delivery = { id: newId(), recipient_id: recipientId, alert_id: alertId };
    deliveries.push({
      ...delivery,
      channel: 'email',
      status: 'queued',
      attempts: 0,
      queued_at: now,
    });
  }

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
        created_at: now,
      },
      recipients,
      deliveries,
    );
    for (const [i, recipient] of recipients.entries()) {
      const payload = { alertId, recipientId: recipient.id, ackToken: tokens[i] };
      await enqueueJob(trx, ctx.clock, alertMailJob, payload, {
        idempotencyKey: `alert-mail:${alertId}:${recipient.id}`,
        priority: alert.severity,
      });
    }

    return recordEvent(trx, ctx.database.dialect, ctx.clock, 'alert', {
      id: alertId,
      title: alert.title,
      severity: alert.severity,
      tlp: alert.tlp,
      createdAt: now,
      senderState: sender.stateCode,
    });
  });
  await publishEvents(ctx, [event]);
  ctx.logger.info(
    {
      alertId,
      senderId: sender.accountId,
      severity: alert.severity,
      recipients: recipients.length,
    },
    'alert created',
  );

  return { id: alertId, recipients: recipients.length };
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
  };
}

/** Lists the alerts the principal sent or received, by severity (highest first), then newest. */
export async function listAlerts(ctx: AppContext, viewer: Principal): Promise<AlertView[]> {
  // TODO: add cursor pagination; until then a list stops after ALERT_LIST_LIMIT alerts.
  const rows = await listAlertsFor(ctx.db, viewer.accountId, viewer.emailKey, ALERT_LIST_LIMIT);

  return rows.map((row) => toView(row, viewer));
}

/** Returns one alert the principal sent or received; any other alert is not found. */
export async function getAlert(ctx: AppContext, viewer: Principal, alertId: string) {
  const row = await findAlertFor(ctx.db, alertId, viewer.accountId, viewer.emailKey);
  if (row === undefined) throw notFound('Alert');

  return toView(row, viewer);
}

/** Returns the delivery report of an alert to its sender or the secretariat. */
export async function getDeliveryReport(
  ctx: AppContext,
  viewer: Principal,
  alertId: string,
): Promise<DeliveryReport> {
  const alert = await findAlert(ctx.db, alertId);
  const mayRead = viewer.role === 'secretariat' || alert?.sender_account_id === viewer.accountId;
  if (alert === undefined || !mayRead) throw notFound('Alert');

  const rows = await listDeliveries(ctx.db, alertId);
  const recipients = rows.map((row) => ({
    email: row.email,
    state: row.state_code,
    level: row.level,
    status: row.status ?? 'queued',
    attempts: row.attempts ?? 0,
    sentAt: row.sent_at,
    failureReason: row.failure_reason,
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedVia: row.acknowledged_via,
  }));
  const count = (status: string) => recipients.filter((r) => r.status === status).length;

  return {
    alertId,
    counts: {
      recipients: recipients.length,
      queued: count('queued'),
      sent: count('sent'),
      failed: count('failed'),
      acknowledged: recipients.filter((r) => r.acknowledgedAt !== null).length,
    },
    recipients,
  };
}

/** Records a recipient's acknowledgement once and tells the sender on the live stream. */
async function acknowledge(ctx: AppContext, recipient: RecipientRow, via: AcknowledgedVia) {
  const now = ctx.clock.now().toISOString();
  const event = await ctx.db.transaction().execute(async (trx) => {
    const isFirst = await markAcknowledged(trx, recipient.id, now, via);
    if (!isFirst) return null;
    return recordEvent(trx, ctx.database.dialect, ctx.clock, 'acknowledgement', {
      alertId: recipient.alert_id,
      email: recipient.email,
      acknowledgedAt: now,
      via,
    });
  });
  const events: LiveEvent[] = event === null ? [] : [event];
  await publishEvents(ctx, events);
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
  const recipient = await findRecipient(ctx.db, alertId, viewer.emailKey);
  if (recipient === undefined) throw notFound('Alert');

  return acknowledge(ctx, recipient, via);
}

/** Loads the alert behind a personal link and records the first opening. */
export async function openAlertByToken(ctx: AppContext, token: string) {
  const recipient = await findRecipientByTokenHash(ctx.db, hashSecret(token));
  const alert = recipient === undefined ? undefined : await findAlert(ctx.db, recipient.alert_id);
  if (recipient === undefined || alert === undefined) throw notFound('Alert');

  await markOpened(ctx.db, recipient.id, ctx.clock.now().toISOString());

  return { alert, recipient };
}

/** Acknowledges through a personal link. */
export async function acknowledgeByToken(ctx: AppContext, token: string) {
  const recipient = await findRecipientByTokenHash(ctx.db, hashSecret(token));
  if (recipient === undefined) throw notFound('Alert');

  return acknowledge(ctx, recipient, 'link');
}
