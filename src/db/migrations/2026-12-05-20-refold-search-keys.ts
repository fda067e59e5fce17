import type { Kysely, Migration } from 'kysely';

import { foldForSearch } from '../../shared/text.ts';

interface FoldedTables {
  pocs: { id: string; name: string; name_key: string };
  guidance_documents: {
    id: string;
    title: string;
    tags: string;
    body: string;
    search_text: string;
  };
}

/**
 * Recomputes the stored search keys (PoC names and guidance documents) after search folding
 * learnt Latin letters without an accent decomposition (ø, æ, ß, ł) and apostrophe variants, so
 * stored rows match the same queries as new ones.
 */
export const refoldSearchKeys: Migration = {
  async up(db: Kysely<unknown>) {
    const typed = db as unknown as Kysely<FoldedTables>;

    const pocs = await typed.selectFrom('pocs').select(['id', 'name']).execute();
    for (const poc of pocs) {
      await typed
        .updateTable('pocs')
        .set({ name_key: foldForSearch(poc.name) })
        .where('id', '=', poc.id)
        .execute();
    }

    const documents = await typed
      .selectFrom('guidance_documents')
      .select(['id', 'title', 'tags', 'body'])
      .execute();
    for (const document of documents) {
      const tags = JSON.parse(document.tags) as string[];
      const searchText = foldForSearch(`${document.title} ${tags.join(' ')} ${document.body}`);
      await typed
        .updateTable('guidance_documents')
        .set({ search_text: searchText })
        .where('id', '=', document.id)
        .execute();
    }
  },
};
