import type { Kysely } from 'kysely';

import type { Clock } from '../shared/clock.ts';
import type { Tables } from '../db/schema.ts';

/** One security-relevant action to record. */
export interface AuditEntry {
  accountId: string | null;
  action: string;
  target: string | null;
  outcome: 'allowed' | 'denied';
  details?: Record<string, unknown>;
}

/** Appends an entry to the audit trail. */
export async function recordAudit(db: Kysely<Tables>, clock: Clock, entry: AuditEntry) {
  await db
    .insertInto('audit_log')
    .values({
      at: clock.now().toISOString(),
      account_id: entry.accountId,
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
