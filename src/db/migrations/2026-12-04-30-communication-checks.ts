import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Adds communication checks: a check sent to a set of PoCs, and one row per recipient with the
 * hash of its personal token and the times it was sent, delivered, opened and answered.
 */
export const communicationChecks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('checks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('sender_state', 'text')
      .addColumn('levels', 'text', (c) => c.notNull())
      .addColumn('states', 'text', (c) => c.notNull())
      .addColumn('regions', 'text', (c) => c.notNull())
      .addColumn('window_minutes', 'integer', (c) => c.notNull())
      .addColumn('reminder_minutes', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('closes_at', 'text', (c) => c.notNull())
      .addColumn('final_closes_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('exercise_id', 'text')
      .addColumn('repeat_every_minutes', 'integer')
      .addColumn('next_occurrence_at', 'text')
      .addColumn('repeated_as', 'text')
      .execute();
    await db.schema.createIndex('checks_created_at').on('checks').column('created_at').execute();
    await db.schema
      .createIndex('checks_next_occurrence')
      .on('checks')
      .column('next_occurrence_at')
      .execute();

    await db.schema
      .createTable('check_recipients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('check_id', 'text', (c) => c.notNull().references('checks.id'))
      .addColumn('poc_id', 'text')
      .addColumn('state_code', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('contact_role', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('escalated_from', 'text')
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('delivered_at', 'text')
      .addColumn('delivery_failed_at', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('opened_at', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('answered_via', 'text')
      .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_reminder_at', 'text')
      .addColumn('escalated_at', 'text')
      .execute();
    await db.schema
      .createIndex('check_recipients_check')
      .on('check_recipients')
      .columns(['check_id', 'state_code'])
      .execute();
    await db.schema
      .createIndex('check_recipients_email')
      .on('check_recipients')
      .columns(['check_id', 'email_key'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists check_recipients`.execute(db);
    await sql`drop table if exists checks`.execute(db);
  },
};
