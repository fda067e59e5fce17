import type { Kysely, Migration } from 'kysely';

/**
 * Adds sharing communities: named groups of states and partner organisations that the
 * secretariat keeps, each served as a TAXII collection. A STIX version shared into a community
 * records it in `stix_objects.community_id`, and only the community's members read it.
 */
export const sharingCommunities: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('communities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('archived_at', 'text')
      .execute();
    await db.schema
      .createTable('community_members')
      .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
      .addColumn('member_kind', 'text', (c) => c.notNull())
      .addColumn('member', 'text', (c) => c.notNull())
      .addColumn('added_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('community_members_pk', ['community_id', 'member_kind', 'member'])
      .execute();
    // The read rule asks "is this state or organisation a member of the version's community".
    await db.schema
      .createIndex('community_members_member')
      .on('community_members')
      .columns(['member_kind', 'member', 'community_id'])
      .execute();
    await db.schema
      .alterTable('stix_objects')
      .addColumn('community_id', 'text', (c) => c.references('communities.id'))
      .execute();
    // A community collection pages its versions by (date_added, seq), like every collection.
    await db.schema
      .createIndex('stix_objects_community')
      .on('stix_objects')
      .columns(['community_id', 'date_added', 'seq'])
      .execute();
  },
};
