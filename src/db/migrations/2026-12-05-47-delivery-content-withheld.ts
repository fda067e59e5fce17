import type { Kysely, Migration } from 'kysely';

/**
 * Marks an alert mail delivery that went out as a notice without the alert's content, because
 * the recipient's OpenPGP key could not be used for a TLP:AMBER or stricter alert (1) or not (0).
 */
export const deliveryContentWithheld: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('alert_deliveries')
      .addColumn('content_withheld', 'integer', (col) => col.notNull().defaultTo(0))
      .execute();
  },
};
