import type { Kysely, Selectable } from 'kysely';

import type { OrganisationsTable, Tables } from '../db/schema.ts';

/** A stored organisation row. */
export type OrganisationRow = Selectable<OrganisationsTable>;

/** An account row with its organisation's name, as the user list needs it. */
export interface AccountListRow {
  id: string;
  email: string;
  role: string;
  state_code: string | null;
  organisation_id: string | null;
  organisation_name: string | null;
  suspended_at: string | null;
  created_at: string;
}

function selectAccounts(db: Kysely<Tables>) {
  return db
    .selectFrom('accounts')
    .leftJoin('organisations', 'organisations.id', 'accounts.organisation_id')
    .select([
      'accounts.id',
      'accounts.email',
      'accounts.role',
      'accounts.state_code',
      'accounts.organisation_id',
      'organisations.name as organisation_name',
      'accounts.suspended_at',
      'accounts.created_at',
    ]);
}

/** Lists accounts by e-mail, all of them or those of one state. */
export function listAccountRows(
  db: Kysely<Tables>,
  stateCode: string | null,
): Promise<AccountListRow[]> {
  let query = selectAccounts(db).orderBy('accounts.email_key');
  if (stateCode !== null) query = query.where('accounts.state_code', '=', stateCode);

  return query.execute();
}

/** Finds one account with its organisation's name. */
export function findAccountListRow(
  db: Kysely<Tables>,
  id: string,
): Promise<AccountListRow | undefined> {
  return selectAccounts(db).where('accounts.id', '=', id).executeTakeFirst();
}

/** Sets or clears an account's suspension time; an existing suspension keeps its first time. */
export async function setSuspendedAt(db: Kysely<Tables>, accountId: string, at: string | null) {
  let query = db.updateTable('accounts').set({ suspended_at: at }).where('id', '=', accountId);
  if (at !== null) query = query.where('suspended_at', 'is', null);
  await query.execute();
}

/** Ends every browser session of an account. */
export async function deleteSessionsOf(db: Kysely<Tables>, accountId: string) {
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute();
}

/** Revokes every API token of an account that is not revoked yet. */
export async function revokeTokensOf(db: Kysely<Tables>, accountId: string, now: string) {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Finds an API token of one account by id, without its hash. */
export function findTokenOf(db: Kysely<Tables>, accountId: string, tokenId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
    .where('id', '=', tokenId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Lists organisations by name. */
export function listOrganisationRows(db: Kysely<Tables>): Promise<OrganisationRow[]> {
  return db.selectFrom('organisations').selectAll().orderBy('name').execute();
}

/** Finds an organisation by id. */
export function findOrganisationById(db: Kysely<Tables>, id: string) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts an organisation and returns it. */
export function insertOrganisation(db: Kysely<Tables>, row: OrganisationRow) {
  return db.insertInto('organisations').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Changes an organisation's clearance or sponsoring state and returns the updated row. */
export function updateOrganisationClearance(
  db: Kysely<Tables>,
  id: string,
  changes: Partial<Pick<OrganisationRow, 'clearance' | 'sponsor_state'>>,
) {
  return db
    .updateTable('organisations')
    .set(changes)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Finds a state's name by its alpha-2 code. */
export async function findStateName(db: Kysely<Tables>, code: string): Promise<string | null> {
  const row = await db
    .selectFrom('states')
    .select('name')
    .where('code', '=', code)
    .executeTakeFirst();

  return row?.name ?? null;
}
