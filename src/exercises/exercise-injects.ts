import { z } from 'zod';

import type { Principal } from '../accounts/principal.ts';
import { NewAlertSchema } from '../alerts/alerts.schema.ts';
import { createAlert } from '../alerts/alerts.service.ts';
import type { AppContext } from '../app/context.ts';
import { startCheck } from '../checks/checks.service.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { serverCatalogue } from '../i18n/locale-choice.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { enqueueJobs } from '../jobs/jobs.service.ts';
import { requestMailJob } from '../requests/request-mail.job.ts';
import { insertRequest } from '../requests/requests.queries.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, invalidField, resolvedText } from '../shared/errors.ts';
import { checkBundle } from '../sharing/sharing.service.ts';
import { ShareOptionsSchema } from '../sharing/sharing.schema.ts';
import type { ExerciseRow, InjectRow } from './exercises.queries.ts';

const StoredList = z.array(z.string());
type Level = 'diplomatic' | 'policy' | 'technical';

/** Severity of the alerts and requests an inject releases: 3 (High). */
const INJECT_SEVERITY = 3;

/** Parses the participating states, levels and partner organisations of an exercise. */
export function participantsOf(exercise: ExerciseRow) {
  return {
    states: StoredList.parse(JSON.parse(exercise.states)),
    levels: StoredList.parse(JSON.parse(exercise.levels)) as Level[],
    partners: StoredList.parse(JSON.parse(exercise.partner_org_ids)),
  };
}

/**
 * Checks a bundle inject's STIX bundle exactly as an upload is checked, with the inject's TLP
 * as the requested level. Throws a 422 naming the first rejected object.
 */
export async function checkInjectBundle(
  ctx: AppContext,
  field: string,
  bundle: unknown,
  tlp: string,
) {
  const options = ShareOptionsSchema.parse({ tlp });
  let checked;
  try {
    checked = await checkBundle(ctx, bundle, options);
  } catch (error) {
    if (error instanceof DomainError) throw invalidField(field, error.text);
    throw error;
  }
  const [first] = checked.rejected;
  if (first !== undefined) {
    throw invalidField(`${field}.objects.${first.index}`, resolvedText(first.reason));
  }
  if (checked.candidates.length === 0) {
    throw invalidField(field, (m) => m.problems.exercises.bundleWithoutObjects);
  }

  return checked;
}

type ExercisesText = Catalogue['exercises'];

/** Returns an inject's title with the exercise mark in front, cut to the 200 characters of a title. */
function markedTitle(m: ExercisesText, title: string): string {
  return m.subject(title).slice(0, 200);
}

/**
 * Sends the EXERCISE-marked alert of an alert inject, or the notice of a released bundle. The
 * title, body and data (`exercise: true`) each carry the mark once; the mail subject takes it
 * from the title.
 */
async function releaseAlert(
  ctx: AppContext,
  controller: Principal,
  exercise: ExerciseRow,
  content: { title: string; body: string; tlp: string; windowMinutes: number },
) {
  // An alert is stored once for every recipient, so its text is in the server's language.
  const catalogue = serverCatalogue(ctx.config);
  const m = catalogue.exercises;
  const { states, levels, partners } = participantsOf(exercise);
  const alert = NewAlertSchema.parse({
    title: markedTitle(m, content.title),
    severity: INJECT_SEVERITY,
    tlp: content.tlp,
    body: `${catalogue.alerts.exerciseBanner}\n\n${content.body}`,
    states,
    levels,
    organisations: partners,
    exercise: true,
    responseMinutes: content.windowMinutes,
  });

  return (await createAlert(ctx, controller, alert, { exerciseId: exercise.id })).id;
}

/**
 * Stores the objects of a bundle inject in `exercise_objects`, never in `stix_objects`, and
 * tells the participants with an exercise alert that links to the exercise's object list.
 */
