import type { Kysely, Migration } from 'kysely';

/**
 * Adds the version of each PoC entry, which every write to the row increments. It is the entry's
 * `ETag`, and a conditional update or delete (`If-Match`) names the version it read, so an
 * editor never overwrites a change made after that read. Existing entries start at 1.
 */
export const pocVersion: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('pocs')
      .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
      .execute();
  },
};
