import { findOrganisationsByIdOrName, namesOrganisation } from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import { assertMayShareInto } from '../communities/community-access.ts';
import { normaliseEmail } from '../shared/email.ts';
import { invalidField, invalidFields, type FieldError } from '../shared/errors.ts';
import type { Recipients } from './access.ts';
import type { Candidate } from './import-store.ts';
import { findAccountsByEmailKeys, findStateCodes } from './sharing.queries.ts';
import type { ShareOptions } from './sharing.schema.ts';
import type { SharingDeps } from './sharing.service.ts';
import { isTlpLevel, tlpLabel, tlpRank, type TlpLevel } from './tlp.ts';

/** A partner organisation or partner account named as a recipient, with its clearance. */
export interface NamedPartner {
  kind: 'organisation' | 'account';
  /** The option entry that named it, such as `orgs.0`. */
  field: string;
  /** The organisation's name, or the e-mail as the sharer gave it. */
  name: string;
  clearance: TlpLevel;
}

/** The audience of an upload: what its grants name, and the partners among it. */
export interface Audience {
  recipients: Recipients;
  partners: NamedPartner[];
}

/** Reads a stored clearance. A value that is no TLP level reads as TLP:CLEAR, the least. */
function clearanceOf(value: string | null): TlpLevel {
  return value !== null && isTlpLevel(value) ? value : 'clear';
}

/**
 * Resolves the states, partner organisations and accounts that the sharing options name, and
 * checks the community. Throws `validation_failed` naming `states`, `orgs` or `accounts` when one
 * is unknown.
 */
export async function resolveAudience(
  deps: SharingDeps,
  principal: Principal,
  options: ShareOptions,
): Promise<Audience> {
  const states = [...new Set(options.states)];
  const known = new Set(await findStateCodes(deps.db, states));
  const unknownStates = states.filter((code) => !known.has(code));
  if (unknownStates.length > 0) {
    const codes = unknownStates.join(', ');
    throw invalidField('states', (m) => m.problems.sharing.unknownStates(codes));
  }

  const organisations = await findOrganisationsByIdOrName(deps.db, options.orgs);
  const unknownOrgs = options.orgs.filter(
    (org) => !organisations.some((row) => namesOrganisation(row, org)),
  );
  if (unknownOrgs.length > 0) {
    const names = unknownOrgs.join(', ');
    throw invalidField('orgs', (m) => m.problems.sharing.unknownOrganisations(names));
  }

  const emailKeys = options.accounts.map((email) => normaliseEmail(email) ?? email);
  const accounts = await findAccountsByEmailKeys(deps.db, emailKeys);
  const unknownAccounts = options.accounts.filter(
    (_email, i) => !accounts.some((row) => row.email_key === emailKeys[i]),
  );
  if (unknownAccounts.length > 0) {
    const emails = unknownAccounts.join(', ');
    throw invalidField('accounts', (m) => m.problems.sharing.unknownAccounts(emails));
  }

  const communityId = options.community ?? null;
  if (communityId !== null) await assertMayShareInto(deps.db, principal, communityId);

  const partners: NamedPartner[] = [];
  options.orgs.forEach((value, i) => {
    const row = organisations.find((org) => namesOrganisation(org, value));
    const clearance = clearanceOf(row?.clearance ?? null);
    partners.push({
      kind: 'organisation',
      field: `orgs.${i}`,
      name: row?.name ?? value,
      clearance,
    });
  });
  options.accounts.forEach((email, i) => {
    const row = accounts.find((account) => account.email_key === emailKeys[i]);
    if (row?.role !== 'partner') return;
    const clearance = clearanceOf(row.clearance);
    partners.push({ kind: 'account', field: `accounts.${i}`, name: email, clearance });
  });

  return {
    recipients: {
      states,
      organisationIds: organisations.map((row) => row.id),
      accountIds: accounts.map((row) => row.id),
      communityId,
    },
    partners,
  };
}

/**
 * Rejects an upload that names a partner organisation or partner account cleared below the TLP
 * of an object it shares with the named recipients, before anything is stored. That recipient
 * could never read the object, so the sharer learns it now, as the sender of an alert does.
 * Objects kept for the sharer's own audience are not shared with the named recipients.
 */
export function assertPartnersCleared(
  partners: readonly NamedPartner[],
  candidates: readonly Candidate[],
): void {
  let strictest: TlpLevel | null = null;
  for (const candidate of candidates) {
    if (candidate.isOwnOnly) continue;
    if (strictest === null || tlpRank(candidate.tlp) > tlpRank(strictest)) {
      strictest = candidate.tlp;
    }
  }
  if (strictest === null) return;

  const rank = tlpRank(strictest);
  const level = tlpLabel(strictest);
  const fields: FieldError[] = partners
    .filter((partner) => tlpRank(partner.clearance) < rank)
    .map(({ kind, field, name, clearance }) => ({
      field,
      message: (m) =>
        kind === 'organisation'
          ? m.problems.sharing.organisationNotCleared(name, tlpLabel(clearance), level)
          : m.problems.sharing.accountNotCleared(name, tlpLabel(clearance), level),
    }));
  if (fields.length > 0) {
    throw invalidFields((m) => m.problems.sharing.partnersNotCleared, fields);
  }
}
