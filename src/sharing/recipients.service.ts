import type { Principal } from '../accounts/principal.ts';
import { assertMayShare } from './access.ts';
import { listRecipientAccounts, listRecipientOrganisations } from './recipients.queries.ts';
import type { SharingDeps } from './sharing.service.ts';

/** An account an upload may name in `accounts`, by its e-mail. */
export interface RecipientAccount {
  id: string;
  email: string;
  role: string;
  state: string | null;
  organisation: string | null;
}

/** Reply of `GET /api/v1/bundles/recipients`. */
export interface ShareRecipients {
  accounts: RecipientAccount[];
  organisations: { id: string; name: string }[];
}

/**
 * Lists the accounts and partner organisations the caller may name when sharing, limited to what
 * the caller may already see. Everyone sees the PoC accounts of directory entries and the partner
 * organisations' names. State editors also see their own state's accounts, and the secretariat
 * sees every active account.
 */
export async function listShareRecipients(
  deps: Pick<SharingDeps, 'db'>,
  principal: Principal,
): Promise<ShareRecipients> {
  assertMayShare(principal);

  const rows = await listRecipientAccounts(deps.db, {
    isEverything: principal.role === 'secretariat',
    ownState: principal.role === 'state-editor' ? principal.stateCode : null,
    excludeAccountId: principal.accountId,
  });
  const organisations = await listRecipientOrganisations(deps.db);

  return {
    accounts: rows.map((row) => ({
      id: row.id,
      email: row.email,
      role: row.role,
      state: row.state_code,
      organisation: row.organisation_name,
    })),
    organisations,
  };
}
