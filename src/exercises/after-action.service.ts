import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { median } from '../checks/check-results.service.ts';
import { isStale } from '../directory/poc-fields.ts';
import { pocLevels } from '../directory/pocs.schema.ts';
import type { Catalogue } from '../i18n/messages.ts';
import {
  listExerciseAlertRecipients,
  listExerciseRequests,
  listExerciseCheckRecipients,
  listInjects,
  listParticipantPocs,
} from './exercises.queries.ts';
import { requireExercise } from './exercises.service.ts';

const MINUTE_MS = 60_000;
const StoredLevels = z.array(z.string());
const PARTNER = 'partner';

/** One participant's reaction to one inject. */
export interface ParticipantResult {
  inject: string;
  kind: 'check' | 'alert' | 'request';
  /** Empty for a partner organisation's accounts. */
  stateCode: string;
  level: string;
  email: string;
  isReached: boolean;
  /** Minutes from sending to the first opening of the link or alert; null when never opened. */
  minutesToAcknowledge: number | null;
  /** Minutes from sending to the check answer, alert acknowledgement or request response. */
  minutesToRespond: number | null;
}

/** A gap the exercise found in the directory or in the participants' reactions. */
export interface Gap {
  kind: 'missing-level' | 'no-alternate' | 'stale-entry' | 'unreachable-mailbox' | 'unanswered';
  stateCode: string;
  level: string | null;
  detail: string;
}

/** One entry of the controller's timeline. */
export interface TimelineEntry {
  at: string;
  stateCode: string | null;
  text: string;
}

function minutes(from: string, to: string | null): number | null {
  if (to === null) return null;

  return Math.round(((Date.parse(to) - Date.parse(from)) / MINUTE_MS) * 10) / 10;
}

async function collectResults(ctx: AppContext, exerciseId: string) {
  const injects = await listInjects(ctx.db, exerciseId);
  // A bundle inject's release is announced by an exercise alert, measured like an alert inject.
  const alertIds = injects
    .filter((inject) => inject.kind === 'alert' || inject.kind === 'bundle')
    .flatMap((inject) => (inject.target_id === null ? [] : [inject.target_id]));
  const requestInjectIds = injects.filter((i) => i.kind === 'request').map((i) => i.id);
  const checkRows = await listExerciseCheckRecipients(ctx.db, exerciseId);
  const alertRows = await listExerciseAlertRecipients(ctx.db, alertIds);
  const requestRows = await listExerciseRequests(ctx.db, requestInjectIds);

  const results: ParticipantResult[] = [
    ...checkRows.map((row) => {
      const sent = row.sent_at ?? row.check_created_at;
      const isAnswered = row.answered_at !== null && row.answered_at <= row.due_at;
      return {
        inject: row.check_title,
        kind: 'check' as const,
        stateCode: row.state_code,
        level: row.level,
        email: row.email,
        isReached: isAnswered,
        minutesToAcknowledge: minutes(sent, row.opened_at),
        minutesToRespond: isAnswered ? minutes(sent, row.answered_at) : null,
      };
    }),
    ...alertRows.map((row) => ({
      inject: row.title,
      kind: 'alert' as const,
      stateCode: row.state_code ?? '',
      // Partner accounts have no level; they are listed as partners, as in check results.
      level: row.level ?? PARTNER,
      email: row.email,
      isReached: row.acknowledged_at !== null,
      minutesToAcknowledge: minutes(row.created_at, row.opened_at ?? row.acknowledged_at),
      minutesToRespond: minutes(row.created_at, row.acknowledged_at),
    })),
    ...requestRows.map((row) => ({
      inject: row.inject_title,
      kind: 'request' as const,
      stateCode: row.to_state,
      level: StoredLevels.parse(JSON.parse(row.to_levels))[0] ?? PARTNER,
      email: row.first_email ?? '',
      isReached: row.answered_at !== null,
      minutesToAcknowledge: minutes(row.created_at, row.acknowledged_at),
      minutesToRespond: minutes(row.created_at, row.answered_at),
    })),
  ];

  return { injects, checkRows, alertRows, requestRows, results };
}

/**
 * Builds the after-action report of an exercise: each participant's times to acknowledge and
 * respond, medians per level, and the gaps found (missing levels, no alternate, stale entries,
 * unreachable mailboxes and unanswered injects).
 */
