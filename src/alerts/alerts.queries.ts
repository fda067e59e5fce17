import type { Insertable, Kysely, Selectable } from 'kysely';

import type {
  AlertDeliveriesTable,
  AlertRecipientsTable,
  AlertsTable,
  PocsTable,
  Tables,
} from '../db/schema.ts';

/** A stored alert row. */
export type AlertRow = Selectable<AlertsTable>;

/** A stored recipient row. */
export type RecipientRow = Selectable<AlertRecipientsTable>;

// Rows per INSERT, well below SQLite's limit of bound parameters per statement.
const INSERT_CHUNK = 400;

/** Which PoCs an alert reaches: all of them, those of some states, or those with some e-mails. */
export type PocFilter =
  { kind: 'all' } | { kind: 'states'; states: string[] } | { kind: 'emails'; emailKeys: string[] };

/** Lists the PoCs matching a filter, in a stable order (state, level, name, id). */
export function listPocsFor(db: Kysely<Tables>, filter: PocFilter) {
  let query = db.selectFrom('pocs').selectAll();
  if (filter.kind === 'states') query = query.where('state_code', 'in', filter.states);
  if (filter.kind === 'emails') query = query.where('email_key', 'in', filter.emailKeys);

  return query.orderBy('state_code').orderBy('level').orderBy('name').orderBy('id').execute();
}

/** Returns the state codes among `codes` that exist. */
export async function listKnownStates(db: Kysely<Tables>, codes: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('states').select('code').where('code', 'in', codes).execute();

  return new Set(rows.map((row) => row.code));
}

/** Inserts an alert with its recipients and their deliveries. */
export async function insertAlert(
  trx: Kysely<Tables>,
  alert: Insertable<AlertsTable>,
  recipients: Insertable<AlertRecipientsTable>[],
  deliveries: Insertable<AlertDeliveriesTable>[],
): Promise<void> {
  await trx.insertInto('alerts').values(alert).execute();
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

function alertsVisibleTo(db: Kysely<Tables>, accountId: string, emailKey: string) {
  return db
    .selectFrom('alerts')
    .leftJoin('alert_recipients as r', (join) =>
      join.onRef('r.alert_id', '=', 'alerts.id').on('r.email_key', '=', emailKey),
    )
    .selectAll('alerts')
    .select('r.acknowledged_at')
    .where((eb) =>
      eb.or([eb('alerts.sender_account_id', '=', accountId), eb('r.id', 'is not', null)]),
    );
}

/**
 * Lists the alerts an account sent or received, by severity (highest first), then newest first.
 * Severity is an integer column, so the order is numeric.
 */
export function listAlertsFor(
  db: Kysely<Tables>,
  accountId: string,
  emailKey: string,
  limit: number,
) {
  return alertsVisibleTo(db, accountId, emailKey)
    .orderBy('alerts.severity', 'desc')
    .orderBy('alerts.created_at', 'desc')
    .orderBy('alerts.seq', 'desc')
    .limit(limit)
    .execute();
}

/** Finds one alert the account sent or received. */
export function findAlertFor(
  db: Kysely<Tables>,
  alertId: string,
  accountId: string,
  emailKey: string,
) {
  return alertsVisibleTo(db, accountId, emailKey)
    .where('alerts.id', '=', alertId)
    .executeTakeFirst();
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

/** Finds the recipient row that owns an acknowledgement token hash. */
export function findRecipientByTokenHash(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('alert_recipients')
    .selectAll()
    .where('ack_token_hash', '=', tokenHash)
    .executeTakeFirst();
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

/** Records the first acknowledgement; returns false when the recipient had acknowledged before. */
export async function markAcknowledged(
  db: Kysely<Tables>,
  recipientId: string,
  now: string,
  via: string,
): Promise<boolean> {
  const result = await db
    .updateTable('alert_recipients')
    .set({ acknowledged_at: now, acknowledged_via: via })
    .where('id', '=', recipientId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Lists an alert's recipients with their e-mail delivery, in a stable order. */
export function listDeliveries(db: Kysely<Tables>, alertId: string) {
  return db
    .selectFrom('alert_recipients as r')
    .leftJoin('alert_deliveries as d', (join) =>
      join.onRef('d.recipient_id', '=', 'r.id').on('d.channel', '=', 'email'),
    )
    .select([
      'r.email',
      'r.state_code',
      'r.level',
      'r.opened_at',
      'r.acknowledged_at',
      'r.acknowledged_via',
      'd.status',
      'd.attempts',
      'd.sent_at',
      'd.failure_reason',
    ])
    .where('r.alert_id', '=', alertId)
    .orderBy('r.state_code')
    .orderBy('r.level')
    .orderBy('r.email_key')
    .execute();
}

/** Finds what the mail job needs: the recipient, its alert and its e-mail delivery. */
export function findMailTarget(db: Kysely<Tables>, recipientId: string) {
  return db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .innerJoin('alert_deliveries as d', (join) =>
      join.onRef('d.recipient_id', '=', 'r.id').on('d.channel', '=', 'email'),
    )
    .select([
      'r.email',
      'a.id as alertId',
      'a.title',
      'a.severity',
      'a.tlp',
      'a.body',
      'a.object_ids',
      'a.sender_state',
      'a.created_at',
      'd.id as deliveryId',
      'd.status',
    ])
    .where('r.id', '=', recipientId)
    .executeTakeFirst();
}

/** Records an accepted delivery. */
export async function markDeliverySent(db: Kysely<Tables>, deliveryId: string, now: string) {
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      status: 'sent',
      sent_at: now,
      failure_reason: null,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', deliveryId)
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
      ...(failedAt === null ? {} : { status: 'failed' as const, failed_at: failedAt }),
    }))
    .where('id', '=', deliveryId)
    .execute();
}

/** Returns who may see an alert's live events: its sender and its recipients' e-mail keys. */
export async function findAlertAudience(db: Kysely<Tables>, alertId: string) {
  const alert = await db
    .selectFrom('alerts')
    .select('sender_account_id')
    .where('id', '=', alertId)
    .executeTakeFirst();
  if (alert === undefined) return null;
  const recipients = await db
    .selectFrom('alert_recipients')
    .select('email_key')
    .where('alert_id', '=', alertId)
    .execute();

  return {
    senderAccountId: alert.sender_account_id,
    recipientEmailKeys: new Set(recipients.map((row) => row.email_key)),
  };
}

/** A PoC row as listed for recipient selection. */
export type PocRow = Selectable<PocsTable>;
