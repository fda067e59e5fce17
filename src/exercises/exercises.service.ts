import { randomUUID } from 'node:crypto';

import { z } from 'zod';

import {
  findAccountById,
  findOrganisationClearance,
  findOrganisationsByIds,
  pickOrganisationById,
} from '../accounts/accounts.queries.ts';
import { isRole, type Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { listKnownStateCodes } from '../checks/checks.queries.ts';
import { isTlpLevel, tlpRank } from '../sharing/tlp.ts';
import { defineJobKind, PermanentJobError, type JobCounts } from '../jobs/job-kind.ts';
import { publishEvents } from '../events/events.service.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, invalidField, notFound } from '../shared/errors.ts';
import {
  claimInjectRelease,
  findExercise,
  findInject,
  insertExercise,
  listExerciseObjects,
  listExercises,
  listInjects,
  setInjectTarget,
  updateExercise,
  type ExerciseRow,
  type InjectRow,
} from './exercises.queries.ts';
import { recordExerciseEntry } from './exercise-events.ts';
import { checkInjectBundle, createInjectTarget, participantsOf } from './exercise-injects.ts';
import type { NewExercise } from './exercises.schema.ts';

const MINUTE_MS = 60_000;
const StoredList = z.array(z.string());

/** Throws `forbidden` unless the principal may control exercises: the secretariat only. */
export function requireController(principal: Principal): void {
  if (principal.role !== 'secretariat') {
    throw new DomainError('forbidden', (m) => m.problems.exercises.secretariatOnly);
  }
}

/** Returns an exercise the secretariat may see, or the 404 of an unknown one. */
export async function requireExercise(ctx: AppContext, id: string): Promise<ExerciseRow> {
  const exercise = await findExercise(ctx.db, id);
  if (exercise === undefined) throw notFound((m) => m.problems.exercises.exerciseNotFound);

  return exercise;
}

/**
 * Checks that every partner organisation exists and is cleared for the TLP of each alert and
 * bundle inject, so no release fails later for want of clearance. Returns the ids as stored, so
 * an id given in upper case names the same organisation.
 */
async function checkPartners(ctx: AppContext, input: NewExercise): Promise<string[]> {
  const ids = input.partnerOrgIds;
  const rows = await findOrganisationsByIds(ctx.db, ids);
  const strictest = input.injects
    .filter((inject) => inject.kind !== 'check')
    .map((inject) => inject.tlp)
    .reduce<'clear' | 'green' | 'amber' | 'amber+strict'>(
      (max, tlp) => (tlpRank(tlp) > tlpRank(max) ? tlp : max),
      'clear',
    );

  return ids.map((id, i) => {
    const row = pickOrganisationById(rows, id);
    if (row === undefined)
      throw invalidField(`partnerOrgIds.${i}`, (m) => m.problems.directory.unknownOrganisation(id));
    if (!isTlpLevel(row.clearance) || tlpRank(row.clearance) < tlpRank(strictest)) {
      throw invalidField(`partnerOrgIds.${i}`, (m) =>
        m.problems.exercises.partnerClearance(id, row.clearance.toUpperCase()),
      );
    }

    return row.id;
  });
}

/** Creates a planned exercise with its injects; nothing is sent until it starts. */
export async function createExercise(ctx: AppContext, controller: Principal, input: NewExercise) {
  const known = await listKnownStateCodes(ctx.db, input.states);
  const unknown = input.states.findIndex((code) => !known.has(code));
  if (unknown >= 0) {
    const code = input.states[unknown] ?? '';
    throw invalidField(`states.${unknown}`, (m) => m.problems.directory.unknownStateCode(code));
  }
  const partnerOrgIds = await checkPartners(ctx, input);
  for (const [i, inject] of input.injects.entries()) {
    if (inject.kind !== 'bundle') continue;
    await checkInjectBundle(ctx, `injects.${i}.bundle`, inject.bundle, inject.tlp);
  }

  const id = newId();
  const now = ctx.clock.now().toISOString();
  const injects = input.injects.map((inject) => ({
    id: newId(),
    exercise_id: id,
    kind: inject.kind,
    title: inject.title,
    body: inject.body,
    offset_minutes: inject.offsetMinutes,
    window_minutes: inject.windowMinutes,
    tlp: inject.tlp,
    bundle: inject.bundle === undefined ? null : JSON.stringify(inject.bundle),
  }));
  await ctx.db.transaction().execute((trx) =>
    insertExercise(
      trx,
      {
        id,
        title: input.title,
        scenario: input.scenario,
        states: JSON.stringify([...new Set(input.states)]),
        levels: JSON.stringify(input.levels),
        partner_org_ids: JSON.stringify([...new Set(partnerOrgIds)]),
        status: 'planned',
        controller_id: controller.accountId,
        created_at: now,
      },
      injects,
    ),
  );
  ctx.logger.info({ exerciseId: id, injects: injects.length }, 'exercise created');

  return { id, injects: injects.map((inject) => inject.id) };
}

/** Starts an exercise and schedules every inject at its offset from now. */
export async function startExercise(ctx: AppContext, id: string) {
  const exercise = await requireExercise(ctx, id);
  if (exercise.status !== 'planned') {
    throw new DomainError('conflict', (m) => m.problems.exercises.notPlanned(exercise.status));
  }
  const now = ctx.clock.now();
  const injects = await listInjects(ctx.db, id);

  await ctx.db.transaction().execute(async (trx) => {
    await updateExercise(trx, id, { status: 'running', started_at: now.toISOString() });
    for (const inject of injects) {
      const runAt = new Date(now.getTime() + inject.offset_minutes * MINUTE_MS);
      await enqueueJob(
        trx,
        ctx.clock,
        exerciseInjectJob,
        { exerciseId: id, injectId: inject.id },
        { idempotencyKey: `exercise-inject:${inject.id}`, runAt },
      );
    }
  });
  ctx.logger.info({ exerciseId: id, injects: injects.length }, 'exercise started');

  return getExercise(ctx, id);
}

/** Ends a running exercise; injects not yet released stay unreleased. */
export async function endExercise(ctx: AppContext, id: string) {
  const exercise = await requireExercise(ctx, id);
  if (exercise.status !== 'running') {
    throw new DomainError('conflict', (m) => m.problems.exercises.notRunning(exercise.status));
  }
  await updateExercise(ctx.db, id, { status: 'ended', ended_at: ctx.clock.now().toISOString() });

  return getExercise(ctx, id);
}

async function controllerPrincipal(ctx: AppContext, accountId: string): Promise<Principal> {
  const account = await findAccountById(ctx.db, accountId);
  if (account === undefined || !isRole(account.role)) {
    throw new PermanentJobError(`Controller account ${accountId} not found`);
  }

  return {
    accountId: account.id,
    email: account.email,
    emailKey: account.email_key,
    role: account.role,
    stateCode: account.state_code,
    organisationId: account.organisation_id,
  };
}

/**
 * Releases one inject of a running exercise, once: a second release (the schedule after the
 * controller, or the reverse) does nothing. A failed release is undone so it can be retried.
 * The timeline entry is stored with the inject's target, once the traffic exists.
 */
export async function releaseInject(
  ctx: AppContext,
  exerciseId: string,
  injectId: string,
  releasedBy: string,
) {
  const exercise = await requireExercise(ctx, exerciseId);
  const inject = await findInject(ctx.db, exerciseId, injectId);
  if (inject === undefined) throw notFound((m) => m.problems.exercises.injectNotFound);
  if (exercise.status !== 'running') {
    throw new DomainError('conflict', (m) => m.problems.exercises.notRunning(exercise.status));
  }
  const at = ctx.clock.now().toISOString();
  if (!(await claimInjectRelease(ctx.db, injectId, at, releasedBy))) return { released: false };

  try {
    const controller = await controllerPrincipal(ctx, exercise.controller_id);
    const targetId = await createInjectTarget(ctx, controller, exercise, inject);
    const event = await ctx.db.transaction().execute(async (trx) => {
      if (targetId !== null) await setInjectTarget(trx, injectId, targetId);
      return recordExerciseEntry(trx, ctx, {
        exerciseId,
        kind: 'inject-released',
        who: null,
        subject: inject.title,
        at,
      });
    });
    await publishEvents(ctx, [event]);
    ctx.logger.info({ exerciseId, injectId, targetId }, 'exercise inject released');
    return { released: true, targetId };
  } catch (error) {
    await ctx.db
      .updateTable('exercise_injects')
      .set({ released_at: null, released_by: null })
      .where('id', '=', injectId)
      .execute();
    throw error;
  }
}

/** Payload of an inject release job. */
export const ExerciseInjectPayload = z.object({ exerciseId: z.string(), injectId: z.string() });

async function runInjectJob(
  ctx: AppContext,
  payload: z.infer<typeof ExerciseInjectPayload>,
): Promise<JobCounts> {
  const exercise = await findExercise(ctx.db, payload.exerciseId);
  // An exercise ended before an inject's time leaves that inject unreleased.
  if (exercise?.status !== 'running') return { skipped: 1 };
  const result = await releaseInject(ctx, payload.exerciseId, payload.injectId, 'schedule');

  return { released: result.released ? 1 : 0 };
}

/** Job that releases one inject at its scheduled time. */
export const exerciseInjectJob = defineJobKind({
  name: 'exercise-inject',
  payload: ExerciseInjectPayload,
  retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 10 * 60_000 },
  run: runInjectJob,
});

