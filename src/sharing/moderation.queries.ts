import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';

/** Columns of a moderation item that lists and decisions read, without the bundle. */
export const ITEM_COLUMNS = [
  'id',
  'submitted_by',
  'organisation_id',
  'options',
  'object_count',
  'status',
  'reason',
  'decided_at',
  'result',
  'created_at',
] as const;

/** Inserts a held bundle with one row for each recipient state, in one transaction. */
export async function insertModerationItem(
  db: Kysely<Tables>,
  item: Tables['moderation_items'],
  states: readonly string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('moderation_items').values(item).execute();
    const rows = [...new Set(states)].map((code) => ({ item_id: item.id, state_code: code }));
    if (rows.length > 0) await trx.insertInto('moderation_item_states').values(rows).execute();
  });
}

/**
 * Lists, oldest first, the items a principal may read: every item for the secretariat. Other
 * principals get what their account or organisation submitted, and state editors and PoCs also
 * get the items that name their state as a recipient.
 */
export async function listVisibleItems(db: Kysely<Tables>, principal: Principal) {
  let query = db.selectFrom('moderation_items').select(ITEM_COLUMNS).orderBy('created_at');
  if (principal.role !== 'secretariat') {
    query = query.where((eb) => {
      const visible = [eb('submitted_by', '=', principal.accountId)];
      if (principal.organisationId !== null) {
        visible.push(eb('organisation_id', '=', principal.organisationId));
      }
      const moderatesStates = principal.role === 'state-editor' || principal.role === 'poc';
      if (moderatesStates && principal.stateCode !== null) {
        const states = eb
          .selectFrom('moderation_item_states')
          .select('item_id')
          .whereRef('item_id', '=', 'moderation_items.id')
          .where('state_code', '=', principal.stateCode);
        visible.push(eb.exists(states));
      }

      return eb.or(visible);
    });
  }

  return query.execute();
}
