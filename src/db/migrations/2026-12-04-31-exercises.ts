import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Adds exercises: a scenario with participants and timed injects. Each released inject points
 * at the check, alert or mail it produced, so exercise traffic can be told apart from real work.
 */
export const exercises: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('exercises')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('scenario', 'text', (c) => c.notNull())
      .addColumn('states', 'text', (c) => c.notNull())
      .addColumn('levels', 'text', (c) => c.notNull())
      .addColumn('partner_org_ids', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('controller_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('ended_at', 'text')
      .execute();

    await db.schema
      .createTable('exercise_injects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('exercise_id', 'text', (c) => c.notNull().references('exercises.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('offset_minutes', 'integer', (c) => c.notNull())
      .addColumn('window_minutes', 'integer', (c) => c.notNull())
      .addColumn('released_at', 'text')
      .addColumn('released_by', 'text')
      .addColumn('target_id', 'text')
      .execute();
    await db.schema
      .createIndex('exercise_injects_exercise')
      .on('exercise_injects')
      .column('exercise_id')
      .execute();
    await db.schema.createIndex('checks_exercise').on('checks').column('exercise_id').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('checks_exercise').execute();
    await sql`drop table if exists exercise_injects`.execute(db);
    await sql`drop table if exists exercises`.execute(db);
  },
};
