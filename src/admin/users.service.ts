import type { Principal, Role } from '../accounts/principal.ts';
import { createToken, listTokens, revokeToken } from '../accounts/accounts.service.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import {
  canSeeAccount,
  recordAllowed,
  reasonToReject,
  rejectAsForbidden,
  rejectAsNotFound,
  type AccountAction,
  type AdminDeps,
} from './admin.access.ts';
import { passwordResetMailJob } from './admin-mail.job.ts';
import { ApiKeyRequest, type ApiKeyView, type UserView } from './admin.schema.ts';
import { insertPasswordReset, revokePasswordResetsOf } from './links.queries.ts';
import {
  deleteSessionsOf,
  findAccountListRow,
  findTokenOf,
  listAccountRows,
  revokeTokensOf,
  setSuspendedAt,
  type AccountListRow,
} from './users.queries.ts';

/** How long a password-reset link can be used, in milliseconds (24 hours). */
export const PASSWORD_RESET_TTL_MS = 24 * 60 * 60 * 1000;

/** Converts an account row into the API's view. */
export function toUserView(row: AccountListRow): UserView {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    state: row.state_code,
    organisation:
      row.organisation_id === null
        ? null
        : { id: row.organisation_id, name: row.organisation_name ?? '' },
    suspended: row.suspended_at !== null,
    createdAt: row.created_at,
  };
}

/**
 * Finds an account the caller may act on. An account the caller may not see gives the same 404
 * as an unknown id; a visible one the rules protect gives a 403. Both are audited.
 */
async function requireTarget(
  deps: AdminDeps,
  caller: Principal,
  id: string,
  action: AccountAction,
): Promise<AccountListRow> {
  const auditAction = `user.${action}`;
  const row = await findAccountListRow(deps.db, id);
  if (row === undefined || !canSeeAccount(caller, row)) {
    throw await rejectAsNotFound(deps, caller, auditAction, `account:${id}`);
  }
  const reason = reasonToReject(caller, row, action);
  if (reason !== null) {
    const attempt = { action: auditAction, target: `account:${id}` };
    throw await rejectAsForbidden(deps, caller, attempt, reason);
  }

  return row;
}

async function reload(deps: AdminDeps, id: string): Promise<UserView> {
  const row = await findAccountListRow(deps.db, id);
  if (row === undefined) throw notFound((m) => m.problems.admin.userNotFound);

  return toUserView(row);
}

/** Lists accounts: all of them for the secretariat, those of their own state for an editor. */
export async function listUsers(deps: AdminDeps, caller: Principal): Promise<UserView[]> {
  if (caller.role === 'secretariat') return (await listAccountRows(deps.db, null)).map(toUserView);
  if (caller.role === 'state-editor' && caller.stateCode !== null) {
    return (await listAccountRows(deps.db, caller.stateCode)).map(toUserView);
  }

  const attempt = { action: 'user.list', target: null };
  throw await rejectAsForbidden(deps, caller, attempt, (m) => m.problems.admin.listAccounts);
}

/**
 * Suspends an account and ends its sessions. Its API tokens stop working while it is suspended,
 * because authentication rejects suspended accounts, and work again after reinstatement.
 */
export async function suspendUser(deps: AdminDeps, caller: Principal, id: string) {
  await requireTarget(deps, caller, id, 'suspend');
  const now = deps.clock.now().toISOString();

  await deps.db.transaction().execute(async (trx) => {
    await setSuspendedAt(trx, id, now);
    await deleteSessionsOf(trx, id);
    await revokePasswordResetsOf(trx, id, now);
    await recordAllowed({ ...deps, db: trx }, caller, 'user.suspend', `account:${id}`);
  });
  deps.logger.info({ userId: caller.accountId, targetId: id }, 'account suspended');

  return reload(deps, id);
}

