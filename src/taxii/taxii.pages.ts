import type { Principal } from '../accounts/principal.ts';
import type { SharingDeps } from '../sharing/sharing.service.ts';
import {
  findVersionPage,
  type PagePosition,
  type VersionFilter,
  type VersionRow,
} from '../sharing/versions.queries.ts';
import { DomainError } from '../shared/errors.ts';
import type { TaxiiOptions } from './taxii.config.ts';
import { loadCursorSecret, readCursor, signCursor } from './taxii.cursor.ts';
import { hasFilters, type TaxiiQuery } from './taxii.schema.ts';

/** One page of stored versions and what the client needs to ask for the next. */
export interface VersionPage {
  rows: VersionRow[];
  more: boolean;
  /** Signed cursor of the next page; undefined on the last page. */
  next: string | undefined;
}

/** A page request: the endpoint scope, the filters from the query and the paging parameters. */
export interface PageRequest {
  scope: string;
  filter: VersionFilter;
  query: TaxiiQuery;
}

function sameFilter(a: VersionFilter, b: VersionFilter): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Reads one page of versions. With `next`, the page continues from the signed cursor with the
 * cursor's filters. A request that gives other filters is rejected, because mixing them would
 * skip or repeat objects.
 */
export async function readVersionPage(
  deps: SharingDeps,
  options: TaxiiOptions,
  principal: Principal | null,
  request: PageRequest,
): Promise<VersionPage> {
  const secret = await loadCursorSecret(deps.db);
  let filter = request.filter;
  let after: PagePosition | null = null;
  if (request.query.next !== undefined) {
    const cursor = readCursor(secret, request.query.next, request.scope);
    if (hasFilters(request.query) && !sameFilter(cursor.filter, filter)) {
      throw new DomainError('invalid_request', (m) => m.problems.taxii.filtersChanged, [
        { field: 'next', message: (m) => m.problems.taxii.cursorForOtherFilters },
      ]);
    }
    filter = cursor.filter;
    after = cursor.position;
  }

  // TAXII 2.1: the server may return fewer objects than `limit`, never more.
  const limit = Math.min(request.query.limit ?? options.pageSize, options.maxPageSize);
  const found = await findVersionPage(deps.db, principal, filter, after, limit);
  const rows = found.slice(0, limit);
  const last = rows.at(-1);
  const more = found.length > limit && last !== undefined;
  const next = more
    ? signCursor(secret, {
        scope: request.scope,
        filter,
        position: { dateAdded: last.date_added, seq: last.seq },
      })
    : undefined;

  return { rows, more, next };
}

/** Returns the `X-TAXII-Date-Added-First` and `-Last` headers of a page; none when empty. */
export function dateAddedHeaders(rows: readonly VersionRow[]): Record<string, string> {
  const first = rows[0];
  const last = rows.at(-1);
  if (first === undefined || last === undefined) return {};

  return {
    'x-taxii-date-added-first': first.date_added,
    'x-taxii-date-added-last': last.date_added,
  };
}
