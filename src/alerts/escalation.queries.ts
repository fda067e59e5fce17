import { sql, type Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';
import { LIVE_CHANNEL } from './alerts.schema.ts';

/**
 * Lists unacknowledged recipients whose response time has passed: the alert's deadline, or for an
 * alternate added by an escalation its own. Reminded recipients that cannot be escalated (partner
 * accounts and such alternates) are left out, because nothing more is done for them.
 */
export function listOverdueRecipients(db: Kysely<Tables>, now: string, limit: number) {
  const deadline = sql<string>`coalesce(r.response_due_at, a.response_due_at)`;

  return db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .select([
      'r.id',
      'r.alert_id',
      'r.email',
      'r.state_code',
      'r.level',
      'r.poc_id',
      'r.reminded_at',
      'r.escalated_from',
      'a.severity',
      'a.response_minutes',
      'a.title',
      'a.tlp',
      'a.created_at',
      'a.sender_state',
      'a.exercise',
    ])
    .where(deadline, 'is not', null)
    .where(deadline, '<=', now)
    .where('r.acknowledged_at', 'is', null)
    .where('r.escalated_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('r.reminded_at', 'is', null),
        eb.and([eb('r.poc_id', 'is not', null), eb('r.escalated_from', 'is', null)]),
      ]),
    )
    .orderBy('a.severity', 'desc')
    .orderBy(deadline)
    .limit(limit)
    .execute();
}

/** Records the reminder token of a recipient once; returns false when it was reminded before. */
export async function markReminded(
  db: Kysely<Tables>,
  recipientId: string,
  tokenHash: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('alert_recipients')
    .set({ reminded_at: now, reminder_token_hash: tokenHash })
    .where('id', '=', recipientId)
    .where('reminded_at', 'is', null)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Records the escalation of a recipient once; returns false when it was escalated before. */
export async function markEscalated(db: Kysely<Tables>, recipientId: string, now: string) {
  const result = await db
    .updateTable('alert_recipients')
    .set({ escalated_at: now })
    .where('id', '=', recipientId)
    .where('escalated_at', 'is', null)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Lists the alternate PoCs of a state and level that are not yet recipients of the alert. */
export function listNewAlternates(
  db: Kysely<Tables>,
  alertId: string,
  state: string,
  level: string,
) {
  return db
    .selectFrom('pocs as p')
    .selectAll('p')
    .where('p.state_code', '=', state)
    .where('p.level', '=', level)
    .where('p.contact_role', '=', 'alternate')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('alert_recipients as r')
            .select('r.id')
            .where('r.alert_id', '=', alertId)
            .whereRef('r.email_key', '=', 'p.email_key'),
        ),
      ),
    )
    .orderBy('p.name')
    .execute();
}

/**
 * Lists recipients of alerts created between `after` and `before` that have no mail delivery
 * row. A `live` row does not count, because the live event goes out before the mail rows are
 * written, so a receipt may exist for a recipient whose mail was lost. The lower bound keeps the
 * scan to recent alerts.
 */
export function listRecipientsWithoutDelivery(
  db: Kysely<Tables>,
  after: string,
  before: string,
  limit: number,
) {
  return db
    .selectFrom('alert_recipients as r')
    .innerJoin('alerts as a', 'a.id', 'r.alert_id')
    .leftJoin('pocs as p', 'p.id', 'r.poc_id')
    .select(['r.id', 'r.alert_id', 'a.severity', 'p.pgp_key'])
    .where('a.created_at', '<', before)
    .where('a.created_at', '>', after)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('alert_deliveries as d')
            .select('d.id')
            .whereRef('d.recipient_id', '=', 'r.id')
            .where('d.channel', '!=', LIVE_CHANNEL),
        ),
      ),
    )
    .limit(limit)
    .execute();
}
