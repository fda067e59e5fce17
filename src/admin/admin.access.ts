import type { Kysely } from 'kysely';
import type { BaseLogger } from 'pino';

import type { Principal } from '../accounts/principal.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { DomainError, notFound, type ErrorText } from '../shared/errors.ts';

/** Dependencies of the administration services; `logger` is the request's logger. */
export interface AdminDeps {
  db: Kysely<Tables>;
  clock: Clock;
  logger: Pick<BaseLogger, 'debug' | 'info'>;
}

/** Something one account may do to another account. */
export type AccountAction =
  | 'suspend'
  | 'reinstate'
  | 'delete'
  | 'password-reset'
  | 'api-keys.list'
  | 'api-keys.create'
  | 'api-keys.revoke';

/** The fields of a target account that the rules look at. */
export interface TargetAccount {
  id: string;
  role: string;
  state_code: string | null;
}

// Actions that would lock the caller out of their own account.
const notOnSelf = new Set<AccountAction>(['suspend', 'reinstate', 'delete']);

/**
 * Returns true when the caller may see the account: the secretariat may see every account, a state
 * editor the accounts of their own state, and everyone their own account. Any other account gets
 * the same 404 as an unknown id.
 */
export function canSeeAccount(caller: Principal, target: TargetAccount): boolean {
  if (caller.role === 'secretariat' || target.id === caller.accountId) return true;

  return caller.role === 'state-editor' && target.state_code === caller.stateCode;
}

/**
 * Returns why the caller may not perform the action on an account they can see, or null when they
 * may. Only the secretariat acts on secretariat accounts, whatever their `state_code`. A state
 * editor acts only on state-editor and poc accounts of their own state.
 */
export function reasonToReject(
  caller: Principal,
  target: TargetAccount,
  action: AccountAction,
): ErrorText | null {
  const isSelf = target.id === caller.accountId;
  if (action === 'api-keys.create') {
    return isSelf ? null : (m) => m.problems.admin.apiKeysOwnerOnly;
  }
  if (isSelf) {
    return notOnSelf.has(action) ? (m) => m.problems.admin.notOnSelf : null;
  }
  if (target.role === 'secretariat' && caller.role !== 'secretariat') {
    return (m) => m.problems.admin.secretariatAccounts;
  }
  if (caller.role === 'secretariat') return null;

  const isOwnStateAccount =
    (target.role === 'state-editor' || target.role === 'poc') &&
    target.state_code !== null &&
    target.state_code === caller.stateCode;
  if (caller.role === 'state-editor' && isOwnStateAccount) return null;

  return (m) => m.problems.admin.ownStateAccounts;
}

/** An audit entry for a rejected action. */
export interface Rejection {
  action: string;
  target: string | null;
  reason: string;
}

/** Writes a rejection to the audit log and the debug log, and returns the error to throw. */
export async function recordRejection(
  deps: AdminDeps,
  caller: Principal,
  rejection: Rejection,
  error: DomainError,
): Promise<DomainError> {
  await recordAudit(deps.db, deps.clock, {
    accountId: caller.accountId,
    action: rejection.action,
    target: rejection.target,
    outcome: 'denied',
    details: { reason: rejection.reason, role: caller.role, state: caller.stateCode },
  });
  deps.logger.debug(
    {
      userId: caller.accountId,
      action: rejection.action,
      target: rejection.target,
      code: error.code,
    },
    'admin action rejected',
  );

  return error;
}

/** Writes a rejection for a target the caller may not see and returns the same 404 as unknown. */
export function rejectAsNotFound(
  deps: AdminDeps,
  caller: Principal,
  action: string,
  target: string,
) {
  const rejection = { action, target, reason: 'not found or not visible to the caller' };

  return recordRejection(
    deps,
    caller,
    rejection,
    notFound((m) => m.problems.admin.userNotFound),
  );
}

/** Writes a rejection and returns a 403 error with `text`, whose English is the audit reason. */
export function rejectAsForbidden(
  deps: AdminDeps,
  caller: Principal,
  attempt: Omit<Rejection, 'reason'>,
  text: ErrorText,
) {
  const error = new DomainError('forbidden', text);

  return recordRejection(deps, caller, { ...attempt, reason: error.message }, error);
}

/** Writes an allowed administrative action to the audit log. */
export async function recordAllowed(
  deps: AdminDeps,
  caller: Principal,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
) {
  await recordAudit(deps.db, deps.clock, {
    accountId: caller.accountId,
    action,
    target,
    outcome: 'allowed',
    details,
  });
}
