import { randomUUID } from 'node:crypto';

import type { Principal } from '../accounts/principal.ts';
import type { SharingDeps } from './sharing.service.ts';
import { tlpDefinitionText, referencedTlpDefinitions } from './tlp-definitions.ts';
import { findVersionPage, type PagePosition, type VersionFilter } from './versions.queries.ts';

/** Filters of a file export. */
export interface ExportFilter {
  types: string[];
  /** Only objects added strictly after this ISO timestamp (millisecond precision). */
  addedAfter: string | null;
}

/** Rows read per query while building an export. */
const EXPORT_BATCH = 1000;

/**
 * Builds a STIX 2.1 bundle of the latest version of every object the principal may read, with
 * the TLP 2.0 marking definitions its objects reference, as JSON text.
 */
// TODO: the bundle is built in memory; very large exports should stream to the client instead.
export async function exportBundle(
  deps: SharingDeps,
  principal: Principal | null,
  filter: ExportFilter,
): Promise<string> {
  const versionFilter: VersionFilter = {
    ids: [],
    types: filter.types,
    specVersions: [],
    versions: [{ kind: 'last' }],
    addedAfter: filter.addedAfter,
    tlp: null,
    community: null,
  };
  const texts: string[] = [];
  let after: PagePosition | null = null;
  for (;;) {
    const rows = await findVersionPage(deps.db, principal, versionFilter, after, EXPORT_BATCH);
    const page = rows.slice(0, EXPORT_BATCH);
    // Stored TLP definitions are replaced by the built-in ones below.
    texts.push(
      ...page
        .filter((row) => tlpDefinitionText(row.object_id) === undefined)
        .map((row) => row.data),
    );
    const last = page.at(-1);
    if (rows.length <= EXPORT_BATCH || last === undefined) break;
    after = { dateAdded: last.date_added, seq: last.seq };
  }
  const definitions = referencedTlpDefinitions(texts).map((definition) =>
    JSON.stringify(definition),
  );
  const objects = [...definitions, ...texts];

  return `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[${objects.join(',')}]}`;
}
