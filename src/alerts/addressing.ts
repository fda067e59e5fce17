import type { Kysely } from 'kysely';

import {
  findOrganisationClearance,
  findOrganisationsByIds,
  pickOrganisationById,
} from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import type { Tables } from '../db/schema.ts';
import { normaliseEmail } from '../shared/email.ts';
import { invalidField } from '../shared/errors.ts';
import { isTlpLevel, parseTlp, tlpRank, type TlpLevel } from '../sharing/tlp.ts';
import { listKnownStates, listPocsFor, type PocFilter } from './alerts.queries.ts';
import type { NewAlert } from './alerts.schema.ts';

/** A recipient chosen for an alert, before it is stored. */
export interface Addressee {
  pocId: string | null;
  email: string;
  emailKey: string;
  stateCode: string | null;
  level: string | null;
  organisationId: string | null;
  contactRole: string | null;
}

/** Lists the active partner accounts of some organisations, or of all when `orgIds` is null. */
function listPartnerAccounts(db: Kysely<Tables>, orgIds: string[] | null) {
  let query = db
    .selectFrom('accounts as a')
    .innerJoin('organisations as o', 'o.id', 'a.organisation_id')
    .select(['a.email', 'a.email_key', 'a.organisation_id', 'o.clearance', 'o.name'])
    .where('a.role', '=', 'partner')
    .where('a.suspended_at', 'is', null);
  if (orgIds !== null) query = query.where('a.organisation_id', 'in', orgIds);

  return query.orderBy('a.email_key').execute();
}

function mayRead(clearance: string, tlp: TlpLevel): boolean {
  return isTlpLevel(clearance) && tlpRank(clearance) >= tlpRank(tlp);
}

// E-mail keys per query, well below SQLite's limit of bound parameters per statement.
const KEY_CHUNK = 400;

/**
 * Removes the recipients whose e-mail is that of a partner account cleared below `tlp`, suspended
 * or not. A partner account reads every alert that reaches its address, and a PoC entry may
 * carry that address, so the cap applies however the recipient was matched. A partner without
 * an organisation reads TLP:CLEAR only.
 */
export async function withoutPartnersBelow<T extends { emailKey: string }>(
  db: Kysely<Tables>,
  recipients: readonly T[],
  tlp: TlpLevel,
): Promise<T[]> {
  if (tlp === 'clear') return [...recipients];
  const keys = [...new Set(recipients.map((recipient) => recipient.emailKey))];
  const blocked = new Set<string>();
  for (let i = 0; i < keys.length; i += KEY_CHUNK) {
    const rows = await db
      .selectFrom('accounts as a')
      .leftJoin('organisations as o', 'o.id', 'a.organisation_id')
      .select(['a.email_key', 'o.clearance'])
      .where('a.role', '=', 'partner')
      .where('a.email_key', 'in', keys.slice(i, i + KEY_CHUNK))
      .execute();
    for (const row of rows) {
      if (!mayRead(row.clearance ?? 'clear', tlp)) blocked.add(row.email_key);
    }
  }

  return recipients.filter((recipient) => !blocked.has(recipient.emailKey));
}

/**
 * Returns true unless `emailKey` is that of a partner account whose organisation is cleared below
 * the alert's `tlp` now. The mail job and the link page call it at send or read time, because the
 * secretariat may lower a clearance after the alert went out.
 */
export async function isRecipientCleared(
  db: Kysely<Tables>,
  emailKey: string,
  tlp: string,
): Promise<boolean> {
  // A stored level is always valid; were it not, the strictest label is the safe one.
  const level = parseTlp(tlp) ?? 'red';

  return (await withoutPartnersBelow(db, [{ emailKey }], level)).length === 1;
}

/** Returns true when the partner organisation is cleared for the alert's `tlp` now. */
export async function isOrganisationCleared(
  db: Kysely<Tables>,
  organisationId: string,
  tlp: string,
): Promise<boolean> {
  const clearance = await findOrganisationClearance(db, organisationId);

  return mayRead(clearance ?? 'clear', parseTlp(tlp) ?? 'red');
}

async function checkStates(ctx: AppContext, states: string[]) {
  if (states.length === 0) return;
  const known = await listKnownStates(ctx.db, states);
  const unknown = states.findIndex((code) => !known.has(code));
  if (unknown >= 0) {
    const code = states[unknown] ?? '';
    throw invalidField(`states.${unknown}`, (m) => m.problems.directory.unknownStateCode(code));
  }
}

/** Returns the PoC filter the TLP and the chosen states allow, without the level filter. */
async function pocFilterFor(
  ctx: AppContext,
  sender: Principal,
  alert: NewAlert,
): Promise<PocFilter | null> {
  await checkStates(ctx, alert.states);
  if (alert.tlp === 'clear' || alert.tlp === 'green') {
    return alert.states.length === 0 ? { kind: 'all' } : { kind: 'states', states: alert.states };
  }
  if (alert.tlp === 'red') {
    const emailKeys = alert.accounts.map((email, i) => {
      const key = normaliseEmail(email);
      if (key === null) throw invalidField(`accounts.${i}`, (m) => m.problems.alerts.invalidEmail);
      return key;
    });
    return { kind: 'emails', emailKeys };
  }

  const states = [
    ...new Set([...(sender.stateCode === null ? [] : [sender.stateCode]), ...alert.states]),
  ];
  if (states.length === 0 && alert.organisations.length === 0) {
    const tlp = alert.tlp.toUpperCase();
    throw invalidField('states', (m) => m.problems.alerts.recipientsMissing(tlp));
  }

  return states.length === 0 ? null : { kind: 'states', states };
}

