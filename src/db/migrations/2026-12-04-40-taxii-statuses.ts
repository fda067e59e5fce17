import type { Kysely, Migration } from 'kysely';

/**
 * Adds TAXII status resources: the outcome of each TAXII POST, kept so that the client that
 * posted (or the secretariat) can read it later at `/status/{id}/`.
 */
export const taxiiStatuses: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('taxii_statuses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('api_root', 'text', (c) => c.notNull())
      .addColumn('collection_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('request_timestamp', 'text', (c) => c.notNull())
      .addColumn('total_count', 'integer', (c) => c.notNull())
      .addColumn('success_count', 'integer', (c) => c.notNull())
      .addColumn('failure_count', 'integer', (c) => c.notNull())
      .addColumn('pending_count', 'integer', (c) => c.notNull())
      .addColumn('successes', 'text', (c) => c.notNull())
      .addColumn('failures', 'text', (c) => c.notNull())
      .addColumn('pendings', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('taxii_statuses_account')
      .on('taxii_statuses')
      .column('account_id')
      .execute();
  },
};
