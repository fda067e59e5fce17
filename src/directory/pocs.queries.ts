import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';

import type { PocsTable, Tables } from '../db/schema.ts';
import { nameLookalikeKey } from './poc-fields.ts';

/** A stored PoC row. */
export type PocRow = Selectable<PocsTable>;

/** Lists the PoCs of one state, or of every state when `stateCode` is null. */
export function listPocRows(db: Kysely<Tables>, stateCode: string | null) {
  let query = db.selectFrom('pocs').selectAll();
  if (stateCode !== null) query = query.where('state_code', '=', stateCode);

  return query.orderBy('state_code').orderBy('level').orderBy('name').execute();
}

/** Finds a PoC by id within one state; another state's entry is not found. */
export function findPocInState(db: Kysely<Tables>, id: string, stateCode: string) {
  return db
    .selectFrom('pocs')
    .selectAll()
    .where('id', '=', id)
    .where('state_code', '=', stateCode)
    .executeTakeFirst();
}

/** Finds a PoC by id in any state. */
export function findPocById(db: Kysely<Tables>, id: string) {
  return db.selectFrom('pocs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Finds PoCs of a state with the same normalised e-mail, or a name that looks the same by
 * `nameLookalikeKey`. The skeleton is computed here rather than stored, so the state's entries
 * are read whole: a state has a handful of PoCs.
 */
export async function findLikelyDuplicates(
  db: Kysely<Tables>,
  stateCode: string,
  keys: { emailKey: string; nameKey: string },
  excludeId: string | null,
) {
  let query = db
    .selectFrom('pocs')
    .select(['id', 'level', 'name', 'email', 'email_key', 'name_key'])
    .where('state_code', '=', stateCode);
  if (excludeId !== null) query = query.where('id', '!=', excludeId);
  const lookalike = nameLookalikeKey(keys.nameKey);

  return (await query.execute()).filter(
    (row) => row.email_key === keys.emailKey || nameLookalikeKey(row.name_key) === lookalike,
  );
}

/** Returns the codes of the states that have a PoC with the normalised e-mail. */
export async function listStatesOfPocEmail(db: Kysely<Tables>, emailKey: string) {
  const rows = await db
    .selectFrom('pocs')
    .select('state_code')
    .distinct()
    .where('email_key', '=', emailKey)
    .execute();

  return rows.map((row) => row.state_code);
}

/** Inserts a PoC row. */
export async function insertPocRow(db: Kysely<Tables>, row: Insertable<PocsTable>) {
  return db.insertInto('pocs').values(row).returningAll().executeTakeFirstOrThrow();
}

/**
 * Updates a PoC row only while it is still at `version`, increments its version and returns the
 * updated row. Returns undefined when another write changed or deleted the row first: the version
 * check and the write are one statement, so two writers that read the same version cannot both
 * succeed.
 */
export async function updatePocRowAtVersion(
  db: Kysely<Tables>,
  id: string,
  version: number,
  changes: Updateable<PocsTable>,
): Promise<PocRow | undefined> {
  return db
    .updateTable('pocs')
    .set({ ...changes, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a PoC row only while it is still at `version`. Returns false when it was not. */
export async function deletePocRowAtVersion(
  db: Kysely<Tables>,
  id: string,
  version: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('pocs')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();

  return result.numDeletedRows > 0n;
}

/** Appends one entry to a PoC's change history. */
export async function insertPocHistory(
  db: Kysely<Tables>,
  entry: {
    pocId: string;
    stateCode: string;
    accountId: string;
    action: string;
    at: string;
    note: string | null;
  },
  changes: Record<string, { old: unknown; new: unknown }>,
) {
  await db
    .insertInto('poc_history')
    .values({
      poc_id: entry.pocId,
      state_code: entry.stateCode,
      account_id: entry.accountId,
      action: entry.action,
      changes: JSON.stringify(changes),
      at: entry.at,
      note: entry.note,
    })
    .execute();
}

/** Lists a PoC's history, oldest first, with the e-mail of the account that made each change. */
export function listPocHistory(db: Kysely<Tables>, pocId: string) {
  return db
    .selectFrom('poc_history')
    .leftJoin('accounts', 'accounts.id', 'poc_history.account_id')
    .select([
      'poc_history.seq',
      'poc_history.action',
      'poc_history.changes',
      'poc_history.at',
      'poc_history.note',
      'accounts.email as by',
    ])
    .where('poc_history.poc_id', '=', pocId)
    .orderBy('poc_history.seq')
    .execute();
}
