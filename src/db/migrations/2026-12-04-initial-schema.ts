import { sql, type Kysely, type Migration } from 'kysely';

import type { DialectName } from '../database.ts';
import { unStates } from '../../states/un-states.ts';

/** Creates every table of the first release and seeds the UN member and observer states. */
export function initialSchema(dialect: DialectName): Migration {
  // An auto-incrementing integer key: `integer ... autoincrement` on SQLite, identity on PostgreSQL.
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const serialKey = (db: Kysely<unknown>, table: string, column: string) =>
    db.schema
      .createTable(table)
      .addColumn(column, serial, (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      );

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('states')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('alpha3', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('un_status', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .execute();

      await db.schema
        .createTable('organisations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('clearance', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('state_code', 'text', (c) => c.references('states.code'))
        .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
        .addColumn('password_hash', 'text')
        .addColumn('suspended_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('pocs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('state_code', 'text', (c) => c.notNull().references('states.code'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('designation', 'text', (c) => c.notNull())
        .addColumn('organisation', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('updated_by', 'text')
        .execute();
      await db.schema
        .createIndex('pocs_state')
        .on('pocs')
        .columns(['state_code', 'level'])
        .execute();
      await db.schema.createIndex('pocs_email_key').on('pocs').column('email_key').execute();

      await serialKey(db, 'poc_history', 'seq')
        .addColumn('poc_id', 'text', (c) => c.notNull())
        .addColumn('state_code', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('poc_history_poc').on('poc_history').column('poc_id').execute();

      await serialKey(db, 'stix_objects', 'seq')
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('spec_version', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('version_key', 'text', (c) => c.notNull())
        .addColumn('date_added', 'text', (c) => c.notNull())
        .addColumn('tlp', 'text', (c) => c.notNull())
        .addColumn('pap', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('shared_by', 'text', (c) => c.notNull())
        .addColumn('sharer_state', 'text')
        .addColumn('sharer_org', 'text')
        .addUniqueConstraint('stix_objects_version', ['object_id', 'version_key'])
        .execute();
      await db.schema
        .createIndex('stix_objects_added')
        .on('stix_objects')
        .columns(['date_added', 'seq'])
        .execute();

      await db.schema
        .createTable('stix_object_grants')
        .addColumn('object_seq', 'bigint', (c) =>
          c.notNull().references('stix_objects.seq').onDelete('cascade'),
        )
        .addColumn('grantee_kind', 'text', (c) => c.notNull())
        .addColumn('grantee', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('stix_object_grants_pk', ['object_seq', 'grantee_kind', 'grantee'])
        .execute();
      await db.schema
        .createIndex('stix_object_grants_grantee')
        .on('stix_object_grants')
        .columns(['grantee_kind', 'grantee'])
        .execute();

      await serialKey(db, 'alerts', 'seq')
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('severity', 'integer', (c) => c.notNull())
        .addColumn('tlp', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('object_ids', 'text', (c) => c.notNull())
        .addColumn('sender_account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('sender_state', 'text')
        .addColumn('sender_org', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('alert_recipients')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
        .addColumn('poc_id', 'text')
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('state_code', 'text')
        .addColumn('level', 'text')
        .addColumn('ack_token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('opened_at', 'text')
        .addColumn('acknowledged_at', 'text')
        .addColumn('acknowledged_via', 'text')
        .addUniqueConstraint('alert_recipients_once', ['alert_id', 'email_key'])
        .execute();
      await db.schema
        .createIndex('alert_recipients_email')
        .on('alert_recipients')
        .columns(['email_key', 'alert_id'])
        .execute();

      await db.schema
        .createTable('alert_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('recipient_id', 'text', (c) => c.notNull().references('alert_recipients.id'))
        .addColumn('alert_id', 'text', (c) => c.notNull().references('alerts.id'))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failure_reason', 'text')
        .addColumn('queued_at', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text')
        .addColumn('failed_at', 'text')
        .addUniqueConstraint('alert_deliveries_once', ['recipient_id', 'channel'])
        .execute();
      await db.schema
        .createIndex('alert_deliveries_alert')
        .on('alert_deliveries')
        .column('alert_id')
        .execute();

      await serialKey(db, 'jobs', 'id')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema
        .createIndex('jobs_ready')
        .on('jobs')
        .columns(['status', 'priority', 'run_at'])
        .execute();

      await serialKey(db, 'mail_outbox', 'id')
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('text_body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await serialKey(db, 'events', 'id')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await serialKey(db, 'audit_log', 'seq')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      const rows = unStates.map(([code, alpha3, name, status, region]) => ({
        code,
        alpha3,
        name,
        un_status: status,
        region,
      }));
      await (db as Kysely<{ states: (typeof rows)[number] }>)
        .insertInto('states')
        .values(rows)
        .execute();
    },

    async down(db: Kysely<unknown>) {
      const tables = [
        'settings',
        'audit_log',
        'events',
        'mail_outbox',
        'jobs',
        'alert_deliveries',
        'alert_recipients',
        'alerts',
        'stix_object_grants',
        'stix_objects',
        'poc_history',
        'pocs',
        'sessions',
        'api_tokens',
        'accounts',
        'organisations',
        'states',
      ];
      for (const table of tables) await sql`drop table if exists ${sql.table(table)}`.execute(db);
    },
  };
}
