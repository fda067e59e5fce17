import { z } from 'zod';

import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { isStale } from '../directory/poc-fields.ts';
import { pocLevels } from '../directory/pocs.schema.ts';
import { notFound } from '../shared/errors.ts';
import {
  listCheckOutcomes,
  listClosedRealChecks,
  listExerciseParticipation,
  listPocFacts,
  listStates,
} from './readiness.queries.ts';

/** Closed real checks that the trends and the last result look at. */
export const TREND_CHECKS = 12;

/** Readiness figures of one state; every share runs from 0 to 1. */
export interface StateReadiness {
  code: string;
  name: string;
  region: string | null;
  /** Levels (of diplomatic, policy, technical) with at least one PoC. */
  levelsDesignated: number;
  /** Levels with an alternate PoC. */
  levelsWithAlternate: number;
  entries: number;
  /** Share of entries confirmed within the staleness period; null without entries. */
  freshness: number | null;
  /** Share of the state's recipients who answered in time in its newest closed check. */
  lastCheckRate: number | null;
  lastCheckAt: string | null;
  exercisesJoined: number;
  /** Response rate per closed check that included the state, oldest first. */
  trend: { checkId: string; at: string; rate: number }[];
  /** Mean of the shares of levels designated, levels with alternate, freshness and last check. */
  index: number;
}

type Outcome = { check_id: string; state_code: string; answered_at: string | null; due_at: string };

function rateOf(rows: readonly Outcome[]): number | null {
  if (rows.length === 0) return null;
  const answered = rows.filter((row) => row.answered_at !== null && row.answered_at <= row.due_at);

  return answered.length / rows.length;
}

/** Groups rows by a key, so each state looks only at its own rows. */
function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }

  return groups;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Computes the readiness of every state, or of one when `stateCode` is given. */
async function computeReadiness(ctx: AppContext, stateCode?: string): Promise<StateReadiness[]> {
  const now = ctx.clock.now();
  const states = (await listStates(ctx.db)).filter(
    (state) => stateCode === undefined || state.code === stateCode,
  );
  const pocs = await listPocFacts(ctx.db, stateCode);
  const checks = await listClosedRealChecks(ctx.db, TREND_CHECKS);
  const outcomes = await listCheckOutcomes(
    ctx.db,
    checks.map((check) => check.id),
    stateCode,
  );
  const exercises = await listExerciseParticipation(ctx.db);
  const oldestFirst = [...checks].reverse();
  const pocsByState = groupBy(pocs, (poc) => poc.state_code);
  const outcomesByKey = groupBy(outcomes, (o) => `${o.check_id}:${o.state_code}`);
  const exerciseStates = exercises.map((exercise) =>
    z.array(z.string()).parse(JSON.parse(exercise.states)),
  );

  return states.map((state) => {
    const own = pocsByState.get(state.code) ?? [];
    const levels = pocLevels.filter((level) => own.some((poc) => poc.level === level));
    const alternates = pocLevels.filter((level) =>
      own.some((poc) => poc.level === level && poc.contact_role === 'alternate'),
    );
    const fresh = own.filter(
      (poc) => !isStale(poc.last_confirmed_at, now, ctx.config.staleAfterDays),
    );
    const freshness = own.length === 0 ? null : fresh.length / own.length;
    const trend = oldestFirst.flatMap((check) => {
      const rate = rateOf(outcomesByKey.get(`${check.id}:${state.code}`) ?? []);
      return rate === null ? [] : [{ checkId: check.id, at: check.created_at, rate }];
    });
    const last = trend.at(-1) ?? null;
    const joined = exerciseStates.filter((codes) => codes.includes(state.code)).length;
    const shares = [levels.length / 3, alternates.length / 3, freshness ?? 0, last?.rate ?? 0];

    return {
      code: state.code,
      name: state.name,
      region: state.region,
      levelsDesignated: levels.length,
      levelsWithAlternate: alternates.length,
      entries: own.length,
      freshness,
      lastCheckRate: last?.rate ?? null,
      lastCheckAt: last?.at ?? null,
      exercisesJoined: joined,
      trend,
      index: mean(shares) ?? 0,
    };
  });
}

/**
 * Returns the overall readiness, which anyone may see: counts, means per UN regional group and
 * the response rate of recent real checks. Only the secretariat also gets the figures per state.
 */
export async function getOverallReadiness(ctx: AppContext, principal: Principal | null) {
  const states = await computeReadiness(ctx);
  const checks = await listClosedRealChecks(ctx.db, TREND_CHECKS);
  const outcomes = await listCheckOutcomes(
    ctx.db,
    checks.map((check) => check.id),
  );
  const trend = [...checks].reverse().flatMap((check) => {
    const rate = rateOf(outcomes.filter((o) => o.check_id === check.id));
    return rate === null ? [] : [{ checkId: check.id, at: check.created_at, rate }];
  });
  const regions = [...new Set(states.map((state) => state.region ?? 'observer'))].sort();
  const byRegion = Object.fromEntries(
    regions.map((region) => {
      const own = states.filter((state) => (state.region ?? 'observer') === region);
      return [
        region,
        {
          states: own.length,
          allLevelsDesignated: own.filter((state) => state.levelsDesignated === 3).length,
          meanIndex: mean(own.map((state) => state.index)),
        },
      ];
    }),
  );

  return {
    states: states.length,
    statesWithAnyPoc: states.filter((state) => state.entries > 0).length,
    statesWithAllLevels: states.filter((state) => state.levelsDesignated === 3).length,
    statesWithAlternates: states.filter((state) => state.levelsWithAlternate === 3).length,
    meanFreshness: mean(states.flatMap((s) => (s.freshness === null ? [] : [s.freshness]))),
    meanIndex: mean(states.map((state) => state.index)),
    byRegion,
    trend,
    perState: principal?.role === 'secretariat' ? states : undefined,
  };
}

/** Returns one state's readiness to the secretariat and that state's own accounts. */
export async function getStateReadiness(
  ctx: AppContext,
  principal: Principal,
  stateCode: string,
): Promise<StateReadiness> {
  const isOwn = principal.stateCode === stateCode;
  const [state] =
    principal.role === 'secretariat' || isOwn ? await computeReadiness(ctx, stateCode) : [];
  if (state === undefined) throw notFound((m) => m.problems.directory.stateNotFound);

  return state;
}