async function releaseBundle(
  ctx: AppContext,
  controller: Principal,
  exercise: ExerciseRow,
  inject: InjectRow,
) {
  const tlp = inject.tlp ?? 'amber';
  const checked = await checkInjectBundle(
    ctx,
    'bundle',
    JSON.parse(inject.bundle ?? 'null') as unknown,
    tlp,
  );
  const releasedAt = ctx.clock.now().toISOString();
  const rows = checked.candidates.map((candidate) => ({
    id: newId(),
    exercise_id: exercise.id,
    inject_id: inject.id,
    object_id: candidate.item.id,
    type: candidate.item.type,
    version: candidate.version,
    tlp: candidate.tlp,
    data: candidate.data,
    released_at: releasedAt,
  }));
  await ctx.db
    .insertInto('exercise_objects')
    .values(rows)
    .onConflict((oc) => oc.columns(['inject_id', 'object_id', 'version']).doNothing())
    .execute();

  const m = serverCatalogue(ctx.config).exercises;
  const link = `${ctx.config.publicUrl}/api/v1/exercises/${exercise.id}/objects`;
  return releaseAlert(ctx, controller, exercise, {
    title: m.bundleAlertTitle(inject.title),
    body: `${inject.body}\n\n${m.bundleAlertBody(rows.length, link)}`.trim(),
    tlp,
    windowMinutes: inject.window_minutes,
  });
}

interface RequestAddressee {
  email: string;
  email_key: string;
  poc_id: string | null;
  state_code: string | null;
  level: string | null;
}

/** Lists the PoCs of one state at one level, one per e-mail, alternates included. */
async function listStateAddressees(ctx: AppContext, state: string, level: string) {
  const pocs = await ctx.db
    .selectFrom('pocs')
    .select(['id', 'email', 'email_key', 'state_code', 'level'])
    .where('state_code', '=', state)
    .where('level', '=', level)
    .orderBy('email_key')
    .execute();
  const byKey = new Map<string, RequestAddressee>();
  for (const poc of pocs) {
    if (!byKey.has(poc.email_key)) byKey.set(poc.email_key, { ...poc, poc_id: poc.id });
  }

  return [...byKey.values()];
}

/** Lists the active accounts of one partner organisation. */
async function listPartnerAddressees(ctx: AppContext, organisationId: string) {
  const accounts = await ctx.db
    .selectFrom('accounts')
    .select(['email', 'email_key'])
    .where('role', '=', 'partner')
    .where('organisation_id', '=', organisationId)
    .where('suspended_at', 'is', null)
    .orderBy('email_key')
    .execute();

  return accounts.map((a) => ({ ...a, poc_id: null, state_code: null, level: null }));
}

/** Stores one EXERCISE-marked request from the controller, its mail jobs and its live event. */
async function storeExerciseRequest(
  ctx: AppContext,
  controller: Principal,
  inject: InjectRow,
  target: { toState: string; toLevels: string[]; addressees: RequestAddressee[] },
) {
  // A request is stored once for every recipient, so its text is in the server's language.
  const catalogue = serverCatalogue(ctx.config);
  const m = catalogue.exercises;
  const id = newId();
  const now = ctx.clock.now();
  const dueAt = new Date(now.getTime() + inject.window_minutes * 60_000).toISOString();
  const subject = markedTitle(m, inject.title);
  const recipients = target.addressees.map((a) => ({
    id: newId(),
    request_id: id,
    poc_id: a.poc_id,
    email: a.email,
    email_key: a.email_key,
    state_code: a.state_code,
    level: a.level,
    mail_status: 'queued' as const,
  }));

  const event = await ctx.db.transaction().execute(async (trx) => {
    const reference = await insertRequest(
      trx,
      {
        id,
        thread_id: id,
        parent_id: null,
        type: 'request-for-information',
        subject,
        sector: m.controlName,
        description: `${catalogue.alerts.exerciseBanner}\n\n${inject.body === '' ? inject.title : inject.body}`,
        requested_action: '',
        severity: INJECT_SEVERITY,
        tlp: inject.tlp ?? 'amber',
        exercise: 1,
        exercise_inject_id: inject.id,
        response_due_at: dueAt,
        sender_account_id: controller.accountId,
        sender_name: m.controlName,
        sender_organisation: m.controlName,
        sender_email: controller.email,
        sender_email_key: controller.emailKey,
        // The controller speaks for no state.
        sender_state: '',
        to_state: target.toState,
        to_levels: JSON.stringify(target.toLevels),
        created_at: now.toISOString(),
      },
      recipients,
    );
    await enqueueJobs(
      trx,
      ctx.clock,
      requestMailJob,
      recipients.map((r) => ({
        payload: { recipientId: r.id },
        options: { idempotencyKey: `request-mail:${id}:${r.id}`, priority: INJECT_SEVERITY },
      })),
    );
    return recordEvent(trx, ctx.database.dialect, ctx.clock, 'request', {
      id,
      reference,
      threadId: id,
      type: 'request-for-information',
      subject,
      severity: INJECT_SEVERITY,
      change: 'created',
      exercise: true,
    });
  });
  await publishEvents(ctx, [event]);
}

