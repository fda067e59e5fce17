import { sql, type Kysely } from 'kysely';

import type { DialectName } from '../db/database.ts';
import type { Tables } from '../db/schema.ts';

/** Settings key of the highest event id the prune job deleted. */
export const PRUNED_THROUGH_KEY = 'events.pruned_through';

// Any fixed number works; it only has to differ from other advisory locks of this database.
const EVENT_ORDER_LOCK = 7_120_401;

/**
 * Inserts an event row inside the caller's transaction and returns its id. On PostgreSQL a
 * transaction-scoped advisory lock makes concurrent writers commit events in id order, so a reader
 * that has seen id n never later finds a new row below n. SQLite writes one transaction at a time.
 */
export async function insertEvent(
  trx: Kysely<Tables>,
  dialect: DialectName,
  event: { kind: string; payload: string; createdAt: string },
): Promise<number> {
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`.execute(trx);
  const row = await trx
    .insertInto('events')
    .values({ kind: event.kind, payload: event.payload, created_at: event.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();

  return row.id;
}

/** Lists events after an id, oldest first. */
export function listEventsAfter(db: Kysely<Tables>, afterId: number, limit: number) {
  return db
    .selectFrom('events')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Finds a stored event by id. A pruned event is not found. */
export function findEvent(db: Kysely<Tables>, id: number) {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Returns the highest event id, or 0 when there is none. */
export async function findLastEventId(db: Kysely<Tables>): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('last'))
    .executeTakeFirst();

  return row?.last ?? 0;
}

/** Returns the highest event id deleted by pruning, or 0. */
export async function findPrunedThrough(db: Kysely<Tables>): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', PRUNED_THROUGH_KEY)
    .executeTakeFirst();

  return row === undefined ? 0 : Number(row.value);
}

/** Deletes events up to `throughId` and records that id as the new replay limit. */
export async function deleteEventsThrough(db: Kysely<Tables>, throughId: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom('events').where('id', '<=', throughId).executeTakeFirst();
    await trx
      .insertInto('settings')
      .values({ key: PRUNED_THROUGH_KEY, value: String(throughId) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(throughId) }))
      .execute();

    return Number(deleted.numDeletedRows);
  });
}

/** Returns the highest id among events created before `before`, or 0. */
export async function findLastEventIdBefore(db: Kysely<Tables>, before: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('last'))
    .where('created_at', '<', before)
    .executeTakeFirst();

  return row?.last ?? 0;
}
