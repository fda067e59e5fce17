import { sql, type Insertable, type Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { StixObjectGrantsTable, StixObjectsTable, Tables } from '../db/schema.ts';
import { whereReadable } from './access.ts';

/**
 * Rows per INSERT statement. SQLite allows 32,766 bound parameters per statement and PostgreSQL
 * 65,535; a version row has 12 columns and a grant row 3, so both chunks stay far below either.
 */
const VERSION_CHUNK = 1000;
const GRANT_CHUNK = 5000;
/** Values per `IN (...)` list, far below both parameter limits. */
const LOOKUP_CHUNK = 2000;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));

  return chunks;
}

/** A stored version as the import compares it with incoming ones. */
export interface StoredVersion {
  object_id: string;
  version: string;
  version_key: string;
  data: string;
  shared_by: string;
  sharer_state: string | null;
  sharer_org: string | null;
}

/** Finds every stored version of the given object ids. */
export async function findVersionsOf(
  db: Kysely<Tables>,
  objectIds: readonly string[],
): Promise<StoredVersion[]> {
  const rows: StoredVersion[] = [];
  for (const ids of chunk(objectIds, LOOKUP_CHUNK)) {
    const found = await db
      .selectFrom('stix_objects')
      .select([
        'object_id',
        'version',
        'version_key',
        'data',
        'shared_by',
        'sharer_state',
        'sharer_org',
      ])
      .where('object_id', 'in', ids)
      .execute();
    rows.push(...found);
  }

  return rows;
}

/**
 * Claims each object id for `owner` unless another owner claimed it first, and returns the owner
 * of every id. Ids are claimed in sorted order. On PostgreSQL the claim of an id that another
 * open transaction has just claimed waits until that transaction ends, so two imports of one id
 * run one after the other. Call it inside the import's transaction, before reading versions.
 */
export async function claimObjects(
  db: Kysely<Tables>,
  objectIds: readonly string[],
  owner: string,
): Promise<Map<string, string>> {
  const sorted = [...objectIds].sort();
  for (const ids of chunk(sorted, LOOKUP_CHUNK)) {
    await db
      .insertInto('stix_object_owners')
      .values(ids.map((id) => ({ object_id: id, owner })))
      .onConflict((oc) => oc.column('object_id').doNothing())
      .execute();
  }
  const owners = new Map<string, string>();
  for (const ids of chunk(sorted, LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom('stix_object_owners')
      .select(['object_id', 'owner'])
      .where('object_id', 'in', ids)
      .execute();
    for (const row of rows) owners.set(row.object_id, row.owner);
  }

  return owners;
}

/** Finds the latest stored version of each given marking definition. */
export async function findMarkingDefinitions(
  db: Kysely<Tables>,
  markingIds: readonly string[],
): Promise<StoredVersion[]> {
  if (markingIds.length === 0) return [];
  const rows = await findVersionsOf(db, markingIds);
  const latest = new Map<string, StoredVersion>();
  for (const row of rows) {
    const current = latest.get(row.object_id);
    if (current === undefined || row.version_key > current.version_key) {
      latest.set(row.object_id, row);
    }
  }

  return [...latest.values()];
}

/** Inserts versions, skipping any already stored; returns the sequence number of each new row. */
export async function insertVersions(
  db: Kysely<Tables>,
  rows: readonly Insertable<StixObjectsTable>[],
): Promise<{ seq: number; object_id: string; version_key: string }[]> {
  const inserted: { seq: number; object_id: string; version_key: string }[] = [];
  for (const part of chunk(rows, VERSION_CHUNK)) {
    const result = await db
      .insertInto('stix_objects')
      .values(part)
      .onConflict((oc) => oc.columns(['object_id', 'version_key']).doNothing())
      .returning(['seq', 'object_id', 'version_key'])
      .execute();
    inserted.push(...result);
  }

  return inserted;
}

/** Inserts audience entries of stored versions. */
export async function insertGrants(
  db: Kysely<Tables>,
  grants: readonly Insertable<StixObjectGrantsTable>[],
): Promise<void> {
  for (const part of chunk(grants, GRANT_CHUNK)) {
    await db
      .insertInto('stix_object_grants')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Finds which of the given state codes exist. */
export async function findStateCodes(db: Kysely<Tables>, codes: readonly string[]) {
  if (codes.length === 0) return [];
  const rows = await db.selectFrom('states').select('code').where('code', 'in', codes).execute();

  return rows.map((row) => row.code);
}

/** Finds organisations named by id or by name, with their clearance. */
export function findOrganisations(db: Kysely<Tables>, idsOrNames: readonly string[]) {
  if (idsOrNames.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('organisations')
    .select(['id', 'name', 'clearance'])
    .where((eb) => eb.or([eb('id', 'in', idsOrNames), eb('name', 'in', idsOrNames)]))
    .execute();
}

/**
 * Finds accounts by normalised e-mail, with their role and their organisation's clearance (null
 * for accounts without an organisation).
 */
export function findAccountsByEmailKeys(db: Kysely<Tables>, emailKeys: readonly string[]) {
  if (emailKeys.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('accounts as a')
    .leftJoin('organisations as o', 'o.id', 'a.organisation_id')
    .select(['a.id', 'a.email_key', 'a.role', 'o.clearance'])
    .where('a.email_key', 'in', emailKeys)
    .execute();
}

/** Every version the principal may read, as a query to narrow further. */
export function readableVersions(db: Kysely<Tables>, principal: Principal | null) {
  return db.selectFrom('stix_objects').where(whereReadable(principal));
}

/**
 * Finds the version of an object that the principal may read: the given version, or else the
 * latest readable one. Returns undefined for unknown and unreadable objects alike.
 */
export function findReadableVersion(
  db: Kysely<Tables>,
  principal: Principal | null,
  objectId: string,
  versionKey: string | null,
) {
  let query = readableVersions(db, principal)
    .select(['seq', 'object_id', 'version', 'date_added', 'tlp', 'data'])
    .where('object_id', '=', objectId);
  if (versionKey !== null) query = query.where('version_key', '=', versionKey);

  return query.orderBy('version_key', 'desc').limit(1).executeTakeFirst();
}

/** Filter of `exportObjects`. */
export interface ExportFilter {
  type?: string | undefined;
  limit: number;
}

/**
 * Lists the latest readable version of each object, by severity, requested response time and age. An object whose
 * latest version the principal may not read appears with the latest version it may read.
 */
export function exportObjects(
  db: Kysely<Tables>,
  principal: Principal | null,
  filter: ExportFilter,
) {
  let readable = readableVersions(db, principal).select([
    'seq',
    'object_id',
    'type',
    'version',
    'version_key',
    'date_added',
    'tlp',
    'data',
    'severity',
    'respond_by',
    sql<number>`row_number() over (partition by object_id order by version_key desc)`.as('rank'),
  ]);
  if (filter.type !== undefined) readable = readable.where('type', '=', filter.type);

  return (
    db
      .selectFrom(readable.as('readable'))
      .select(['seq', 'object_id', 'type', 'version', 'date_added', 'tlp', 'data'])
      .where('rank', '=', 1)
      // Highest severity first, then the earliest requested response (none last), then newest.
      .orderBy('severity', 'desc')
      .orderBy(sql`respond_by is null`)
      .orderBy('respond_by')
      .orderBy('version_key', 'desc')
      .orderBy('seq', 'desc')
      .limit(filter.limit)
      .execute()
  );
}
