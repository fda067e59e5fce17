import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type {
  AlertDeliveriesTable,
  AlertRecipientsTable,
  AlertsTable,
  PocsTable,
  Tables,
} from '../db/schema.ts';
import { afterKeyset, type KeysetKey, type KeysetValues } from '../shared/keyset.ts';
import { withinClearance } from '../sharing/access.ts';
import type { AlertSort } from './alerts.schema.ts';

/** A stored alert row. */
export type AlertRow = Selectable<AlertsTable>;

/** A stored recipient row. */
export type RecipientRow = Selectable<AlertRecipientsTable>;

// Rows per INSERT, well below SQLite's limit of bound parameters per statement.
const INSERT_CHUNK = 400;

/** Filter of the PoCs an alert reaches: all, those of some states, or those with some e-mails. */
export type PocFilter =
  { kind: 'all' } | { kind: 'states'; states: string[] } | { kind: 'emails'; emailKeys: string[] };

/**
 * Lists the PoCs matching a filter and, when `levels` is not empty, those levels, in a stable
 * order (state, level, name, id).
 */
export function listPocsFor(db: Kysely<Tables>, filter: PocFilter, levels: readonly string[] = []) {
  let query = db.selectFrom('pocs').selectAll();
  if (filter.kind === 'states') query = query.where('state_code', 'in', filter.states);
  if (filter.kind === 'emails') query = query.where('email_key', 'in', filter.emailKeys);
  if (levels.length > 0) query = query.where('level', 'in', levels);

  return query.orderBy('state_code').orderBy('level').orderBy('name').orderBy('id').execute();
}

/** Returns the state codes among `codes` that exist. */
export async function listKnownStates(db: Kysely<Tables>, codes: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('states').select('code').where('code', 'in', codes).execute();

  return new Set(rows.map((row) => row.code));
}

/** Inserts an alert (unless null, for recipients added later) with recipients and deliveries. */
export async function insertAlert(
  trx: Kysely<Tables>,
  alert: Insertable<AlertsTable> | null,
  recipients: Insertable<AlertRecipientsTable>[],
  deliveries: Insertable<AlertDeliveriesTable>[],
): Promise<void> {
  if (alert !== null) await trx.insertInto('alerts').values(alert).execute();
  for (let i = 0; i < recipients.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('alert_recipients')
      .values(recipients.slice(i, i + INSERT_CHUNK))
      .execute();
  }
  for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('alert_deliveries')
      .values(deliveries.slice(i, i + INSERT_CHUNK))
      .execute();
  }
}

/**
 * Selects the alerts the viewer sent or received. A partner account never reads above its
 * organisation's clearance, whichever way a recipient row came to match its e-mail.
 */
function alertsVisibleTo(db: Kysely<Tables>, viewer: Principal) {
  const query = db
    .selectFrom('alerts')
    .leftJoin('alert_recipients as r', (join) =>
      join.onRef('r.alert_id', '=', 'alerts.id').on('r.email_key', '=', viewer.emailKey),
    )
    .selectAll('alerts')
    .select('r.acknowledged_at')
    .where((eb) =>
      eb.or([eb('alerts.sender_account_id', '=', viewer.accountId), eb('r.id', 'is not', null)]),
    );
  if (viewer.role !== 'partner') return query;

  return query.where(() => withinClearance(viewer.organisationId, sql.ref('alerts.tlp')));
}

/** Returns the keys of an order of the alert list; `seq` is unique, so it settles every tie. */
export function alertSortKeys(sort: AlertSort): KeysetKey[] {
  const direction = sort.startsWith('-') ? 'desc' : 'asc';
  if (sort === 'severity' || sort === '-severity') {
    return [
      { expression: sql.ref<number>('alerts.severity'), direction, kind: 'integer' },
      { expression: sql.ref<string>('alerts.created_at'), direction: 'desc', kind: 'timestamp' },
      { expression: sql.ref<number>('alerts.seq'), direction: 'desc', kind: 'integer' },
    ];
  }

  return [
    { expression: sql.ref<string>('alerts.created_at'), direction, kind: 'timestamp' },
    { expression: sql.ref<number>('alerts.seq'), direction, kind: 'integer' },
  ];
}

/** Returns the values of an alert row for the keys of `alertSortKeys(sort)`. */
export function alertSortValues(row: AlertRow, sort: AlertSort): KeysetValues {
  return sort === 'severity' || sort === '-severity'
    ? [row.severity, row.created_at, row.seq]
    : [row.created_at, row.seq];
}

/**
 * Lists up to `limit` alerts an account sent or received in one of four orders, starting after
 * the row whose sort values are `after`. Severity is an integer column, so its order is numeric;
 * ties go newest first, and `seq` breaks equal times.
 */
