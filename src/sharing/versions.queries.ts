import { PostgresAdapter, sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import { readableOn } from './access.ts';

/** A version selector of `match[version]`; several selectors are ORed. */
export type VersionMatch = { kind: 'first' } | { kind: 'last' } | { kind: 'all' } | { key: string };

/** Filters of a page of stored versions; list filters are ORed inside and ANDed together. */
export interface VersionFilter {
  ids: readonly string[];
  types: readonly string[];
  specVersions: readonly string[];
  versions: readonly VersionMatch[];
  /** Only versions added strictly after this ISO timestamp (millisecond precision). */
  addedAfter: string | null;
  /** Only versions of this TLP level, for collections restricted to one level. */
  tlp: string | null;
  /** Only versions shared into this community, for a community's collection. */
  community: string | null;
}

/** The position after which the next page starts: objects added together share `dateAdded`. */
export interface PagePosition {
  dateAdded: string;
  seq: number;
}

/** One stored version in a page. */
export interface VersionRow {
  seq: number;
  object_id: string;
  type: string;
  spec_version: string;
  version: string;
  date_added: string;
  tlp: string;
  shared_by: string;
  data: string;
}

/** Builds the condition that another version `n` is in the same collection and readable. */
function sameScope(principal: Principal | null, filter: VersionFilter): RawBuilder<SqlBool> {
  const tlp = filter.tlp === null ? sql`` : sql` and n.tlp = ${filter.tlp}`;
  const community =
    filter.community === null ? sql`` : sql` and n.community_id = ${filter.community}`;

  return sql<SqlBool>`n.object_id = stix_objects.object_id and ${readableOn(principal, 'n')}${tlp}${community}`;
}

function versionCondition(principal: Principal | null, filter: VersionFilter) {
  const scope = sameScope(principal, filter);
  const parts: RawBuilder<SqlBool>[] = [];
  const keys: string[] = [];
  for (const match of filter.versions) {
    if ('key' in match) keys.push(match.key);
    else if (match.kind === 'all') return null;
    else {
      // A scalar subquery, not NOT EXISTS: PostgreSQL would turn NOT EXISTS into an anti-join
      // over the whole table on every page, while this probes the (object_id, version_key) index.
      const bound = match.kind === 'last' ? sql`max` : sql`min`;
      parts.push(sql<SqlBool>`stix_objects.version_key = (select ${bound}(n.version_key)
        from stix_objects n where ${scope})`);
    }
  }
  if (keys.length > 0) parts.push(sql<SqlBool>`stix_objects.version_key in (${sql.join(keys)})`);

  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * Finds one page of the versions the principal may read, ordered by (`date_added`, `seq`) so
 * that a page boundary inside a group of objects added together loses and repeats nothing.
 * Returns up to `limit + 1` rows, and an extra row means that more remain.
 */
export function findVersionPage(
  db: Kysely<Tables>,
  principal: Principal | null,
  filter: VersionFilter,
  after: PagePosition | null,
  limit: number,
): Promise<VersionRow[]> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    return versionPageQuery(db, principal, filter, after, limit).execute();
  }

  // The per-row subqueries make PostgreSQL's cost estimate large enough to start its JIT
  // compiler, which took about 0.5 s per page for a query that runs in a few milliseconds.
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);

    return versionPageQuery(trx, principal, filter, after, limit).execute();
  });
}

/** Builds the query of `findVersionPage`, so that its plan can be inspected. */
export function versionPageQuery(
  db: Kysely<Tables>,
  principal: Principal | null,
  filter: VersionFilter,
  after: PagePosition | null,
  limit: number,
) {
  let query = db
    .selectFrom('stix_objects')
    .select([
      'seq',
      'object_id',
      'type',
      'spec_version',
      'version',
      'date_added',
      'tlp',
      'shared_by',
      'data',
    ])
    .where(readableOn(principal, 'stix_objects'));
  if (filter.tlp !== null) query = query.where('tlp', '=', filter.tlp);
  if (filter.community !== null) query = query.where('community_id', '=', filter.community);
  if (filter.ids.length > 0) query = query.where('object_id', 'in', [...filter.ids]);
  if (filter.types.length > 0) query = query.where('type', 'in', [...filter.types]);
  if (filter.specVersions.length > 0) {
    query = query.where('spec_version', 'in', [...filter.specVersions]);
  }
  if (filter.addedAfter !== null) query = query.where('date_added', '>', filter.addedAfter);
  const versions = versionCondition(principal, filter);
  if (versions !== null) query = query.where(versions);
  if (after !== null) {
    // A row-value comparison lets both databases seek in the (date_added, seq) index.
    query = query.where(sql<SqlBool>`(date_added, seq) > (${after.dateAdded}, ${after.seq})`);
  }

  return query
    .orderBy('date_added')
    .orderBy('seq')
    .limit(limit + 1);
}

/** Lists who shared each stored version of an object, readable or not. */
export async function findSharersOf(db: Kysely<Tables>, objectId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('stix_objects')
    .select('shared_by')
    .where('object_id', '=', objectId)
    .execute();

  return rows.map((row) => row.shared_by);
}

/**
 * Deletes every stored version of an object with its audience entries and its owner, in one
 * transaction, so the id is free again.
 */
export async function deleteAllVersions(db: Kysely<Tables>, objectId: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('stix_object_owners').where('object_id', '=', objectId).execute();
    await trx
      .deleteFrom('stix_object_grants')
      .where('object_seq', 'in', (eb) =>
        eb.selectFrom('stix_objects').select('seq').where('object_id', '=', objectId),
      )
      .execute();
    const result = await trx
      .deleteFrom('stix_objects')
      .where('object_id', '=', objectId)
      .executeTakeFirst();

    return Number(result.numDeletedRows);
  });
}
