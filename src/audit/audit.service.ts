import { z } from 'zod';

import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { DomainError, invalidField } from '../shared/errors.ts';
import { cutPage, decodeCursor, PageQuery } from '../shared/keyset.ts';
import { parseInput } from '../shared/validation.ts';
import { auditSortKeys, listAuditEntries } from './audit.queries.ts';

const Timestamp = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

/** Query of `GET /api/v1/audit`. */
export const AuditQuery = PageQuery.extend({
  outcome: z.enum(['allowed', 'denied']).optional(),
  account: z.uuid().optional(),
  action: z.string().min(1).max(100).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
}).strict();

/** One entry of the audit trail as the API returns it. */
export interface AuditEntryView {
  seq: number;
  at: string;
  accountId: string | null;
  accountEmail: string | null;
  action: string;
  target: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/**
 * Lists a page of the audit trail, newest first, with the cursor of the next page. Only the
 * secretariat reads it; any other role gets 403.
 */
export async function listAudit(
  ctx: AppContext,
  principal: Principal,
  query: unknown,
): Promise<{ entries: AuditEntryView[]; next: string | null }> {
  if (principal.role !== 'secretariat') {
    throw new DomainError('forbidden', (m) => m.problems.admin.auditSecretariatOnly);
  }
  const page = parseInput(AuditQuery, query ?? {}, 'query');
  if (page.from !== undefined && page.to !== undefined && page.from > page.to) {
    throw invalidField('from', (m) => m.problems.admin.auditRangeReversed);
  }
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, auditSortKeys);
  const filter = {
    outcome: page.outcome,
    accountId: page.account,
    actionPrefix: page.action,
    from: page.from,
    to: page.to,
  };
  const rows = await listAuditEntries(ctx.db, filter, { limit: page.limit + 1, after });
  const { rows: kept, next } = cutPage(rows, page.limit, (row) => [row.seq]);

  const entries = kept.map((row) => ({
    seq: row.seq,
    at: row.at,
    accountId: row.account_id,
    accountEmail: row.account_email,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));

  return { entries, next };
}