export function listAlertsFor(
  db: Kysely<Tables>,
  viewer: Principal,
  options: { limit: number; sort: AlertSort; after: KeysetValues | null },
) {
  const keys = alertSortKeys(options.sort);
  let query = alertsVisibleTo(db, viewer);
  const after = options.after;
  if (after !== null) query = query.where((eb) => afterKeyset(eb, keys, after));
  for (const key of keys) query = query.orderBy(key.expression, key.direction);

  return query.limit(options.limit).execute();
}

/** Returns the ids among `pocIds` whose entry has an OpenPGP public key. */
export async function listPocIdsWithKey(db: Kysely<Tables>, pocIds: string[]) {
  const found = new Set<string>();
  for (let i = 0; i < pocIds.length; i += INSERT_CHUNK) {
    const rows = await db
      .selectFrom('pocs')
      .select('id')
      .where('id', 'in', pocIds.slice(i, i + INSERT_CHUNK))
      .where('pgp_key', 'is not', null)
      .where('pgp_key', '!=', '')
      .execute();
    for (const row of rows) found.add(row.id);
  }

  return found;
}

/**
 * Inserts deliveries, skipping a recipient and channel pair that exists, and returns the number
 * of rows inserted.
 */
export async function insertDeliveries(
  trx: Kysely<Tables>,
  deliveries: Insertable<AlertDeliveriesTable>[],
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
    const result = await trx
      .insertInto('alert_deliveries')
      .values(deliveries.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.columns(['recipient_id', 'channel']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  return inserted;
}

/** Finds one alert the viewer sent or received, within a partner's clearance. */
export function findAlertFor(db: Kysely<Tables>, alertId: string, viewer: Principal) {
  return alertsVisibleTo(db, viewer).where('alerts.id', '=', alertId).executeTakeFirst();
}

/** Finds an alert by id. */
export function findAlert(db: Kysely<Tables>, alertId: string) {
  return db.selectFrom('alerts').selectAll().where('id', '=', alertId).executeTakeFirst();
}

/** Finds the recipient row of an alert for one normalised e-mail. */
export function findRecipient(db: Kysely<Tables>, alertId: string, emailKey: string) {
  return db
    .selectFrom('alert_recipients')
    .selectAll()
    .where('alert_id', '=', alertId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
}

/** Finds the recipient row that owns an acknowledgement token hash, first mail or reminder. */
export function findRecipientByTokenHash(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('alert_recipients')
    .selectAll()
    .where((eb) =>
      eb.or([eb('ack_token_hash', '=', tokenHash), eb('reminder_token_hash', '=', tokenHash)]),
    )
    .executeTakeFirst();
}

/**
 * Returns true when any mail to a recipient went out as a notice without the alert's content, so
 * its acknowledgement link travelled in clear text next to no content.
 */
export async function hasWithheldDelivery(db: Kysely<Tables>, recipientId: string) {
  const row = await db
    .selectFrom('alert_deliveries')
    .select('id')
    .where('recipient_id', '=', recipientId)
    .where('content_withheld', '=', 1)
    // A withheld delivery that failed sent nothing, so no link went out with it.
    .where('status', '=', 'delivered')
    .executeTakeFirst();

  return row !== undefined;
}

/** Records the first opening of the acknowledgement page; later openings keep the first time. */
export async function markOpened(db: Kysely<Tables>, recipientId: string, now: string) {
  await db
    .updateTable('alert_recipients')
    .set({ opened_at: now })
    .where('id', '=', recipientId)
    .where('opened_at', 'is', null)
    .execute();
}

/**
 * Records the first acknowledgement, and the opening too when none was seen (an acknowledgement
 * by API or link implies the alert was read); returns false when it was acknowledged before.
 */
export async function markAcknowledged(
  db: Kysely<Tables>,
  recipientId: string,
  now: string,
  via: string,
): Promise<boolean> {
  const result = await db
    .updateTable('alert_recipients')
    .set((eb) => ({
      acknowledged_at: now,
      acknowledged_via: via,
      opened_at: eb.fn.coalesce('opened_at', eb.val(now)),
    }))
    .where('id', '=', recipientId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Lists an alert's recipients in a stable order (state, level, e-mail). */
export function listRecipients(db: Kysely<Tables>, alertId: string) {
  return db
    .selectFrom('alert_recipients')
    .selectAll()
    .where('alert_id', '=', alertId)
    .orderBy('state_code')
    .orderBy('level')
    .orderBy('email_key')
    .execute();
}

/** Lists every channel delivery of an alert. */
export function listChannelDeliveries(db: Kysely<Tables>, alertId: string) {
  return db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('alert_id', '=', alertId)
    .orderBy('queued_at')
    .orderBy('channel')
    .execute();
}

/**
 * Columns of an alert joined as `a` that mail and webhook deliveries carry: its content, sender
 * state, time, exercise mark and response deadline.
 */
export const deliveredAlertColumns = [
  'a.id as alertId',
  'a.title',
  'a.severity',
  'a.tlp',
  'a.body',
  'a.object_ids',
  'a.sender_state',
  'a.created_at',
  'a.exercise',
  'a.response_due_at',
] as const;

/** Finds what the mail job needs: the recipient, its alert and its delivery on one channel. */
export function findMailTarget(db: Kysely<Tables>, recipientId: string, channel: string) {
  return db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .innerJoin('alert_deliveries as d', (join) =>
      join.onRef('d.recipient_id', '=', 'r.id').on('d.channel', '=', channel),
    )
    .leftJoin('pocs as p', 'p.id', 'r.poc_id')
    .select([
      'r.email',
      'r.email_key',
      'r.acknowledged_at',
      ...deliveredAlertColumns,
      'a.sender_account_id',
      'a.exercise_id',
      'r.state_code',
      'r.level',
      'r.organisation_id',
      'd.id as deliveryId',
      'd.status',
      'd.message_id',
      'p.pgp_key',
    ])
    .where('r.id', '=', recipientId)
    .executeTakeFirst();
}

/** Records that a delivery was handed to its transport (the SMTP server or the outbox). */
export async function markDeliverySending(db: Kysely<Tables>, deliveryId: string, now: string) {
  await db
    .updateTable('alert_deliveries')
    .set({ status: 'sent', sent_at: now })
    .where('id', '=', deliveryId)
    .where('status', 'in', ['queued', 'sent'])
    .execute();
}

/**
 * Records an accepted delivery: the mail server took the message. `note` keeps a degradation,
 * such as a mail sent unencrypted because the OpenPGP key was unusable. `contentWithheld` marks
 * a notice that went out without the alert's content.
 */
export async function markDeliverySent(
  db: Kysely<Tables>,
  deliveryId: string,
  now: string,
  note: string | null = null,
  contentWithheld = false,
) {
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      status: 'delivered',
      delivered_at: now,
      failure_reason: note,
      content_withheld: contentWithheld ? 1 : 0,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', deliveryId)
    .execute();
}

/**
 * Records a delivery that ends without a send because its recipient may no longer read the
 * alert: failed for good, with the content withheld and the reason. No attempt is counted.
 */
export async function markDeliveryWithheld(
  db: Kysely<Tables>,
  deliveryId: string,
  now: string,
  reason: string,
) {
  await db
    .updateTable('alert_deliveries')
    .set({ status: 'failed', failed_at: now, failure_reason: reason, content_withheld: 1 })
    .where('id', '=', deliveryId)
    .where('status', 'in', ['queued', 'sent'])
    .execute();
}

/** Records a failed attempt; `failedAt` set marks the delivery failed for good. */
export async function markDeliveryAttemptFailed(
  db: Kysely<Tables>,
  deliveryId: string,
  reason: string,
  failedAt: string | null,
) {
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      failure_reason: reason,
      // A delivery waiting for its retry is queued again; `failedAt` ends it as failed.
      ...(failedAt === null
        ? { status: 'queued' as const }
        : { status: 'failed' as const, failed_at: failedAt }),
    }))
    .where('id', '=', deliveryId)
    .execute();
}

/** Returns the account id of an alert's sender, or null for an unknown alert. */
export async function findAlertSender(db: Kysely<Tables>, alertId: string) {
  const row = await db
    .selectFrom('alerts')
    .select('sender_account_id')
    .where('id', '=', alertId)
    .executeTakeFirst();

  return row?.sender_account_id ?? null;
}

/** Returns who may see an alert's live events: its sender and its recipients' e-mail keys. */
export async function findAlertAudience(
  db: Kysely<Tables>,
  alertId: string,
  escalatedFrom: string | null = null,
) {
  const alert = await db
    .selectFrom('alerts')
    .select('sender_account_id')
    .where('id', '=', alertId)
    .executeTakeFirst();
  if (alert === undefined) return null;
  let recipients = db
    .selectFrom('alert_recipients')
    .select('email_key')
    .where('alert_id', '=', alertId);
  if (escalatedFrom !== null) recipients = recipients.where('escalated_from', '=', escalatedFrom);
  const rows = await recipients.execute();

  return {
    // The alternates added by an escalation are new; the sender has followed the alert all along.
    senderAccountId: escalatedFrom === null ? alert.sender_account_id : null,
    recipientEmailKeys: new Set(rows.map((row) => row.email_key)),
  };
}

/** A PoC row as listed for recipient selection. */
export type PocRow = Selectable<PocsTable>;
