import { sql, type Kysely, type Migration } from 'kysely';

import {
  canonicalIdentifier,
  isIdentifier,
  withCanonicalIdentifiers,
} from '../../sharing/stix-identifiers.ts';

interface VersionRow {
  seq: number;
  object_id: string;
  version: string;
  version_key: string;
  data: string;
  shared_by: string;
  sharer_state: string | null;
  sharer_org: string | null;
}

interface LowerCaseTables {
  stix_objects: VersionRow;
  stix_object_grants: { object_seq: number };
  alerts: { id: string; object_ids: string };
  audit_log: {
    at: string;
    account_id: string | null;
    action: string;
    target: string | null;
    outcome: 'allowed' | 'denied';
    details: string;
  };
}

type Db = Kysely<LowerCaseTables>;

/** Values per `IN (...)` list and rows per batch, far below both databases' parameter limits. */
const CHUNK = 500;

function ownerOf(row: VersionRow): string {
  if (row.sharer_state !== null) return `state:${row.sharer_state}`;

  return row.sharer_org === null ? 'secretariat' : `organisation:${row.sharer_org}`;
}

/**
 * Splits the stored versions of one id, in all its spellings, into those kept and those removed.
 * The earliest row names the creator. Versions another state or organisation added under another
 * spelling break "only the creator adds versions" and are removed, and so is a later row with the
 * same version as a kept one, because the unique (object_id, version_key) key allows only one.
 */
function splitVersions(rows: VersionRow[]): { kept: VersionRow[]; removed: VersionRow[] } {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  const creator = sorted[0] === undefined ? null : ownerOf(sorted[0]);
  const keys = new Set<string>();
  const kept: VersionRow[] = [];
  const removed: VersionRow[] = [];
  for (const row of sorted) {
    if (ownerOf(row) !== creator || keys.has(row.version_key)) {
      removed.push(row);
      continue;
    }
    keys.add(row.version_key);
    kept.push(row);
  }

  return { kept, removed };
}

/**
 * Records in the audit trail each version the migration removed. The object's content is left
 * out, because the secretariat, who reads the trail, may not be cleared for it.
 */
async function auditRemoved(db: Db, removed: readonly VersionRow[]): Promise<void> {
  const at = new Date().toISOString();
  const entries = removed.map((row) => ({
    at,
    account_id: null,
    action: 'stix.version-removed',
    target: `stix-object:${canonicalIdentifier(row.object_id)}`,
    outcome: 'allowed' as const,
    details: JSON.stringify({
      reason: 'another spelling of an id that an earlier sharer created',
      objectId: row.object_id,
      version: row.version,
      sharedBy: row.shared_by,
    }),
  }));
  for (let i = 0; i < entries.length; i += CHUNK) {
    await db
      .insertInto('audit_log')
      .values(entries.slice(i, i + CHUNK))
      .execute();
  }
}

/** Gives every stored version an id in lower case, merging the spellings of one id. */
async function lowerCaseVersionIds(db: Db): Promise<void> {
  const mixed = await db
    .selectFrom('stix_objects')
    .select('object_id')
    .distinct()
    .where(sql<boolean>`object_id <> lower(object_id)`)
    .execute();
  const canonical = [...new Set(mixed.map((row) => canonicalIdentifier(row.object_id)))];

  for (let i = 0; i < canonical.length; i += CHUNK) {
    const ids = canonical.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('stix_objects')
      .selectAll()
      .where(sql<boolean>`lower(object_id) in (${sql.join(ids)})`)
      .execute();
    const byId = new Map<string, VersionRow[]>();
    for (const row of rows) {
      const id = canonicalIdentifier(row.object_id);
      byId.set(id, [...(byId.get(id) ?? []), row]);
    }
    const removed: VersionRow[] = [];
    const renamed: VersionRow[] = [];
    for (const versions of byId.values()) {
      const split = splitVersions(versions);
      removed.push(...split.removed);
      renamed.push(
        ...split.kept.filter((row) => row.object_id !== canonicalIdentifier(row.object_id)),
      );
    }

    const removedSeqs = removed.map((row) => row.seq);
    if (removedSeqs.length > 0) {
      await db.deleteFrom('stix_object_grants').where('object_seq', 'in', removedSeqs).execute();
      await db.deleteFrom('stix_objects').where('seq', 'in', removedSeqs).execute();
      await auditRemoved(db, removed);
    }
    for (const row of renamed) {
      await db
        .updateTable('stix_objects')
        .set({ object_id: canonicalIdentifier(row.object_id) })
        .where('seq', '=', row.seq)
        .execute();
    }
  }
}

/** Rewrites the references inside every stored version's JSON in lower case. */
async function lowerCaseVersionData(db: Db): Promise<void> {
  let after = -1;
  for (;;) {
    const rows = await db
      .selectFrom('stix_objects')
      .select(['seq', 'data'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(CHUNK)
      .execute();
    if (rows.length === 0) return;
    for (const row of rows) {
      const object = JSON.parse(row.data) as Record<string, unknown>;
      const data = JSON.stringify(withCanonicalIdentifiers(object));
      if (data === row.data) continue;
      await db.updateTable('stix_objects').set({ data }).where('seq', '=', row.seq).execute();
    }
    after = rows.at(-1)?.seq ?? after;
  }
}

/** Rewrites the objects that alerts cite in lower case. */
async function lowerCaseAlertCitations(db: Db): Promise<void> {
  const alerts = await db
    .selectFrom('alerts')
    .select(['id', 'object_ids'])
    .where(sql<boolean>`object_ids <> lower(object_ids)`)
    .execute();
  for (const alert of alerts) {
    const ids = (JSON.parse(alert.object_ids) as unknown[]).map((id) =>
      isIdentifier(id) ? canonicalIdentifier(id) : id,
    );
    await db
      .updateTable('alerts')
      .set({ object_ids: JSON.stringify([...new Set(ids)]) })
      .where('id', '=', alert.id)
      .execute();
  }
}

/**
 * Stores every STIX identifier in lower case, the form new uploads now take. UUIDs compare
 * case-insensitively, so `indicator--6F1A…` and `indicator--6f1a…` are one object: their versions
 * are merged under the lower-case id, and versions that another sharer than the creator added
 * under another spelling are removed and recorded in the audit trail. The objects of released
 * exercise injects stay as they were stored, because they are only listed per exercise and never
 * looked up by id.
 */
export const lowerCaseStixIds: Migration = {
  async up(db: Kysely<unknown>) {
    const typed = db as Db;
    await lowerCaseVersionIds(typed);
    await lowerCaseVersionData(typed);
    await lowerCaseAlertCitations(typed);
  },
};