/** Lifts an account's suspension. */
export async function reinstateUser(deps: AdminDeps, caller: Principal, id: string) {
  await requireTarget(deps, caller, id, 'reinstate');

  await deps.db.transaction().execute(async (trx) => {
    await setSuspendedAt(trx, id, null);
    await recordAllowed({ ...deps, db: trx }, caller, 'user.reinstate', `account:${id}`);
  });
  deps.logger.info({ userId: caller.accountId, targetId: id }, 'account reinstated');

  return reload(deps, id);
}

/**
 * Removes an account from use: suspends it and revokes its API tokens, sessions and reset links.
 * The row stays, because history and the audit log refer to it.
 */
export async function deleteUser(deps: AdminDeps, caller: Principal, id: string) {
  await requireTarget(deps, caller, id, 'delete');
  const now = deps.clock.now().toISOString();

  await deps.db.transaction().execute(async (trx) => {
    await setSuspendedAt(trx, id, now);
    await deleteSessionsOf(trx, id);
    await revokeTokensOf(trx, id, now);
    await revokePasswordResetsOf(trx, id, now);
    await recordAllowed({ ...deps, db: trx }, caller, 'user.delete', `account:${id}`);
  });
  deps.logger.info({ userId: caller.accountId, targetId: id }, 'account deleted');
}

/**
 * Queues a mail with a one-time link to choose a new password; earlier unused links of the
 * account stop working. The current password stays valid until the link is used.
 */
export async function requestPasswordReset(deps: AdminDeps, caller: Principal, id: string) {
  const target = await requireTarget(deps, caller, id, 'password-reset');
  if (target.suspended_at !== null) {
    throw new DomainError('conflict', (m) => m.problems.admin.suspended);
  }

  const resetId = newId();
  const token = newSecret();
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + PASSWORD_RESET_TTL_MS).toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await revokePasswordResetsOf(trx, id, now.toISOString());
    await insertPasswordReset(trx, {
      id: resetId,
      account_id: id,
      token_hash: hashSecret(token),
      requested_by: caller.accountId,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      used_at: null,
      revoked_at: null,
    });
    await enqueueJob(
      trx,
      deps.clock,
      passwordResetMailJob,
      { resetId, token },
      {
        idempotencyKey: `password-reset-mail:${resetId}`,
      },
    );
    await recordAllowed({ ...deps, db: trx }, caller, 'user.password-reset', `account:${id}`);
  });
  deps.logger.info({ userId: caller.accountId, targetId: id, resetId }, 'password reset sent');

  return { id: resetId, expiresAt };
}

/** Lists an account's API keys without their secrets. */
export async function listApiKeys(
  deps: AdminDeps,
  caller: Principal,
  id: string,
): Promise<ApiKeyView[]> {
  const target = await requireTarget(deps, caller, id, 'api-keys.list');
  const rows = await listTokens(deps, target.email);

  return rows.map((row) => ({
    id: row.id,
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

/** Creates an API key for the caller's own account; the key is returned this once only. */
export async function createApiKey(deps: AdminDeps, caller: Principal, id: string, input: unknown) {
  const data = parseInput(ApiKeyRequest, input, 'apiKey');
  const target = await requireTarget(deps, caller, id, 'api-keys.create');
  const { id: keyId, token } = await createToken(deps, target.email, data.label);
  const key = await findTokenOf(deps.db, id, keyId);
  await recordAllowed(deps, caller, 'user.api-keys.create', `api-token:${keyId}`);
  deps.logger.info({ userId: caller.accountId, keyId }, 'api key created');

  return { id: keyId, label: data.label, createdAt: key?.created_at ?? null, token };
}

/** Revokes one API key of an account. */
export async function revokeApiKey(deps: AdminDeps, caller: Principal, id: string, keyId: string) {
  await requireTarget(deps, caller, id, 'api-keys.revoke');
  const key = await findTokenOf(deps.db, id, keyId);
  if (key === undefined) throw notFound((m) => m.problems.admin.apiKeyNotFound);

  await revokeToken(deps, { id: keyId });
  await recordAllowed(deps, caller, 'user.api-keys.revoke', `api-token:${keyId}`);
  deps.logger.info({ userId: caller.accountId, targetId: id, keyId }, 'api key revoked');
}
