import type { Kysely, Migration } from 'kysely';

import { foldForSearch } from '../../shared/text.ts';

interface PocNames {
  pocs: {
    id: string;
    name: string;
    name_key: string;
    updated_at: string;
    last_confirmed_at: string | null;
  };
}

/**
 * Adds the fields CSIRT directories keep (emergency phone, languages, time zone, hours, OpenPGP
 * key, primary or alternate), confirmation dates, a folded name for search and duplicate checks,
 * notes on history entries, and per-state field visibility.
 */
export const pocDetails: Migration = {
  async up(db: Kysely<unknown>) {
    const columns: [string, string, boolean][] = [
      ['emergency_phone', 'text', false],
      ['languages', 'text', true],
      ['time_zone', 'text', false],
      ['hours', 'text', false],
      ['pgp_key', 'text', false],
      ['pgp_fingerprint', 'text', false],
      ['pgp_expires_at', 'text', false],
      ['contact_role', 'text', true],
      ['name_key', 'text', true],
      ['last_confirmed_at', 'text', false],
      ['confirmed_via', 'text', false],
    ];
    const defaults: Record<string, string> = {
      languages: '[]',
      contact_role: 'primary',
      name_key: '',
    };
    for (const [name, type, required] of columns) {
      await db.schema
        .alterTable('pocs')
        .addColumn(name, type as 'text', (c) =>
          required ? c.notNull().defaultTo(defaults[name]) : c,
        )
        .execute();
    }
    await db.schema
      .createIndex('pocs_name_key')
      .on('pocs')
      .columns(['state_code', 'name_key'])
      .execute();

    const typed = db as unknown as Kysely<PocNames>;
    const rows = await typed.selectFrom('pocs').select(['id', 'name', 'updated_at']).execute();
    for (const row of rows) {
      await typed
        .updateTable('pocs')
        .set({ name_key: foldForSearch(row.name), last_confirmed_at: row.updated_at })
        .where('id', '=', row.id)
        .execute();
    }

    await db.schema.alterTable('poc_history').addColumn('note', 'text').execute();

    await db.schema
      .createTable('state_field_visibility')
      .addColumn('state_code', 'text', (c) => c.notNull().references('states.code'))
      .addColumn('field', 'text', (c) => c.notNull())
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('state_field_visibility_pk', ['state_code', 'field'])
      .execute();
  },
};
