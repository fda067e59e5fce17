import { sql, type Kysely, type Migration } from 'kysely';

import type { DialectName } from '../database.ts';

/**
 * Adds structured requests between states: each message with its server-made reference, the
 * sender's details copied at send time, and one recipient row per addressed PoC.
 */
export function stateRequests(dialect: DialectName): Migration {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('requests')
        .addColumn('seq', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('thread_id', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('sector', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('requested_action', 'text', (c) => c.notNull())
        .addColumn('severity', 'integer', (c) => c.notNull())
        .addColumn('tlp', 'text', (c) => c.notNull())
        .addColumn('exercise', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('response_due_at', 'text')
        .addColumn('sender_account_id', 'text', (c) => c.notNull())
        .addColumn('sender_name', 'text', (c) => c.notNull())
        .addColumn('sender_organisation', 'text', (c) => c.notNull())
        .addColumn('sender_email', 'text', (c) => c.notNull())
        .addColumn('sender_email_key', 'text', (c) => c.notNull())
        .addColumn('sender_state', 'text', (c) => c.notNull())
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('to_levels', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('acknowledged_at', 'text')
        .addColumn('acknowledged_by', 'text')
        .addColumn('answered_at', 'text')
        .execute();
      await db.schema.createIndex('requests_thread').on('requests').column('thread_id').execute();
      await db.schema
        .createIndex('requests_sender')
        .on('requests')
        .column('sender_account_id')
        .execute();

      await db.schema
        .createTable('request_recipients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request_id', 'text', (c) => c.notNull().references('requests.id'))
        .addColumn('poc_id', 'text')
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('state_code', 'text')
        .addColumn('level', 'text')
        .addColumn('mail_status', 'text', (c) => c.notNull())
        .addColumn('mailed_at', 'text')
        .addColumn('failure_reason', 'text')
        .addColumn('opened_at', 'text')
        .addUniqueConstraint('request_recipients_once', ['request_id', 'email_key'])
        .execute();
      await db.schema
        .createIndex('request_recipients_email')
        .on('request_recipients')
        .columns(['email_key', 'request_id'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      await sql`drop table if exists request_recipients`.execute(db);
      await sql`drop table if exists requests`.execute(db);
    },
  };
}
