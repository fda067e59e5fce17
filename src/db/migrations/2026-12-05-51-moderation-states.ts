import type { Kysely, Migration } from 'kysely';

/**
 * Stores the recipient states of each moderation item as rows, so the queue of a state's
 * moderators is selected in SQL rather than by reading every item's sharing options. Items held
 * before this migration get their rows from those options.
 */
export const moderationStates: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('moderation_item_states')
      .addColumn('item_id', 'text', (c) => c.notNull().references('moderation_items.id'))
      .addColumn('state_code', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('moderation_item_states_pk', ['item_id', 'state_code'])
      .execute();
    await db.schema
      .createIndex('moderation_item_states_state')
      .on('moderation_item_states')
      .columns(['state_code', 'item_id'])
      .execute();

    const items = db as Kysely<{ moderation_items: { id: string; options: string } }>;
    const rows = await items.selectFrom('moderation_items').select(['id', 'options']).execute();
    const states = rows.flatMap(({ id, options }) => {
      const codes = (JSON.parse(options) as { states?: unknown }).states;
      const unique = Array.isArray(codes) ? [...new Set(codes.map(String))] : [];

      return unique.map((code) => ({ item_id: id, state_code: code }));
    });
    const target = db as Kysely<{
      moderation_item_states: { item_id: string; state_code: string };
    }>;
    // Chunks keep each statement under SQLite's limit of bound parameters.
    for (let i = 0; i < states.length; i += 500) {
      await target
        .insertInto('moderation_item_states')
        .values(states.slice(i, i + 500))
        .execute();
    }
  },
};
