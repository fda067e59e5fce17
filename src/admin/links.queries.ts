import type { Kysely, Selectable } from 'kysely';

import type { InvitationsTable, PasswordResetsTable, Tables } from '../db/schema.ts';

/** A stored invitation row. */
export type InvitationRow = Selectable<InvitationsTable>;

/** A stored password-reset row. */
export type PasswordResetRow = Selectable<PasswordResetsTable>;

/** Inserts an invitation. */
export async function insertInvitation(db: Kysely<Tables>, row: InvitationRow) {
  await db.insertInto('invitations').values(row).execute();
}

/** Finds an invitation by id. */
export function findInvitationById(db: Kysely<Tables>, id: string) {
  return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Finds an invitation by the SHA-256 hash of its token. */
export function findInvitationByTokenHash(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Lists the invitations to one e-mail that are neither used, revoked nor expired. */
export function listPendingInvitations(db: Kysely<Tables>, emailKey: string, now: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('email_key', '=', emailKey)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
}

/** Revokes invitations by id. */
export async function revokeInvitations(db: Kysely<Tables>, ids: string[], now: string) {
  if (ids.length === 0) return;
  await db.updateTable('invitations').set({ revoked_at: now }).where('id', 'in', ids).execute();
}

/**
 * Marks an invitation used if it is still pending; returns false when another request used it
 * first, or it was revoked or expired meanwhile. The single conditional UPDATE makes the token
 * single-use under concurrent requests.
 */
export function claimInvitation(db: Kysely<Tables>, id: string, now: string) {
  return claimPendingLink(db, 'invitations', id, now);
}

/** Undoes `claimInvitation` after the account could not be created. */
export async function releaseInvitation(db: Kysely<Tables>, id: string, claimedAt: string) {
  await db
    .updateTable('invitations')
    .set({ used_at: null })
    .where('id', '=', id)
    .where('used_at', '=', claimedAt)
    .where('account_id', 'is', null)
    .execute();
}

/** Links a used invitation to the account it created. */
export async function setInvitationAccount(db: Kysely<Tables>, id: string, accountId: string) {
  await db.updateTable('invitations').set({ account_id: accountId }).where('id', '=', id).execute();
}

/** Inserts a password reset. */
export async function insertPasswordReset(db: Kysely<Tables>, row: PasswordResetRow) {
  await db.insertInto('password_resets').values(row).execute();
}

/** Finds a password reset by id. */
export function findPasswordResetById(db: Kysely<Tables>, id: string) {
  return db.selectFrom('password_resets').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Finds a password reset by the SHA-256 hash of its token. */
export function findPasswordResetByTokenHash(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('password_resets')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Revokes every unused password reset of an account. */
export async function revokePasswordResetsOf(db: Kysely<Tables>, accountId: string, now: string) {
  await db
    .updateTable('password_resets')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Marks a password reset used if it is still pending; returns false otherwise. */
export function claimPasswordReset(db: Kysely<Tables>, id: string, now: string) {
  return claimPendingLink(db, 'password_resets', id, now);
}

/** Marks a one-time link used if it is still pending; returns false otherwise. */
async function claimPendingLink(
  db: Kysely<Tables>,
  table: 'invitations' | 'password_resets',
  id: string,
  now: string,
) {
  const result = await db
    .updateTable(table)
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Sets an account's password hash. */
export async function setPasswordHash(db: Kysely<Tables>, accountId: string, hash: string) {
  await db
    .updateTable('accounts')
    .set({ password_hash: hash })
    .where('id', '=', accountId)
    .execute();
}
