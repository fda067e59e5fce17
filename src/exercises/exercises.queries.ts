import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';

import { LIVE_CHANNEL } from '../alerts/alerts.schema.ts';
import type { ExerciseInjectsTable, ExercisesTable, Tables } from '../db/schema.ts';

/** A stored exercise. */
export type ExerciseRow = Selectable<ExercisesTable>;

/** A stored inject. */
export type InjectRow = Selectable<ExerciseInjectsTable>;

/** Inserts an exercise with its injects. */
export async function insertExercise(
  db: Kysely<Tables>,
  exercise: Insertable<ExercisesTable>,
  injects: readonly Insertable<ExerciseInjectsTable>[],
) {
  await db.insertInto('exercises').values(exercise).execute();
  if (injects.length > 0) await db.insertInto('exercise_injects').values(injects).execute();
}

/** Finds an exercise by id. */
export function findExercise(db: Kysely<Tables>, id: string) {
  return db.selectFrom('exercises').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Returns the account that created an exercise, or null for an unknown exercise. */
export async function findExerciseController(db: Kysely<Tables>, exerciseId: string) {
  const row = await db
    .selectFrom('exercises')
    .select('controller_id')
    .where('id', '=', exerciseId)
    .executeTakeFirst();

  return row?.controller_id ?? null;
}

/** Returns the exercise and title of an exercise alert, or undefined for a real alert. */
export function findExerciseOfAlert(db: Kysely<Tables>, alertId: string) {
  return db
    .selectFrom('alerts')
    .select(['exercise_id', 'title'])
    .where('id', '=', alertId)
    .where('exercise_id', 'is not', null)
    .$narrowType<{ exercise_id: string }>()
    .executeTakeFirst();
}

/**
 * Returns the exercise whose request inject started a thread, or undefined for a real thread.
 * Replies carry no inject, so the thread's first message names it.
 */
export function findExerciseOfThread(db: Kysely<Tables>, threadId: string) {
  return db
    .selectFrom('requests as q')
    .innerJoin('exercise_injects as i', 'i.id', 'q.exercise_inject_id')
    .select('i.exercise_id')
    .where('q.id', '=', threadId)
    .executeTakeFirst();
}

/** Changes an exercise's row. */
export async function updateExercise(
  db: Kysely<Tables>,
  id: string,
  changes: Updateable<ExercisesTable>,
) {
  await db.updateTable('exercises').set(changes).where('id', '=', id).execute();
}

/** Lists exercises, newest first. */
export function listExercises(db: Kysely<Tables>) {
  return db.selectFrom('exercises').selectAll().orderBy('created_at', 'desc').limit(200).execute();
}

/** Lists the injects of an exercise in release order. */
export function listInjects(db: Kysely<Tables>, exerciseId: string) {
  return db
    .selectFrom('exercise_injects')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .orderBy('offset_minutes')
    .orderBy('id')
    .execute();
}

/** Finds one inject of an exercise. */
export function findInject(db: Kysely<Tables>, exerciseId: string, injectId: string) {
  return db
    .selectFrom('exercise_injects')
    .selectAll()
    .where('exercise_id', '=', exerciseId)
    .where('id', '=', injectId)
    .executeTakeFirst();
}

/**
 * Marks an inject released unless it already was. Returns false when another release came
 * first, so the scheduled job and the controller never release it twice.
 */
export async function claimInjectRelease(
  db: Kysely<Tables>,
  injectId: string,
  at: string,
  releasedBy: string,
): Promise<boolean> {
  const result = await db
    .updateTable('exercise_injects')
    .set({ released_at: at, released_by: releasedBy })
    .where('id', '=', injectId)
    .where('released_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Records what a released inject created. */
export async function setInjectTarget(db: Kysely<Tables>, injectId: string, targetId: string) {
  await db
    .updateTable('exercise_injects')
    .set({ target_id: targetId })
    .where('id', '=', injectId)
    .execute();
}

/** Lists the recipients of the checks an exercise released. */
export function listExerciseCheckRecipients(db: Kysely<Tables>, exerciseId: string) {
  return db
    .selectFrom('check_recipients as r')
    .innerJoin('checks as c', 'c.id', 'r.check_id')
    .selectAll('r')
    .select(['c.title as check_title', 'c.created_at as check_created_at'])
    .where('c.exercise_id', '=', exerciseId)
    .orderBy('r.state_code')
    .execute();
}

/** Lists the recipients of the alerts an exercise released, with their mail delivery state. */
export function listExerciseAlertRecipients(db: Kysely<Tables>, alertIds: readonly string[]) {
  if (alertIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .select([
      'r.id',
      'r.alert_id',
      'a.title',
      'a.created_at',
      'r.state_code',
      'r.level',
      'r.email',
      'r.opened_at',
      'r.acknowledged_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('alert_deliveries as d')
        .select('d.failed_at')
        .whereRef('d.recipient_id', '=', 'r.id')
        .where('d.status', '=', 'failed')
        .limit(1)
        .as('failed_at'),
    )
    .select((eb) =>
      eb
        .selectFrom('alert_deliveries as d')
        .select('d.delivered_at')
        .whereRef('d.recipient_id', '=', 'r.id')
        // A reminder is not the first mail, and a live receipt is not a mail.
        .where('d.channel', 'not in', ['email-reminder', LIVE_CHANNEL])
        .where('d.delivered_at', 'is not', null)
        .orderBy('d.delivered_at')
        .limit(1)
        .as('delivered_at'),
    )
    .where('r.alert_id', 'in', alertIds)
    .execute();
}

/** Lists the PoC entries of the participating states, for the gaps of the report. */
export function listParticipantPocs(db: Kysely<Tables>, states: readonly string[]) {
  return db
    .selectFrom('pocs')
    .select(['id', 'state_code', 'level', 'contact_role', 'email', 'last_confirmed_at'])
    .where('state_code', 'in', states)
    .execute();
}

/** Lists the requests that the given request injects sent, with the inject's title. */
export function listExerciseRequests(db: Kysely<Tables>, injectIds: readonly string[]) {
  if (injectIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('requests as q')
    .innerJoin('exercise_injects as i', 'i.id', 'q.exercise_inject_id')
    .select([
      'q.id',
      'q.reference',
      'q.subject',
      'q.to_state',
      'q.to_levels',
      'q.created_at',
      'q.acknowledged_at',
      'q.acknowledged_by',
      'q.answered_at',
      'i.title as inject_title',
    ])
    .select((eb) =>
      eb
        .selectFrom('request_recipients as r')
        .select('r.email')
        .whereRef('r.request_id', '=', 'q.id')
        .orderBy('r.email_key')
        .limit(1)
        .as('first_email'),
    )
    .where('q.exercise_inject_id', 'in', injectIds)
    .orderBy('q.created_at')
    .execute();
}

/** Lists the released STIX objects of an exercise, oldest release first. */
export function listExerciseObjects(db: Kysely<Tables>, exerciseId: string) {
  return db
    .selectFrom('exercise_objects')
    .select(['object_id', 'type', 'version', 'tlp', 'data', 'released_at'])
    .where('exercise_id', '=', exerciseId)
    .orderBy('released_at')
    .orderBy('object_id')
    .execute();
}