function toInjectView(inject: InjectRow) {
  return {
    id: inject.id,
    kind: inject.kind,
    title: inject.title,
    body: inject.body,
    offsetMinutes: inject.offset_minutes,
    windowMinutes: inject.window_minutes,
    tlp: inject.tlp ?? 'amber',
    releasedAt: inject.released_at,
    releasedBy: inject.released_by,
    targetId: inject.target_id,
  };
}

/** Returns an exercise with its injects; every exercise view carries the EXERCISE mark. */
export async function getExercise(ctx: AppContext, id: string) {
  const exercise = await requireExercise(ctx, id);
  const injects = await listInjects(ctx.db, id);

  return {
    id: exercise.id,
    marking: 'EXERCISE' as const,
    title: exercise.title,
    scenario: exercise.scenario,
    status: exercise.status,
    states: StoredList.parse(JSON.parse(exercise.states)),
    levels: StoredList.parse(JSON.parse(exercise.levels)),
    partnerOrgIds: StoredList.parse(JSON.parse(exercise.partner_org_ids)),
    createdAt: exercise.created_at,
    startedAt: exercise.started_at,
    endedAt: exercise.ended_at,
    injects: injects.map(toInjectView),
  };
}

/** Lists every exercise, newest first. */
export async function listAllExercises(ctx: AppContext) {
  const rows = await listExercises(ctx.db);

  return rows.map((row) => ({
    id: row.id,
    marking: 'EXERCISE' as const,
    title: row.title,
    status: row.status,
    createdAt: row.created_at,
  }));
}

