import { type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { invalidField } from './errors.ts';

/**
 * Keyset ("seek") pagination for lists in a fixed order. The cursor contains the sort values of the
 * last row of a page, and the next page starts strictly after that row, so rows inserted or
 * changed between pages never shift the others: nothing is skipped or repeated. The last key of
 * every order must be unique (a sequence number), which makes "after" well defined.
 */

/** A cursor value: the sort values of the last row of the previous page. */
export type KeysetValues = readonly (string | number)[];

/** One column or expression of an order, never null, its direction and the kind of its values. */
export interface KeysetKey {
  expression: Expression<string | number>;
  direction: 'asc' | 'desc';
  kind: 'integer' | 'timestamp';
}

/** Query parameters every paginated list accepts. */
export const PageQuery = z.object({
  limit: z.coerce
    .number({ error: processMessages.validation.pageLimit })
    .int(processMessages.validation.pageLimit)
    .min(1, processMessages.validation.pageLimit)
    .max(500, processMessages.validation.pageLimit)
    .default(100),
  cursor: z.string().max(2_000, processMessages.validation.pageCursor).optional(),
});

const CursorValues = z
  .array(z.union([z.string().max(500), z.number()]))
  .min(1)
  .max(8);

// Stored timestamps are ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString` writes.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function fitsKind(value: string | number, kind: KeysetKey['kind']): boolean {
  if (kind === 'integer') {
    return typeof value === 'number' ? Number.isSafeInteger(value) : /^-?\d{1,19}$/.test(value);
  }

  return typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
}

/** Encodes the sort values of a page's last row as an opaque cursor. */
export function encodeCursor(values: KeysetValues): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` for the order of `keys`. Text that is no such cursor,
 * including one with another number of keys or a value of the wrong kind, is a 422 naming the
 * `cursor` field.
 */
export function decodeCursor(cursor: string, keys: readonly KeysetKey[]): KeysetValues {
  const fail = () => invalidField('cursor', (m) => m.problems.http.cursorInvalid);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  const parsed = CursorValues.safeParse(decoded);
  if (!parsed.success || parsed.data.length !== keys.length) throw fail();
  const values = parsed.data;
  if (!keys.every((key, index) => fitsKind(values[index] ?? '', key.kind))) throw fail();

  return values;
}

/**
 * Builds the condition "row comes after `values` in the order of `keys`":
 * (k1 > v1) or (k1 = v1 and k2 > v2) or …, with `<` for descending keys.
 */
export function afterKeyset<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  keys: readonly KeysetKey[],
  values: KeysetValues,
): Expression<SqlBool> {
  const branches = keys.map((key, index) => {
    const equalities = keys
      .slice(0, index)
      .map((previous, i) => eb(previous.expression, '=', values[i] ?? null));
    const comparison = eb(
      key.expression,
      key.direction === 'asc' ? '>' : '<',
      values[index] ?? null,
    );

    return eb.and([...equalities, comparison]);
  });

  return eb.or(branches);
}

/** The rows of one page and the cursor of the next one, null on the last page. */
export interface PageOfRows<Row> {
  rows: Row[];
  next: string | null;
}

/**
 * Cuts the `limit + 1` rows a page query fetched down to `limit`, and makes the next cursor from
 * the last kept row when there were more.
 */
export function cutPage<Row>(
  rows: readonly Row[],
  limit: number,
  keyValues: (row: Row) => KeysetValues,
): PageOfRows<Row> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const next = rows.length > limit && last !== undefined ? encodeCursor(keyValues(last)) : null;

  return { rows: kept, next };
}