/**
 * Sends a request inject as requests between states: one thread per participating state and
 * level, so each level's times to acknowledge and answer are measured apart, and one per
 * partner organisation, addressed to its accounts with an empty `to_state`. A state or level
 * without PoCs gets no request; the after-action report lists it as a missing level.
 */
async function releaseRequests(
  ctx: AppContext,
  controller: Principal,
  exercise: ExerciseRow,
  inject: InjectRow,
) {
  const { states, levels, partners } = participantsOf(exercise);
  const chosen = levels.length > 0 ? levels : (['diplomatic', 'policy', 'technical'] as Level[]);
  let sent = 0;
  for (const state of states) {
    for (const level of chosen) {
      const addressees = await listStateAddressees(ctx, state, level);
      if (addressees.length === 0) continue;
      await storeExerciseRequest(ctx, controller, inject, {
        toState: state,
        toLevels: [level],
        addressees,
      });
      sent += 1;
    }
  }
  // Partner accounts acknowledge and reply like PoCs; their answers reach the timeline.
  for (const organisationId of partners) {
    const addressees = await listPartnerAddressees(ctx, organisationId);
    if (addressees.length === 0) continue;
    await storeExerciseRequest(ctx, controller, inject, { toState: '', toLevels: [], addressees });
    sent += 1;
  }
  ctx.logger.info({ exerciseId: exercise.id, injectId: inject.id, sent }, 'inject requests sent');
}

/**
 * Creates what one inject stands for, marked as exercise traffic. Returns the id of the check
 * or alert it created, or null for requests, which name their inject themselves.
 */
export async function createInjectTarget(
  ctx: AppContext,
  controller: Principal,
  exercise: ExerciseRow,
  inject: InjectRow,
): Promise<string | null> {
  const { states, levels, partners } = participantsOf(exercise);
  switch (inject.kind) {
    case 'check': {
      const sender = { accountId: exercise.controller_id, stateCode: null };
      const input = {
        title: markedTitle(serverCatalogue(ctx.config).exercises, inject.title),
        levels,
        states,
        regions: [],
        partners,
        windowMinutes: inject.window_minutes,
        reminderMinutes: [],
      };
      return (await startCheck(ctx, sender, input, { exerciseId: exercise.id })).id;
    }
    case 'alert':
      return releaseAlert(ctx, controller, exercise, {
        title: inject.title,
        body: inject.body,
        tlp: inject.tlp ?? 'amber',
        windowMinutes: inject.window_minutes,
      });
    case 'bundle':
      return releaseBundle(ctx, controller, exercise, inject);
    case 'request':
      await releaseRequests(ctx, controller, exercise, inject);
      return null;
  }
}
