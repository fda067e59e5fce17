import type { Kysely, Migration } from 'kysely';

/**
 * Adds the preferred language of an account (a BCP 47 tag such as `fr`), in which its mail is
 * written. Null means the server's default language.
 */
export const accountLocale: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('accounts').addColumn('locale', 'text').execute();
  },
};
