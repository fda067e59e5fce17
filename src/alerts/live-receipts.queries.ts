import type { Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';

/** Finds the delivery row of one recipient on one channel. */
export function findChannelDelivery(db: Kysely<Tables>, recipientId: string, channel: string) {
  return db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('recipient_id', '=', recipientId)
    .where('channel', '=', channel)
    .executeTakeFirst();
}
