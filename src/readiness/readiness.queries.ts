import type { Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';

/** Lists every state with its UN regional group. */
export function listStates(db: Kysely<Tables>) {
  return db.selectFrom('states').select(['code', 'name', 'region']).orderBy('code').execute();
}

/** Lists the directory fields readiness depends on, for all states or one. */
export function listPocFacts(db: Kysely<Tables>, stateCode?: string) {
  let query = db
    .selectFrom('pocs')
    .select(['state_code', 'level', 'contact_role', 'last_confirmed_at']);
  if (stateCode !== undefined) query = query.where('state_code', '=', stateCode);

  return query.execute();
}

/**
 * Lists the newest closed real checks, newest first. Exercise checks are left out, so drills
 * never change real figures.
 */
export function listClosedRealChecks(db: Kysely<Tables>, limit: number) {
  return db
    .selectFrom('checks')
    .select(['id', 'title', 'created_at'])
    .where('status', '=', 'closed')
    .where('exercise_id', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** Lists the recipients of the given checks, for all states or one. */
export function listCheckOutcomes(
  db: Kysely<Tables>,
  checkIds: readonly string[],
  stateCode?: string,
) {
  if (checkIds.length === 0) return Promise.resolve([]);
  let query = db
    .selectFrom('check_recipients')
    .select(['check_id', 'state_code', 'answered_at', 'due_at'])
    .where('check_id', 'in', checkIds)
    // Partner accounts are no state's contacts, so they count in no readiness figure.
    .where('organisation_id', 'is', null);
  if (stateCode !== undefined) query = query.where('state_code', '=', stateCode);

  return query.execute();
}

/** Lists the participating states of every exercise that has started. */
export function listExerciseParticipation(db: Kysely<Tables>) {
  return db
    .selectFrom('exercises')
    .select(['id', 'states'])
    .where('started_at', 'is not', null)
    .execute();
}
