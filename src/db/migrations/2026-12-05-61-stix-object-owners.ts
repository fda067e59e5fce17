import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Records the creator of each STIX object in its own table, keyed by the object's id. An import
 * claims each id there before it reads the stored versions, so on PostgreSQL two imports of one
 * id wait for each other instead of both seeing no versions and both storing one. Objects stored
 * before this migration are claimed by the sharer of their earliest version.
 */
export const stixObjectOwners: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('stix_object_owners')
      .addColumn('object_id', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .execute();

    await sql`insert into stix_object_owners (object_id, owner)
      select s.object_id,
        case
          when s.sharer_state is not null then 'state:' || s.sharer_state
          when s.sharer_org is not null then 'organisation:' || s.sharer_org
          else 'secretariat'
        end
      from stix_objects s
      where s.seq = (select min(f.seq) from stix_objects f where f.object_id = s.object_id)`.execute(
      db,
    );
  },
};
