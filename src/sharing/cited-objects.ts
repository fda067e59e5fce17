import type { Kysely } from 'kysely';

import { toPrincipal } from '../accounts/accounts.service.ts';
import { findAccountByEmailKey } from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import { readableVersions } from './sharing.queries.ts';

/**
 * Alerts cite STIX objects by id, and every way an alert goes out (the JSON API, mail, webhooks)
 * lists only the ids its reader may read under the same rule as the objects themselves, so that
 * an alert never tells anyone that an object they may not read exists.
 */

/** Account id that no stored version names, for readers that stand for a state or organisation. */
const NO_ACCOUNT = '';

/** Returns the ids the reader may read some version of, in the given order. */
export async function filterReadableIds(
  db: Kysely<Tables>,
  reader: Principal | null,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await readableVersions(db, reader)
    .select('object_id')
    .distinct()
    .where('object_id', 'in', [...ids])
    .execute();
  const readable = new Set(rows.map((row) => row.object_id));

  return ids.filter((id) => readable.has(id));
}

/** Replaces the cited ids of each alert view with those the viewer may read. */
export async function withReadableObjects<T extends { objectIds: string[] }>(
  db: Kysely<Tables>,
  viewer: Principal,
  views: T[],
): Promise<T[]> {
  const cited = [...new Set(views.flatMap((view) => view.objectIds))];
  const readable = new Set(await filterReadableIds(db, viewer, cited));

  return views.map((view) => ({
    ...view,
    objectIds: view.objectIds.filter((id) => readable.has(id)),
  }));
}

/**
 * Builds the reader that stands for a state or partner organisation: the rights any account of
 * it has through its state or organisation, without grants to one account. Neither gives the
 * public's rights.
 */
export function readerOf(member: {
  stateCode: string | null;
  organisationId: string | null;
}): Principal | null {
  const base = { accountId: NO_ACCOUNT, email: '', emailKey: '' };
  if (member.stateCode !== null && member.stateCode !== '') {
    return { ...base, role: 'poc', stateCode: member.stateCode, organisationId: null };
  }
  if (member.organisationId !== null) {
    return { ...base, role: 'partner', stateCode: null, organisationId: member.organisationId };
  }

  return null;
}

/**
 * Returns who reads an alert sent to one recipient: the account with the recipient's e-mail
 * when there is one, otherwise the recipient's state or organisation.
 */
export async function readerOfAlertRecipient(
  db: Kysely<Tables>,
  recipientId: string,
): Promise<Principal | null> {
  const recipient = await db
    .selectFrom('alert_recipients')
    .select(['email_key', 'state_code', 'organisation_id'])
    .where('id', '=', recipientId)
    .executeTakeFirst();
  if (recipient === undefined) return null;
  const account = await findAccountByEmailKey(db, recipient.email_key);
  if (account !== undefined) return toPrincipal(account);

  return readerOf({ stateCode: recipient.state_code, organisationId: recipient.organisation_id });
}

/** Returns who reads an alert posted to a webhook: the endpoint's state or organisation. */
export async function readerOfWebhookDelivery(
  db: Kysely<Tables>,
  deliveryId: string,
): Promise<Principal | null> {
  const delivery = await db
    .selectFrom('webhook_deliveries')
    .select(['owner_kind', 'owner'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (delivery === undefined) return null;

  return readerOf({
    stateCode: delivery.owner_kind === 'state' ? delivery.owner : null,
    organisationId: delivery.owner_kind === 'organisation' ? delivery.owner : null,
  });
}
