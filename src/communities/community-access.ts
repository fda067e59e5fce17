import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import { invalidField } from '../shared/errors.ts';
import {
  findCommunity,
  isMemberOf,
  listCommunityRows,
  type CommunityRow,
} from './communities.queries.ts';

/** An active community in the shape a TAXII collection needs, with the caller's rights on it. */
export interface CommunityAccess {
  community: CommunityRow;
  /** True for members: they read what was shared into it. */
  isMember: boolean;
}

function memberKeys(principal: Principal) {
  return { stateCode: principal.stateCode, organisationId: principal.organisationId };
}

/**
 * Lists the active communities whose collections the principal may see: every one for the
 * secretariat, and those its state or organisation belongs to for everyone else.
 */
export async function listCollectionCommunities(
  db: Kysely<Tables>,
  principal: Principal | null,
): Promise<CommunityAccess[]> {
  if (principal === null) return [];
  const isSecretariat = principal.role === 'secretariat';
  const rows = await listCommunityRows(db, isSecretariat ? null : memberKeys(principal), false);
  const mine = isSecretariat ? await listCommunityRows(db, memberKeys(principal), false) : rows;
  const memberIds = new Set(mine.map((row) => row.id));

  return rows.map((community) => ({ community, isMember: memberIds.has(community.id) }));
}

/** Returns an active community the principal may see, or undefined as for an unknown id. */
export async function findCollectionCommunity(
  db: Kysely<Tables>,
  principal: Principal | null,
  id: string,
): Promise<CommunityAccess | undefined> {
  if (principal === null) return undefined;
  const community = await findCommunity(db, id);
  if (community === undefined || community.archived_at !== null) return undefined;
  const isMember = await isMemberOf(db, id, memberKeys(principal));
  if (!isMember && principal.role !== 'secretariat') return undefined;

  return { community, isMember };
}

/**
 * Throws a 422 naming `community` unless the principal may share into it: the community must be
 * active and the principal a member of it, or the secretariat (which moderates partners' posts).
 */
export async function assertMayShareInto(
  db: Kysely<Tables>,
  principal: Principal,
  communityId: string,
): Promise<void> {
  const access = await findCollectionCommunity(db, principal, communityId);
  if (access !== undefined && (access.isMember || principal.role === 'secretariat')) return;

  throw invalidField('community', (m) => m.problems.communities.notMember);
}
