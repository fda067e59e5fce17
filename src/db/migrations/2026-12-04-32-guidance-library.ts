import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Adds the library of guidance documents. The current text sits on the document row and every
 * edit also adds a version row, so no earlier text is lost.
 */
export const guidanceLibrary: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('guidance_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('tlp', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull().references('accounts.id'))
      .addColumn('grants', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('guidance_versions')
      .addColumn('document_id', 'text', (c) => c.notNull().references('guidance_documents.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('tlp', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('edited_by', 'text', (c) => c.notNull())
      .addColumn('edited_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('guidance_versions_pk', ['document_id', 'version'])
      .execute();
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists guidance_versions`.execute(db);
    await sql`drop table if exists guidance_documents`.execute(db);
  },
};
