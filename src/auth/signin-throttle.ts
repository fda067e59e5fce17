import type { Kysely } from 'kysely';

import { recordAudit } from '../audit/audit.ts';
import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { normaliseEmail } from '../shared/email.ts';

/** Failed sign-ins counted over this window, in milliseconds. */
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;
/** Failures allowed for one account from one address within the window. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Failures allowed from one address, whatever the account, within the window. */
export const MAX_FAILURES_PER_ADDRESS = 50;

const ACTION = 'auth.signin';

function accountTarget(email: string) {
  return `account:${normaliseEmail(email) ?? email.toLowerCase()}`;
}

/**
 * Returns true when sign-in from `ip` should wait: too many recent failures for that account
 * from that address, or from that address overall. Failures are counted in the audit trail, so
 * every instance sharing the database sees the same counts. Counting per address as well as per
 * account keeps an attacker from locking a person out from elsewhere.
 */
export async function isSignInThrottled(
  deps: { db: Kysely<Tables>; clock: Clock },
  email: string,
  ip: string,
): Promise<boolean> {
  const since = new Date(deps.clock.now().getTime() - SIGNIN_WINDOW_MS).toISOString();
  const failures = await deps.db
    .selectFrom('audit_log')
    .select(['target', 'details'])
    .where('action', '=', ACTION)
    .where('outcome', '=', 'denied')
    .where('at', '>', since)
    .where('details', 'like', `%"ip":${JSON.stringify(ip)}%`)
    .execute();
  const target = accountTarget(email);
  const forAccount = failures.filter((row) => row.target === target).length;

  return forAccount >= MAX_FAILURES_PER_ACCOUNT || failures.length >= MAX_FAILURES_PER_ADDRESS;
}

/** Records a failed sign-in for the throttle and the audit trail. */
export async function recordSignInFailure(
  deps: { db: Kysely<Tables>; clock: Clock },
  email: string,
  ip: string,
) {
  await recordAudit(deps.db, deps.clock, {
    accountId: null,
    action: ACTION,
    target: accountTarget(email),
    outcome: 'denied',
    details: { ip },
  });
}