/**
 * Returns the STIX objects an exercise released, as a bundle marked EXERCISE, to a participant:
 * the secretariat, an account of a participating state, or a participating partner's account,
 * which reads up to its organisation's clearance. Anyone else gets the 404 of an unknown exercise.
 */
export async function readExerciseObjects(ctx: AppContext, viewer: Principal, id: string) {
  const exercise = await findExercise(ctx.db, id);
  const empty: string[] = [];
  const { states, partners } =
    exercise === undefined ? { states: empty, partners: empty } : participantsOf(exercise);
  const isParticipant =
    viewer.role === 'secretariat' ||
    (viewer.role !== 'partner' && viewer.stateCode !== null && states.includes(viewer.stateCode)) ||
    (viewer.role === 'partner' &&
      viewer.organisationId !== null &&
      partners.includes(viewer.organisationId));
  if (exercise === undefined || !isParticipant)
    throw notFound((m) => m.problems.exercises.exerciseNotFound);

  let clearance: string | null = null;
  if (viewer.role === 'partner') {
    const stored = await findOrganisationClearance(ctx.db, viewer.organisationId ?? '');
    clearance = stored ?? 'clear';
  }
  const rows = await listExerciseObjects(ctx.db, id);
  const readable = rows.filter(
    (row) =>
      clearance === null ||
      (isTlpLevel(row.tlp) && isTlpLevel(clearance) && tlpRank(row.tlp) <= tlpRank(clearance)),
  );

  return {
    marking: 'EXERCISE' as const,
    exerciseId: id,
    bundle: {
      type: 'bundle' as const,
      id: `bundle--${randomUUID()}`,
      objects: readable.map((row) => JSON.parse(row.data) as unknown),
    },
  };
}
