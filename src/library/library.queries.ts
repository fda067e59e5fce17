import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';

import type { GuidanceDocumentsTable, GuidanceVersionsTable, Tables } from '../db/schema.ts';

/** A stored guidance document. */
export type DocumentRow = Selectable<GuidanceDocumentsTable>;

/** Inserts a document and its first version. */
export async function insertDocument(
  db: Kysely<Tables>,
  row: Insertable<GuidanceDocumentsTable>,
  version: Insertable<GuidanceVersionsTable>,
) {
  await db.insertInto('guidance_documents').values(row).execute();
  await db.insertInto('guidance_versions').values(version).execute();
}

/**
 * Changes a document only while it is still at `baseVersion`, and adds the new version row.
 * Returns false when another edit came first.
 */
export async function updateDocument(
  db: Kysely<Tables>,
  id: string,
  baseVersion: number,
  changes: Updateable<GuidanceDocumentsTable>,
  version: Insertable<GuidanceVersionsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('guidance_documents')
    .set(changes)
    .where('id', '=', id)
    .where('version', '=', baseVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await db.insertInto('guidance_versions').values(version).execute();

  return true;
}

/** Finds a document by id. */
export function findDocument(db: Kysely<Tables>, id: string) {
  return db.selectFrom('guidance_documents').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lists documents whose folded text contains every word, newest change first. */
export function searchDocuments(db: Kysely<Tables>, words: readonly string[], limit: number) {
  let query = db.selectFrom('guidance_documents').selectAll();
  for (const word of words) {
    const pattern = `%${escapeLike(word)}%`;
    query = query.where(sql<boolean>`search_text like ${pattern} escape '\\'`);
  }

  return query.orderBy('updated_at', 'desc').limit(limit).execute();
}

/** Lists the stored versions of a document, oldest first. */
export function listVersions(db: Kysely<Tables>, documentId: string) {
  return db
    .selectFrom('guidance_versions')
    .selectAll()
    .where('document_id', '=', documentId)
    .orderBy('version')
    .execute();
}

// `like` treats % and _ as wildcards; the search words are matched literally.
function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
