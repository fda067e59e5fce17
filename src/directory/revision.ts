import { sql, type Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';

const KEY = 'directory_revision';

/**
 * Counts a change to what the directory shows. Every write to PoC entries or visibility calls
 * it in the same transaction, so every instance sees a new revision once the change commits.
 */
export async function bumpDirectoryRevision(db: Kysely<Tables>): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key: KEY, value: '1' })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        value: sql<string>`cast(cast(settings.value as integer) + 1 as text)`,
      }),
    )
    .execute();
}

/** Reads the directory's current revision; 0 before the first change. */
export async function readDirectoryRevision(db: Kysely<Tables>): Promise<number> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', KEY)
    .executeTakeFirst();

  return row === undefined ? 0 : Number(row.value);
}
