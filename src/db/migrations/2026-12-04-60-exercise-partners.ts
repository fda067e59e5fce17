import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Lets partner organisations take part in checks and exercises: an organisation may name the
 * state that sponsors it (whose editors may then check it), a check names the organisations it
 * addresses, and a check recipient may be a partner account instead of a PoC entry.
 */
export const exercisePartners: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('organisations').addColumn('sponsor_state', 'text').execute();
    await db.schema.alterTable('check_recipients').addColumn('organisation_id', 'text').execute();
    await db.schema.alterTable('checks').addColumn('partner_org_ids', 'text').execute();
    await db.schema
      .createIndex('organisations_sponsor_state')
      .on('organisations')
      .column('sponsor_state')
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('organisations_sponsor_state').execute();
    await sql`alter table checks drop column partner_org_ids`.execute(db);
    await sql`alter table check_recipients drop column organisation_id`.execute(db);
    await sql`alter table organisations drop column sponsor_state`.execute(db);
  },
};
