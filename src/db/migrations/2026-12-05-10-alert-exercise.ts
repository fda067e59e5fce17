import type { Kysely, Migration } from 'kysely';

/**
 * Names the exercise an exercise alert belongs to, so a delivery or acknowledgement of that
 * alert can be reported on the exercise's live timeline. Real alerts keep null.
 */
export const alertExercise: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('alerts').addColumn('exercise_id', 'text').execute();
  },
};
