import type { Insertable, Kysely } from 'kysely';

import { deliveredAlertColumns } from '../alerts/alerts.queries.ts';
import type { Tables, WebhookDeliveriesTable, WebhooksTable } from '../db/schema.ts';

/** Inserts a webhook endpoint. */
export async function insertWebhook(db: Kysely<Tables>, row: Insertable<WebhooksTable>) {
  await db.insertInto('webhooks').values(row).execute();
}

/** Lists the endpoints of one owner, or of every owner when `owner` is null. */
export function listWebhooks(
  db: Kysely<Tables>,
  owner: { kind: 'state' | 'organisation'; id: string } | null,
) {
  let query = db.selectFrom('webhooks').selectAll();
  if (owner !== null)
    query = query.where('owner_kind', '=', owner.kind).where('owner', '=', owner.id);

  return query.orderBy('created_at').orderBy('id').execute();
}

/** Finds one endpoint by id. */
export function findWebhook(db: Kysely<Tables>, id: string) {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes one endpoint; its past deliveries stay. */
export async function deleteWebhook(db: Kysely<Tables>, id: string) {
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
}

/** Sets the active flag of one endpoint. */
export async function setWebhookActive(db: Kysely<Tables>, id: string, isActive: boolean) {
  await db
    .updateTable('webhooks')
    .set({ is_active: isActive ? 1 : 0 })
    .where('id', '=', id)
    .execute();
}

/** Lists the active endpoints of some states and organisations. */
export function listActiveWebhooks(db: Kysely<Tables>, states: string[], orgIds: string[]) {
  if (states.length === 0 && orgIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('is_active', '=', 1)
    .where((eb) =>
      eb.or([
        ...(states.length === 0
          ? []
          : [eb.and([eb('owner_kind', '=', 'state'), eb('owner', 'in', states)])]),
        ...(orgIds.length === 0
          ? []
          : [eb.and([eb('owner_kind', '=', 'organisation'), eb('owner', 'in', orgIds)])]),
      ]),
    )
    .orderBy('id')
    .execute();
}

/** Inserts webhook deliveries, skipping an alert and endpoint pair that exists. */
export async function insertWebhookDeliveries(
  db: Kysely<Tables>,
  rows: Insertable<WebhookDeliveriesTable>[],
) {
  if (rows.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['alert_id', 'webhook_id']).doNothing())
    .execute();
}

/** Finds what a webhook job needs: the delivery, its endpoint (if still there) and the alert. */
export function findWebhookTarget(db: Kysely<Tables>, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('alerts as a', 'a.id', 'd.alert_id')
    .leftJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select([
      'd.id as deliveryId',
      'd.status',
      'd.url',
      'd.webhook_id',
      'd.owner_kind',
      'd.owner',
      'w.secret',
      'w.is_active',
      ...deliveredAlertColumns,
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/** Updates a webhook delivery after an attempt. */
export async function updateWebhookDelivery(
  db: Kysely<Tables>,
  id: string,
  values: Partial<
    Pick<
      WebhookDeliveriesTable,
      'status' | 'response_status' | 'failure_reason' | 'sent_at' | 'delivered_at' | 'failed_at'
    >
  >,
  countAttempt: boolean,
) {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ ...values, ...(countAttempt ? { attempts: eb('attempts', '+', 1) } : {}) }))
    .where('id', '=', id)
    .execute();
}

/** Lists the webhook deliveries of an alert. */
export function listWebhookDeliveries(db: Kysely<Tables>, alertId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('alert_id', '=', alertId)
    .orderBy('owner_kind')
    .orderBy('owner')
    .orderBy('url')
    .execute();
}
