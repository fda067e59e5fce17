import type { Kysely, Migration } from 'kysely';

/**
 * Adds the moderation queue: bundles that partner organisations submit, held unshared until a
 * member of the owning community approves or rejects them with a reason.
 */
export const moderation: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('moderation_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('submitted_by', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
      .addColumn('bundle', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('object_count', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('decided_by', 'text', (c) => c.references('accounts.id'))
      .addColumn('decided_at', 'text')
      .addColumn('result', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('moderation_items_status')
      .on('moderation_items')
      .columns(['status', 'created_at'])
      .execute();
  },
};