export async function getAfterActionReport(
  ctx: AppContext,
  exerciseId: string,
  catalogue: Catalogue,
) {
  const g = catalogue.exercises.gaps;
  const exercise = await requireExercise(ctx, exerciseId);
  const states = z.array(z.string()).parse(JSON.parse(exercise.states));
  const chosenLevels = z.array(z.string()).parse(JSON.parse(exercise.levels));
  const levels = chosenLevels.length > 0 ? chosenLevels : [...pocLevels];
  const { injects, checkRows, alertRows, results } = await collectResults(ctx, exerciseId);
  const pocs = await listParticipantPocs(ctx.db, states);
  const now = ctx.clock.now();
  const gaps: Gap[] = [];

  for (const state of states) {
    for (const level of levels) {
      const entries = pocs.filter((p) => p.state_code === state && p.level === level);
      if (entries.length === 0) {
        gaps.push({
          kind: 'missing-level',
          stateCode: state,
          level,
          detail: g.missingLevel,
        });
      } else if (!entries.some((p) => p.contact_role === 'alternate')) {
        gaps.push({ kind: 'no-alternate', stateCode: state, level, detail: g.noAlternate });
      }
      for (const entry of entries) {
        if (!isStale(entry.last_confirmed_at, now, ctx.config.staleAfterDays)) continue;
        const detail = g.staleEntry(entry.email, entry.last_confirmed_at);
        gaps.push({ kind: 'stale-entry', stateCode: state, level, detail });
      }
    }
  }
  for (const row of checkRows.filter((r) => r.delivery_failed_at !== null)) {
    const detail = g.mailFailed(row.email, row.failure_reason);
    gaps.push({ kind: 'unreachable-mailbox', stateCode: row.state_code, level: row.level, detail });
  }
  for (const row of alertRows.filter((r) => r.failed_at !== null)) {
    const detail = g.alertMailFailed(row.email);
    gaps.push({
      kind: 'unreachable-mailbox',
      stateCode: row.state_code ?? '',
      level: row.level,
      detail,
    });
  }
  for (const result of results.filter((r) => !r.isReached)) {
    const detail = g.unanswered(result.email, result.inject);
    gaps.push({ kind: 'unanswered', stateCode: result.stateCode, level: result.level, detail });
  }

  const byLevel = Object.fromEntries(
    levels.map((level) => {
      const own = results.filter((r) => r.level === level);
      const respond = own.flatMap((r) => (r.minutesToRespond === null ? [] : [r.minutesToRespond]));
      const reached = own.filter((r) => r.isReached).length;
      return [
        level,
        { participants: own.length, reached, medianMinutesToRespond: median(respond) },
      ];
    }),
  );

  return {
    marking: 'EXERCISE' as const,
    id: exercise.id,
    title: exercise.title,
    status: exercise.status,
    startedAt: exercise.started_at,
    endedAt: exercise.ended_at,
    states,
    levels,
    injects: injects.map((i) => ({
      id: i.id,
      kind: i.kind,
      title: i.title,
      releasedAt: i.released_at,
    })),
    // Partners have no state, so they count among the reached participants but not the states.
    reachedStates: [
      ...new Set(results.filter((r) => r.isReached && r.stateCode !== '').map((r) => r.stateCode)),
    ],
    results,
    byLevel,
    gaps,
  };
}

/** Lists what happened in an exercise so far, oldest first, for the controller's timeline. */
export async function getExerciseTimeline(
  ctx: AppContext,
  exerciseId: string,
  catalogue: Catalogue,
) {
  const t = catalogue.exercises.timeline;
  const exercise = await requireExercise(ctx, exerciseId);
  const { injects, checkRows, alertRows, requestRows } = await collectResults(ctx, exerciseId);
  const entries: TimelineEntry[] = [];
  if (exercise.started_at !== null) {
    entries.push({ at: exercise.started_at, stateCode: null, text: t.exerciseStarted });
  }
  for (const inject of injects) {
    if (inject.released_at === null) continue;
    const text = t.injectReleasedWithKind(inject.title, inject.kind);
    entries.push({ at: inject.released_at, stateCode: null, text });
  }
  for (const row of checkRows) {
    // A partner's row has no state and no role; its level already reads "partner".
    const isPartner = row.state_code === '';
    const who = isPartner
      ? `${PARTNER} ${row.email}`
      : `${row.level} ${row.contact_role} ${row.email}`;
    const stateCode = isPartner ? null : row.state_code;
    if (row.delivery_failed_at !== null) {
      entries.push({
        at: row.delivery_failed_at,
        stateCode,
        text: t.checkMailFailed(who),
      });
    }
    if (row.opened_at !== null) {
      entries.push({
        at: row.opened_at,
        stateCode,
        text: t.checkOpened(who),
      });
    }
    if (row.answered_at !== null) {
      entries.push({
        at: row.answered_at,
        stateCode,
        text: t.checkAnsweredBy(who),
      });
    }
    if (row.escalated_at !== null) {
      entries.push({
        at: row.escalated_at,
        stateCode,
        text: t.checkEscalated(who),
      });
    }
  }
  for (const row of alertRows) {
    const who = `${row.level ?? PARTNER} ${row.email}`;
    if (row.delivered_at !== null) {
      entries.push({
        at: row.delivered_at,
        stateCode: row.state_code,
        text: t.delivered(who, row.title),
      });
    }
    if (row.failed_at !== null) {
      entries.push({
        at: row.failed_at,
        stateCode: row.state_code,
        text: t.deliveryFailed(who, row.title),
      });
    }
    if (row.acknowledged_at === null) continue;
    entries.push({
      at: row.acknowledged_at,
      stateCode: row.state_code,
      text: t.alertAcknowledged(who, row.title),
    });
  }
  for (const row of requestRows) {
    const stateCode = row.to_state === '' ? null : row.to_state;
    const level = StoredLevels.parse(JSON.parse(row.to_levels))[0] ?? PARTNER;
    if (row.acknowledged_at !== null) {
      const who = `${level} ${row.acknowledged_by ?? ''}`.trim();
      const text = t.requestAcknowledged(who, `${row.reference} ${row.subject}`);
      entries.push({ at: row.acknowledged_at, stateCode, text });
    }
    if (row.answered_at !== null) {
      const text = t.requestAnswered(level, `${row.reference} ${row.subject}`);
      entries.push({ at: row.answered_at, stateCode, text });
    }
  }
  if (exercise.ended_at !== null) {
    entries.push({ at: exercise.ended_at, stateCode: null, text: t.exerciseEnded });
  }

  return entries.sort((a, b) => a.at.localeCompare(b.at));
}
