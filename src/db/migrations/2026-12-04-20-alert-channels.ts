import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Adds what alert delivery over several channels needs: the exercise flag and response deadline
 * of an alert, reminder and escalation state and partner recipients, delivered times per
 * channel, webhook endpoints of states and partner organisations, and one webhook delivery per
 * alert and endpoint.
 */
export const alertChannels: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('alerts')
      .addColumn('exercise', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('alerts').addColumn('response_minutes', 'integer').execute();
    await db.schema.alterTable('alerts').addColumn('response_due_at', 'text').execute();
    await db.schema
      .createIndex('alerts_response_due')
      .on('alerts')
      .column('response_due_at')
      .execute();

    for (const column of [
      'organisation_id',
      'contact_role',
      'reminder_token_hash',
      'reminded_at',
      'escalated_at',
      'escalated_from',
    ]) {
      await db.schema.alterTable('alert_recipients').addColumn(column, 'text').execute();
    }
    await db.schema
      .createIndex('alert_recipients_reminder_token')
      .on('alert_recipients')
      .column('reminder_token_hash')
      .execute();

    await db.schema.alterTable('alert_deliveries').addColumn('delivered_at', 'text').execute();
    await db.schema.alterTable('alert_deliveries').addColumn('message_id', 'text').execute();

    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_kind', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhooks_owner')
      .on('webhooks')
      .columns(['owner_kind', 'owner'])
      .execute();

    // No foreign key to webhooks: a removed endpoint keeps its delivery history.
    await db.schema
      .createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('owner_kind', 'text', (c) => c.notNull())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('response_status', 'integer')
      .addColumn('failure_reason', 'text')
      .addColumn('queued_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('failed_at', 'text')
      .addUniqueConstraint('webhook_deliveries_once', ['alert_id', 'webhook_id'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists webhook_deliveries`.execute(db);
    await sql`drop table if exists webhooks`.execute(db);
  },
};
