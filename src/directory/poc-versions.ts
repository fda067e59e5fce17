import { DomainError } from '../shared/errors.ts';
import { hasOnlyWeakTags, matchesIfMatch, type IfMatch } from '../shared/if-match.ts';
import { pocEtag } from './poc-fields.ts';
import type { PocRow } from './pocs.queries.ts';

/** Maximum attempts of a write without `If-Match` tags (none, or `*`) before it fails with 409. */
const MAX_ATTEMPTS = 3;

/**
 * Thrown inside a write's transaction when the row is no longer at the version that was read, so
 * the transaction rolls back and nothing of the write is kept.
 */
export class VersionMoved extends Error {
  constructor() {
    super('The PoC row is no longer at the version that was read');
    this.name = 'VersionMoved';
  }
}

/**
 * Throws `412 precondition_failed` unless the entry's current ETag satisfies the request's
 * `If-Match`. A null condition means the request sent no `If-Match`, which is allowed.
 */
export function requireMatch(row: PocRow, condition: IfMatch | null): void {
  if (condition === null || matchesIfMatch(condition, pocEtag(row.version))) return;
  if (hasOnlyWeakTags(condition)) {
    throw new DomainError('precondition_failed', (m) => m.problems.http.ifMatchWeak);
  }

  throw new DomainError('precondition_failed', (m) => m.problems.directory.pocChanged);
}

/**
 * Runs `write` on the entry as read in `first`. `write` runs one transaction that writes the row
 * only at the version it is given, and throws `VersionMoved` when another write came first.
 * With `If-Match` tags, that is a `412`: the entry no longer has the tag the client read. A write
 * with no `If-Match`, or with `*`, requested no particular version, so the entry is read again
 * with `reread` and the write tried again. Its history then records the values it replaced.
 */
export async function writeAtReadVersion<T>(
  first: PocRow,
  condition: IfMatch | null,
  reread: () => Promise<PocRow>,
  write: (current: PocRow) => Promise<T>,
): Promise<T> {
  let current = first;
  for (let attempt = 1; ; attempt += 1) {
    requireMatch(current, condition);
    try {
      return await write(current);
    } catch (error) {
      if (!(error instanceof VersionMoved)) throw error;
    }
    if (condition?.kind === 'tags') {
      throw new DomainError('precondition_failed', (m) => m.problems.directory.pocChanged);
    }
    if (attempt === MAX_ATTEMPTS) {
      throw new DomainError('conflict', (m) => m.problems.directory.pocChangedWhileSaving);
    }
    current = await reread();
  }
}
