import type { Kysely } from 'kysely';
import { z } from 'zod';

import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import { processMessages } from '../i18n/messages.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError } from '../shared/errors.ts';
import { expiresSoon, hasExpired } from './openpgp-key.ts';
import { isStale } from './poc-fields.ts';
import { pocLevels, type PocLevel } from './pocs.schema.ts';

/** One state's gaps in the directory. */
export interface StateHealth {
  code: string;
  name: string;
  pocCount: number;
  missingLevels: PocLevel[];
  /** Levels that have a PoC but no alternate to escalate to. */
  levelsWithoutAlternate: PocLevel[];
  staleEntries: number;
  /** PoC addresses whose last mail delivery failed. */
  bouncedAddresses: string[];
  /** Entries whose OpenPGP key has expired. */
  expiredKeys: number;
  /** Entries whose OpenPGP key expires within `KEY_EXPIRY_WARNING_DAYS`. */
  keysExpiringSoon: number;
}

/** Directory-wide counts of the same gaps. */
export interface HealthCounts {
  states: number;
  statesWithoutAnyPoc: number;
  statesMissingALevel: number;
  statesWithoutAlternate: number;
  staleEntries: number;
  bouncedAddresses: number;
  expiredKeys: number;
  keysExpiringSoon: number;
}

/** Columns the health table sorts by; a leading `-` sorts descending. */
export const healthSorts = ['name', 'missing', 'stale', 'alternates', 'bounced', 'keys'] as const;

/** Query of the health report. */
export const HealthQuerySchema = z.object({
  sort: z
    .string()
    .regex(
      new RegExp(`^-?(${healthSorts.join('|')})$`),
      processMessages.validation.sortKey(healthSorts, '-missing'),
    )
    .default('-missing'),
});

const sortKeys: Record<(typeof healthSorts)[number], (s: StateHealth) => number | string> = {
  name: (s) => s.name,
  missing: (s) => s.missingLevels.length,
  stale: (s) => s.staleEntries,
  alternates: (s) => s.levelsWithoutAlternate.length,
  bounced: (s) => s.bouncedAddresses.length,
  keys: (s) => s.expiredKeys + s.keysExpiringSoon,
};

function compare(a: number | string, b: number | string) {
  return typeof a === 'number' && typeof b === 'number'
    ? a - b
    : String(a).localeCompare(String(b));
}

async function findBouncedAddresses(db: Kysely<Tables>) {
  // An address counts as bounced when the newest mail delivery to it failed.
  const rows = await db
    .selectFrom('alert_deliveries')
    .innerJoin('alert_recipients', 'alert_recipients.id', 'alert_deliveries.recipient_id')
    .select(['alert_recipients.email_key', 'alert_deliveries.status', 'alert_deliveries.queued_at'])
    .where('alert_deliveries.channel', '=', 'email')
    .where('alert_deliveries.status', 'in', ['sent', 'failed'])
    .orderBy('alert_deliveries.queued_at')
    .execute();
  const latest = new Map<string, string>();
  for (const row of rows) latest.set(row.email_key, row.status);

  return new Set([...latest].filter(([, status]) => status === 'failed').map(([key]) => key));
}

/**
 * Reports, for the secretariat, every state's gaps: levels with no PoC, levels with no alternate,
 * stale entries, bounced addresses and expired or soon-expiring OpenPGP keys, with totals; sorted
 * by the given column.
 */
export async function getDirectoryHealth(
  deps: { db: Kysely<Tables>; clock: Clock; config: { staleAfterDays: number } },
  principal: Principal,
  sort: string,
) {
  if (principal.role !== 'secretariat') {
    throw new DomainError('forbidden', (m) => m.problems.directory.healthSecretariatOnly);
  }
  const [states, pocs, bounced] = await Promise.all([
    deps.db.selectFrom('states').select(['code', 'name']).execute(),
    deps.db
      .selectFrom('pocs')
      .select([
        'state_code',
        'level',
        'contact_role',
        'email',
        'email_key',
        'last_confirmed_at',
        'pgp_expires_at',
      ])
      .execute(),
    findBouncedAddresses(deps.db),
  ]);
  const now = deps.clock.now();

  const report = states.map((state): StateHealth => {
    const own = pocs.filter((p) => p.state_code === state.code);
    const levelsWith = (role?: string) =>
      new Set(own.filter((p) => role === undefined || p.contact_role === role).map((p) => p.level));
    const present = levelsWith();
    const alternates = levelsWith('alternate');

    return {
      code: state.code,
      name: state.name,
      pocCount: own.length,
      missingLevels: pocLevels.filter((level) => !present.has(level)),
      levelsWithoutAlternate: pocLevels.filter((l) => present.has(l) && !alternates.has(l)),
      staleEntries: own.filter((p) => isStale(p.last_confirmed_at, now, deps.config.staleAfterDays))
        .length,
      bouncedAddresses: own.filter((p) => bounced.has(p.email_key)).map((p) => p.email),
      expiredKeys: own.filter((p) => hasExpired(p.pgp_expires_at, now)).length,
      keysExpiringSoon: own.filter((p) => expiresSoon(p.pgp_expires_at, now)).length,
    };
  });

  const descending = sort.startsWith('-');
  const key = sortKeys[sort.replace(/^-/, '') as (typeof healthSorts)[number]];
  report.sort((a, b) => {
    const order = compare(key(a), key(b));
    return (descending ? -order : order) || a.name.localeCompare(b.name);
  });

  const counts: HealthCounts = {
    states: report.length,
    statesWithoutAnyPoc: report.filter((s) => s.pocCount === 0).length,
    statesMissingALevel: report.filter((s) => s.missingLevels.length > 0).length,
    statesWithoutAlternate: report.filter((s) => s.levelsWithoutAlternate.length > 0).length,
    staleEntries: report.reduce((sum, s) => sum + s.staleEntries, 0),
    bouncedAddresses: report.reduce((sum, s) => sum + s.bouncedAddresses.length, 0),
    expiredKeys: report.reduce((sum, s) => sum + s.expiredKeys, 0),
    keysExpiringSoon: report.reduce((sum, s) => sum + s.keysExpiringSoon, 0),
  };

  return { counts, states: report };
}
