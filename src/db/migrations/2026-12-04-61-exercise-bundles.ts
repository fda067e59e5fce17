import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Adds request and STIX bundle injects: an inject may carry a TLP and a bundle, a request names
 * the inject that released it, and a released bundle's objects go to their own table, which no
 * real feed, list or export reads.
 */
export const exerciseBundles: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('exercise_injects').addColumn('tlp', 'text').execute();
    await db.schema.alterTable('exercise_injects').addColumn('bundle', 'text').execute();
    await db.schema.alterTable('requests').addColumn('exercise_inject_id', 'text').execute();
    await db.schema
      .createIndex('requests_exercise_inject')
      .on('requests')
      .column('exercise_inject_id')
      .execute();
    await db.schema
      .createTable('exercise_objects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('exercise_id', 'text', (c) => c.notNull().references('exercises.id'))
      .addColumn('inject_id', 'text', (c) => c.notNull().references('exercise_injects.id'))
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('tlp', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('released_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('exercise_objects_version', ['inject_id', 'object_id', 'version'])
      .execute();
    await db.schema
      .createIndex('exercise_objects_exercise')
      .on('exercise_objects')
      .columns(['exercise_id', 'released_at'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists exercise_objects`.execute(db);
    await db.schema.dropIndex('requests_exercise_inject').execute();
    await sql`alter table requests drop column exercise_inject_id`.execute(db);
    await sql`alter table exercise_injects drop column bundle`.execute(db);
    await sql`alter table exercise_injects drop column tlp`.execute(db);
  },
};
