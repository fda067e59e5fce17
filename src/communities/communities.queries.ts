import type { Insertable, Kysely } from 'kysely';

import type { CommunitiesTable, CommunityMembersTable, Tables } from '../db/schema.ts';

/** A stored community row. */
export type CommunityRow = CommunitiesTable;

/** A state or organisation that may belong to communities; null fields match nothing. */
export interface MemberKeys {
  stateCode: string | null;
  organisationId: string | null;
}

/** Finds one community by id, archived or not. */
export function findCommunity(db: Kysely<Tables>, id: string) {
  return db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Finds a community by its lower-case name, to refuse a second one of the same name. */
export function findCommunityByNameKey(db: Kysely<Tables>, nameKey: string) {
  return db
    .selectFrom('communities')
    .select('id')
    .where('name_key', '=', nameKey)
    .executeTakeFirst();
}

/**
 * Lists communities by name: every one for the secretariat (`member` null), or only those the
 * state or organisation belongs to. Archived ones only when asked.
 */
export function listCommunityRows(
  db: Kysely<Tables>,
  member: MemberKeys | null,
  includeArchived: boolean,
) {
  let query = db.selectFrom('communities').selectAll();
  if (!includeArchived) query = query.where('archived_at', 'is', null);
  if (member !== null) {
    query = query.where('id', 'in', (eb) =>
      eb
        .selectFrom('community_members')
        .select('community_id')
        .where((m) =>
          m.or([
            m.and([m('member_kind', '=', 'state'), m('member', '=', member.stateCode ?? '')]),
            m.and([
              m('member_kind', '=', 'organisation'),
              m('member', '=', member.organisationId ?? ''),
            ]),
          ]),
        ),
    );
  }

  return query.orderBy('name_key').execute();
}

/** Lists the members of the given communities. */
export function listMembers(db: Kysely<Tables>, communityIds: readonly string[]) {
  if (communityIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('community_members')
    .selectAll()
    .where('community_id', 'in', [...communityIds])
    .orderBy('member')
    .execute();
}

/** Inserts a community. */
export async function insertCommunity(db: Kysely<Tables>, row: Insertable<CommunitiesTable>) {
  await db.insertInto('communities').values(row).execute();
}

/** Updates the name, description, update time or archive time of a community. */
export async function updateCommunityRow(
  db: Kysely<Tables>,
  id: string,
  values: Partial<
    Pick<CommunityRow, 'name' | 'name_key' | 'description' | 'updated_at' | 'archived_at'>
  >,
) {
  await db.updateTable('communities').set(values).where('id', '=', id).execute();
}

/** Adds members to a community. */
export async function insertMembers(
  db: Kysely<Tables>,
  rows: readonly Insertable<CommunityMembersTable>[],
) {
  if (rows.length === 0) return;
  await db
    .insertInto('community_members')
    .values([...rows])
    .execute();
}

/** Removes members of one kind from a community. */
export async function deleteMembers(
  db: Kysely<Tables>,
  communityId: string,
  kind: CommunityMembersTable['member_kind'],
  members: readonly string[],
) {
  if (members.length === 0) return;
  await db
    .deleteFrom('community_members')
    .where('community_id', '=', communityId)
    .where('member_kind', '=', kind)
    .where('member', 'in', [...members])
    .execute();
}

/** Returns true when the state or organisation belongs to the community. */
export async function isMemberOf(db: Kysely<Tables>, communityId: string, member: MemberKeys) {
  const row = await db
    .selectFrom('community_members')
    .select('community_id')
    .where('community_id', '=', communityId)
    .where((m) =>
      m.or([
        m.and([m('member_kind', '=', 'state'), m('member', '=', member.stateCode ?? '')]),
        m.and([
          m('member_kind', '=', 'organisation'),
          m('member', '=', member.organisationId ?? ''),
        ]),
      ]),
    )
    .executeTakeFirst();

  return row !== undefined;
}
