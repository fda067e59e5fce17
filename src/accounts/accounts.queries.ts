import { sql, type Kysely, type Selectable } from 'kysely';

import type { AccountsTable, Tables } from '../db/schema.ts';
import { foldForSearch } from '../shared/text.ts';

/** A stored account row. */
export type AccountRow = Selectable<AccountsTable>;

/** Finds an account by its normalised e-mail. */
export function findAccountByEmailKey(db: Kysely<Tables>, emailKey: string) {
  return db.selectFrom('accounts').selectAll().where('email_key', '=', emailKey).executeTakeFirst();
}

/** Finds an account by id. */
export function findAccountById(db: Kysely<Tables>, id: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Finds the active account behind a token hash, if the token is not revoked. */
export function findAccountByTokenHash(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('accounts', 'accounts.id', 'api_tokens.account_id')
    .selectAll('accounts')
    .select('api_tokens.id as token_id')
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Finds the account behind an unexpired session, with the session's CSRF token and expiry. */
export function findAccountBySession(db: Kysely<Tables>, idHash: string, now: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .selectAll('accounts')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

/** Returns the preferred language of the account with this e-mail key, or null if it has none. */
export async function findAccountLocale(db: Kysely<Tables>, emailKey: string) {
  const row = await db
    .selectFrom('accounts')
    .select('locale')
    .where('email_key', '=', emailKey)
    .executeTakeFirst();

  return row?.locale ?? null;
}

/** Sets the preferred language of an account; null returns it to the server default. */
export async function updateAccountLocale(db: Kysely<Tables>, id: string, locale: string | null) {
  await db.updateTable('accounts').set({ locale }).where('id', '=', id).execute();
}

/**
 * Finds an organisation whose name matches regardless of case, accents and spacing, so that
 * `ACME Sec` and `acme  sec` are one organisation with one clearance. Partner organisations are
 * expected to number in the tens or hundreds, so the names are compared in memory.
 */
export async function findOrganisationByName(db: Kysely<Tables>, name: string) {
  const key = foldForSearch(name);
  const rows = await db.selectFrom('organisations').selectAll().execute();

  return rows.find((row) => foldForSearch(row.name) === key);
}

/**
 * Returns true when `value` names the organisation: its id in any case (ids are UUIDs, whose
 * hex digits carry no case), or its name regardless of case, accents and spacing.
 */
export function namesOrganisation(organisation: { id: string; name: string }, value: string) {
  return (
    organisation.id.toLowerCase() === value.toLowerCase() ||
    foldForSearch(organisation.name) === foldForSearch(value)
  );
}

/**
 * Finds the organisations that `values` name by id or by name, matched as `namesOrganisation`
 * does. Names are folded in memory, as in `findOrganisationByName`.
 */
export async function findOrganisationsByIdOrName(db: Kysely<Tables>, values: readonly string[]) {
  if (values.length === 0) return [];
  const rows = await db.selectFrom('organisations').selectAll().execute();

  return rows.filter((row) => values.some((value) => namesOrganisation(row, value)));
}

/** Finds organisations by id, comparing ids regardless of case. */
export function findOrganisationsByIds(db: Kysely<Tables>, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  const keys = [...new Set(ids.map((id) => id.toLowerCase()))];

  return db
    .selectFrom('organisations')
    .selectAll()
    .where(sql<string>`lower(id)`, 'in', keys)
    .execute();
}

/** Picks the row whose id equals `id` regardless of case. */
export function pickOrganisationById<Row extends { id: string }>(rows: readonly Row[], id: string) {
  const key = id.toLowerCase();

  return rows.find((row) => row.id.toLowerCase() === key);
}

/** Finds the clearance of a partner organisation, or null when it does not exist. */
export async function findOrganisationClearance(db: Kysely<Tables>, organisationId: string) {
  const row = await db
    .selectFrom('organisations')
    .select('clearance')
    .where('id', '=', organisationId)
    .executeTakeFirst();

  return row?.clearance ?? null;
}
