import type { Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';
import { listStatesOfPocEmail } from '../directory/pocs.queries.ts';
import { invalidField } from '../shared/errors.ts';
import type { Role } from './principal.ts';

/**
 * Rejects an account address that a state lists as a PoC in the directory, unless the account
 * is a `poc` or `state-editor` of that state. Alerts to the state reach the address, so any other
 * account with it would read them, across states or above a partner's clearance. Creating or
 * changing a PoC applies the same rule from the other side.
 * NOTE: on PostgreSQL a PoC saved at the same moment by a concurrent transaction is not seen.
 */
export async function checkPocAddress(
  db: Kysely<Tables>,
  account: { role: Role; stateCode: string | null },
  emailKey: string,
): Promise<void> {
  const states = await listStatesOfPocEmail(db, emailKey);
  if (account.role === 'poc' || account.role === 'state-editor') {
    if (states.some((state) => state !== account.stateCode)) {
      throw invalidField('email', (m) => m.problems.accounts.pocOfOtherState);
    }
    return;
  }
  if (states.length > 0) throw invalidField('email', (m) => m.problems.accounts.pocOfState);
}
