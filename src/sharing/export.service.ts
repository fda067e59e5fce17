import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

import type { Principal } from '../accounts/principal.ts';
import type { SharingDeps } from './sharing.service.ts';
import { tlpDefinitionText, referencedTlpDefinitions } from './tlp-definitions.ts';
import { findVersionPage, type VersionFilter } from './versions.queries.ts';

/** Filters of a file export. */
export interface ExportFilter {
  types: string[];
  /** Only objects added strictly after this ISO timestamp (millisecond precision). */
  addedAfter: string | null;
}

/** Rows read per query while building an export, which bounds the memory an export takes. */
const EXPORT_BATCH = 1000;

type VersionRows = Awaited<ReturnType<typeof findVersionPage>>;

/**
 * Streams a STIX 2.1 bundle of the latest version of every object the principal may read,
 * followed by the TLP 2.0 and TLP 1.0 marking definitions its objects reference, as JSON text. The first
 * page is read before the stream starts, so a database failure still gets an error response.
 */
export async function exportBundle(
  deps: SharingDeps,
  principal: Principal | null,
  filter: ExportFilter,
): Promise<Readable> {
  const versionFilter: VersionFilter = {
    ids: [],
    types: filter.types,
    specVersions: [],
    versions: [{ kind: 'last' }],
    addedAfter: filter.addedAfter,
    tlp: null,
    community: null,
  };
  const first = await findVersionPage(deps.db, principal, versionFilter, null, EXPORT_BATCH);

  return Readable.from(bundleChunks(deps, principal, versionFilter, first));
}

/** Yields the bundle's JSON text a page of objects at a time. */
async function* bundleChunks(
  deps: SharingDeps,
  principal: Principal | null,
  versionFilter: VersionFilter,
  first: VersionRows,
): AsyncGenerator<string> {
  yield `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[`;
  const definitions = new Map<unknown, Record<string, unknown>>();
  let separator = '';
  let rows = first;
  for (;;) {
    const page = rows.slice(0, EXPORT_BATCH);
    // Stored TLP definitions are replaced by the built-in ones at the end.
    const texts = page
      .filter((row) => tlpDefinitionText(row.object_id) === undefined)
      .map((row) => row.data);
    const objects = texts.map((text) => JSON.parse(text) as Record<string, unknown>);
    for (const definition of referencedTlpDefinitions(objects)) {
      definitions.set(definition.id, definition);
    }
    if (texts.length > 0) {
      yield separator + texts.join(',');
      separator = ',';
    }
    const last = page.at(-1);
    if (rows.length <= EXPORT_BATCH || last === undefined) break;
    const after = { dateAdded: last.date_added, seq: last.seq };
    rows = await findVersionPage(deps.db, principal, versionFilter, after, EXPORT_BATCH);
  }
  const tail = [...definitions.values()].map((definition) => JSON.stringify(definition));
  yield `${tail.length > 0 ? separator : ''}${tail.join(',')}]}`;
}
