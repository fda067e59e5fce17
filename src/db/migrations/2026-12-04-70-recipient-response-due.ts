import type { Kysely, Migration } from 'kysely';

/**
 * Adds a response deadline per alert recipient. An alternate PoC added by an escalation gets the
 * alert's response time counted from when it was added; the other recipients keep null and use
 * the alert's own deadline.
 */
export const recipientResponseDue: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('alert_recipients').addColumn('response_due_at', 'text').execute();
  },
};
