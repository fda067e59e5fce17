import { hashPassword } from '../accounts/passwords.ts';
import { hashSecret } from '../shared/crypto.ts';
import type { AdminDeps } from './admin.access.ts';
import { linkStatusOf, type LinkStatus } from './link-status.ts';
import {
  claimPasswordReset,
  findPasswordResetByTokenHash,
  setPasswordHash,
  type PasswordResetRow,
} from './links.queries.ts';
import { deleteSessionsOf, findAccountListRow } from './users.queries.ts';

/** Returns the status of a password-reset link, and the reset while it can be used. */
export async function findResetLink(deps: AdminDeps, token: string) {
  const reset = await findPasswordResetByTokenHash(deps.db, hashSecret(token));
  const status = linkStatusOf(reset, deps.clock.now().toISOString());

  return { status, reset: status === 'valid' ? reset : undefined };
}

/** Result of using a password-reset link; `email` is the account's, for signing in. */
export type ResetResult =
  | { status: 'changed'; accountId: string; email: string }
  | { status: Exclude<LinkStatus, 'valid'> };

async function findActiveAccount(deps: AdminDeps, reset: PasswordResetRow) {
  const account = await findAccountListRow(deps.db, reset.account_id);

  return account === undefined || account.suspended_at !== null ? undefined : account;
}

/**
 * Sets the new password of the link's account and ends the account's other sessions, in one
 * transaction with marking the link used. A suspended account's link counts as revoked.
 */
export async function completePasswordReset(
  deps: AdminDeps,
  token: string,
  password: string,
): Promise<ResetResult> {
  const { status, reset } = await findResetLink(deps, token);
  if (status !== 'valid' || reset === undefined) {
    return { status: status === 'valid' ? 'unknown' : status };
  }
  const account = await findActiveAccount(deps, reset);
  if (account === undefined) return { status: 'revoked' };

  // Hash before the transaction: argon2 takes tens of milliseconds and needs no lock.
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now().toISOString();
  const isClaimed = await deps.db.transaction().execute(async (trx) => {
    if (!(await claimPasswordReset(trx, reset.id, now))) return false;
    await setPasswordHash(trx, account.id, passwordHash);
    await deleteSessionsOf(trx, account.id);

    return true;
  });
  if (!isClaimed) return { status: 'used' };
  deps.logger.info({ userId: account.id, resetId: reset.id }, 'password reset used');

  return { status: 'changed', accountId: account.id, email: account.email };
}
