import type { Kysely, Migration } from 'kysely';

/**
 * Adds the severity (0 Baseline to 5 Emergency), the incident taxonomy class and the requested
 * response time of each shared STIX version, so that lists sort by severity numerically.
 */
export const stixSeverity: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('stix_objects')
      .addColumn('severity', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('stix_objects').addColumn('kind', 'text').execute();
    await db.schema.alterTable('stix_objects').addColumn('respond_by', 'text').execute();
  },
};