/**
 * Chooses the partner accounts an alert reaches. GREEN and CLEAR go to every partner when
 * `partners` is set, or to the named organisations; AMBER and AMBER+STRICT only to named
 * organisations; RED only to named accounts. An organisation whose clearance is below the TLP
 * is rejected, so the sender learns who will not get the alert.
 */
async function choosePartners(ctx: AppContext, alert: NewAlert): Promise<Addressee[]> {
  const isCommunity = alert.tlp === 'clear' || alert.tlp === 'green';
  if (alert.partners && !isCommunity) {
    const tlp = alert.tlp.toUpperCase();
    throw invalidField('partners', (m) => m.problems.alerts.partnersOnlyCommunity(tlp));
  }
  if (alert.tlp === 'red' && alert.organisations.length > 0) {
    throw invalidField('organisations', (m) => m.problems.alerts.redOnlyAccounts);
  }

  let rows: Awaited<ReturnType<typeof listPartnerAccounts>> = [];
  if (alert.tlp === 'red') {
    const keys = alert.accounts.map((email) => normaliseEmail(email) ?? email);
    rows = keys.length === 0 ? [] : await listPartnerAccounts(ctx.db, null);
    rows = rows.filter((row) => keys.includes(row.email_key));
  } else if (alert.partners) {
    rows = await listPartnerAccounts(ctx.db, null);
  } else if (alert.organisations.length > 0) {
    const known = await findOrganisationsByIds(ctx.db, alert.organisations);
    for (const [i, id] of alert.organisations.entries()) {
      const org = pickOrganisationById(known, id);
      if (org === undefined) {
        throw invalidField(`organisations.${i}`, (m) =>
          m.problems.directory.unknownOrganisation(id),
        );
      }
      if (!mayRead(org.clearance, alert.tlp)) {
        const clearance = org.clearance.toUpperCase();
        throw invalidField(`organisations.${i}`, (m) =>
          m.problems.alerts.partnerClearance(id, clearance),
        );
      }
    }
    rows = await listPartnerAccounts(
      ctx.db,
      known.map((org) => org.id),
    );
  }

  return rows
    .filter((row) => mayRead(row.clearance, alert.tlp))
    .map((row) => ({
      pocId: null,
      email: row.email,
      emailKey: row.email_key,
      stateCode: null,
      level: null,
      organisationId: row.organisation_id,
      contactRole: null,
    }));
}

/**
 * Chooses the recipients the TLP and the addressing allow: PoCs of all or the chosen states and
 * levels (primary contacts only, because alternates are alerted on escalation), partner accounts
 * as `choosePartners` allows, and the sending PoC of a RED alert. One recipient per normalised
 * e-mail. No recipient is the address of a partner account cleared below the TLP.
 */
export async function chooseRecipients(
  ctx: AppContext,
  sender: Principal,
  alert: NewAlert,
): Promise<Addressee[]> {
  const filter = await pocFilterFor(ctx, sender, alert);
  if (alert.tlp === 'red' && alert.accounts.length === 0) {
    throw invalidField('accounts', (m) => m.problems.alerts.redAccountsMissing);
  }
  const isRedFromPoc = filter?.kind === 'emails' && sender.role === 'poc';
  const pocFilter: PocFilter | null =
    filter?.kind === 'emails' && isRedFromPoc
      ? { kind: 'emails', emailKeys: [...filter.emailKeys, sender.emailKey] }
      : filter;
  const pocs = pocFilter === null ? [] : await listPocsFor(ctx.db, pocFilter, alert.levels);

  const byKey = new Map<string, Addressee>();
  for (const poc of pocs) {
    // A RED alert names people, so a named alternate is a recipient too.
    if (poc.contact_role === 'alternate' && filter?.kind !== 'emails') continue;
    if (byKey.has(poc.email_key)) continue;
    byKey.set(poc.email_key, {
      pocId: poc.id,
      email: poc.email,
      emailKey: poc.email_key,
      stateCode: poc.state_code,
      level: poc.level,
      organisationId: null,
      contactRole: poc.contact_role,
    });
  }
  for (const partner of await choosePartners(ctx, alert)) {
    if (!byKey.has(partner.emailKey)) byKey.set(partner.emailKey, partner);
  }
  const cleared = await withoutPartnersBelow(ctx.db, [...byKey.values()], alert.tlp);
  byKey.clear();
  for (const addressee of cleared) byKey.set(addressee.emailKey, addressee);

  if (filter?.kind === 'emails') {
    const missing = filter.emailKeys.findIndex((key) => !byKey.has(key));
    if (missing >= 0) {
      throw invalidField(`accounts.${missing}`, (m) => m.problems.alerts.noClearedRecipient);
    }
  }
  if (isRedFromPoc && !byKey.has(sender.emailKey)) {
    const { email, emailKey, stateCode } = sender;
    byKey.set(emailKey, {
      pocId: null,
      email,
      emailKey,
      stateCode,
      level: null,
      organisationId: null,
      contactRole: null,
    });
  }

  return [...byKey.values()];
}
