import type { Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';

/** An account that an upload may name as a recipient, with its organisation's name. */
export interface RecipientAccountRow {
  id: string;
  email: string;
  role: string;
  state_code: string | null;
  organisation_name: string | null;
}

/** Accounts a recipient listing includes beyond the directory's PoC accounts. */
export interface RecipientScope {
  /** Every active account, for the secretariat. */
  isEverything: boolean;
  /** Also the accounts of this state, for its state editors. */
  ownState: string | null;
  /** The caller, left out because a sharer always reads what they share. */
  excludeAccountId: string;
}

/**
 * Lists active accounts in the scope, by e-mail. Besides the scope it includes every `poc` account
 * whose e-mail is a directory entry's, because signed-in members see each entry's e-mail.
 */
export function listRecipientAccounts(
  db: Kysely<Tables>,
  scope: RecipientScope,
): Promise<RecipientAccountRow[]> {
  return db
    .selectFrom('accounts')
    .leftJoin('organisations', 'organisations.id', 'accounts.organisation_id')
    .select([
      'accounts.id',
      'accounts.email',
      'accounts.role',
      'accounts.state_code',
      'organisations.name as organisation_name',
    ])
    .where('accounts.suspended_at', 'is', null)
    .where('accounts.id', '!=', scope.excludeAccountId)
    .where((eb) => {
      if (scope.isEverything) return eb.lit(true);
      const listed = eb.and([
        eb('accounts.role', '=', 'poc'),
        eb('accounts.email_key', 'in', eb.selectFrom('pocs').select('pocs.email_key')),
      ]);
      if (scope.ownState === null) return listed;

      return eb.or([listed, eb('accounts.state_code', '=', scope.ownState)]);
    })
    .orderBy('accounts.email_key')
    .execute();
}

/** Lists every partner organisation's id and name, by name; the clearance is left out. */
export function listRecipientOrganisations(db: Kysely<Tables>) {
  return db.selectFrom('organisations').select(['id', 'name']).orderBy('name').execute();
}
