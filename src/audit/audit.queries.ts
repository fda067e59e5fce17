import { sql, type Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';
import { afterKeyset, type KeysetKey, type KeysetValues } from '../shared/keyset.ts';

/** Filters of the audit trail; each one that is set narrows the list. */
export interface AuditFilter {
  outcome?: 'allowed' | 'denied' | undefined;
  accountId?: string | undefined;
  /** Start of the action, compared case-sensitively: `poc.` matches `poc.update`. */
  actionPrefix?: string | undefined;
  /** Inclusive lower bound of `at`, ISO 8601 in UTC. */
  from?: string | undefined;
  /** Exclusive upper bound of `at`, ISO 8601 in UTC. */
  to?: string | undefined;
}

/** The order of the audit trail: newest first by `seq`, which is unique and grows. */
export const auditSortKeys: KeysetKey[] = [
  { expression: sql.ref<number>('l.seq'), direction: 'desc', kind: 'integer' },
];

/** Lists up to `limit` audit entries matching `filter`, newest first, after the cursor `after`. */
export function listAuditEntries(
  db: Kysely<Tables>,
  filter: AuditFilter,
  options: { limit: number; after: KeysetValues | null },
) {
  let query = db
    .selectFrom('audit_log as l')
    .leftJoin('accounts as a', 'a.id', 'l.account_id')
    .select([
      'l.seq',
      'l.at',
      'l.account_id',
      'a.email as account_email',
      'l.action',
      'l.target',
      'l.outcome',
      'l.details',
    ]);
  if (filter.outcome !== undefined) query = query.where('l.outcome', '=', filter.outcome);
  if (filter.accountId !== undefined) query = query.where('l.account_id', '=', filter.accountId);
  const prefix = filter.actionPrefix;
  if (prefix !== undefined) {
    // substr, unlike LIKE, needs no escaping and is case-sensitive on SQLite and PostgreSQL.
    query = query.where(sql<string>`substr(l.action, 1, ${prefix.length})`, '=', prefix);
  }
  if (filter.from !== undefined) query = query.where('l.at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('l.at', '<', filter.to);
  const after = options.after;
  if (after !== null) query = query.where((eb) => afterKeyset(eb, auditSortKeys, after));

  return query.orderBy('l.seq', 'desc').limit(options.limit).execute();
}
