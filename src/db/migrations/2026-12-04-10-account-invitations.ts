import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Adds one-time links for account administration: invitations that create an account, and
 * password resets. Only the SHA-256 hash of each link's token is stored.
 */
export const accountInvitations: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_key', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('state_code', 'text', (c) => c.references('states.code'))
      .addColumn('organisation_id', 'text', (c) => c.references('organisations.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('invited_by', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('account_id', 'text', (c) => c.references('accounts.id'))
      .execute();
    await db.schema
      .createIndex('invitations_email_key')
      .on('invitations')
      .column('email_key')
      .execute();

    await db.schema
      .createTable('password_resets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('requested_by', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('password_resets_account')
      .on('password_resets')
      .column('account_id')
      .execute();

    // State editors list the accounts of their own state.
    await db.schema.createIndex('accounts_state').on('accounts').column('state_code').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('accounts_state').execute();
    await sql`drop table if exists password_resets`.execute(db);
    await sql`drop table if exists invitations`.execute(db);
  },
};
