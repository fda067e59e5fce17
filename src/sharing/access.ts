import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { StixObjectGrantsTable, Tables } from '../db/schema.ts';
import { DomainError } from '../shared/errors.ts';
import type { TlpLevel } from './tlp.ts';

/**
 * The read rule for stored STIX versions, kept in this module only:
 * - TLP:CLEAR: anyone, including the public;
 * - TLP:GREEN: any signed-in account;
 * - TLP:AMBER and TLP:AMBER+STRICT: the sharer, and accounts of the states, organisations or
 *   accounts named at upload, plus the sharer's own state, organisation or the secretariat
 *   (written as grants when the version is stored);
 * - TLP:RED: the sharer and the accounts named at upload only.
 * Only the sharer may read a version stored with any other level, so a bad value fails closed.
 */

/** Kind of audience entry of a stored version. */
export type GranteeKind = StixObjectGrantsTable['grantee_kind'];

/** One audience entry of a stored version. */
export interface Grant {
  grantee_kind: GranteeKind;
  grantee: string;
}

/** The fields of a stored version that reading it depends on. */
export interface VersionAccessFields {
  tlp: string;
  shared_by: string;
}

/** Recipients named at upload, resolved to stored ids. */
export interface Recipients {
  states: string[];
  organisationIds: string[];
  accountIds: string[];
}

/** Grantee value of the secretariat, which is one audience. */
export const SECRETARIAT_GRANTEE = 'secretariat';

// TODO: a partner organisation's `clearance` (highest TLP it may read) is not applied yet, so a
// partner named on a TLP:AMBER upload reads it whatever its clearance.
const restrictedKinds: readonly GranteeKind[] = ['state', 'organisation', 'account', 'secretariat'];
const redKinds: readonly GranteeKind[] = ['account'];

/** Lists the audience entries that name the principal. */
function grantsMatching(principal: Principal): Grant[] {
  const grants: Grant[] = [{ grantee_kind: 'account', grantee: principal.accountId }];
  if (principal.stateCode !== null) {
    grants.push({ grantee_kind: 'state', grantee: principal.stateCode });
  }
  if (principal.organisationId !== null) {
    grants.push({ grantee_kind: 'organisation', grantee: principal.organisationId });
  }
  if (principal.role === 'secretariat') {
    grants.push({ grantee_kind: 'secretariat', grantee: SECRETARIAT_GRANTEE });
  }

  return grants;
}

function kindsFor(tlp: string): readonly GranteeKind[] {
  if (tlp === 'amber' || tlp === 'amber+strict') return restrictedKinds;
  if (tlp === 'red') return redKinds;

  return [];
}

/** Returns true when the principal (null for the public) may read the stored version. */
export function canReadVersion(
  principal: Principal | null,
  row: VersionAccessFields,
  grants: readonly Grant[],
): boolean {
  if (row.tlp === 'clear') return true;
  if (principal === null) return false;
  if (row.tlp === 'green' || row.shared_by === principal.accountId) return true;

  const kinds = kindsFor(row.tlp);
  const mine = grantsMatching(principal).filter((grant) => kinds.includes(grant.grantee_kind));

  return grants.some((grant) =>
    mine.some((m) => m.grantee_kind === grant.grantee_kind && m.grantee === grant.grantee),
  );
}

/**
 * Builds the same rule as `canReadVersion` as a filter on `stix_objects`, so that paged queries
 * return only readable rows: `db.selectFrom('stix_objects').where(whereReadable(principal))`.
 */
export function whereReadable(principal: Principal | null) {
  return (eb: ExpressionBuilder<Tables, 'stix_objects'>): Expression<SqlBool> => {
    if (principal === null) return eb('stix_objects.tlp', '=', 'clear');

    const mine = grantsMatching(principal);
    const granted = (kinds: readonly GranteeKind[]) =>
      eb.exists(
        eb
          .selectFrom('stix_object_grants as g')
          .select('g.object_seq')
          .whereRef('g.object_seq', '=', 'stix_objects.seq')
          .where((g) =>
            g.or(
              mine
                .filter((grant) => kinds.includes(grant.grantee_kind))
                .map((grant) =>
                  g.and([
                    g('g.grantee_kind', '=', grant.grantee_kind),
                    g('g.grantee', '=', grant.grantee),
                  ]),
                ),
            ),
          ),
      );

    return eb.or([
      eb('stix_objects.tlp', 'in', ['clear', 'green']),
      eb('stix_objects.shared_by', '=', principal.accountId),
      eb.and([eb('stix_objects.tlp', 'in', ['amber', 'amber+strict']), granted(restrictedKinds)]),
      eb.and([eb('stix_objects.tlp', '=', 'red'), granted(redKinds)]),
    ]);
  };
}

/** Lists the audience entries to store with a new version shared by `sharer`. */
export function audienceGrants(tlp: TlpLevel, sharer: Principal, recipients: Recipients): Grant[] {
  if (tlp === 'clear' || tlp === 'green') return [];

  const accounts = recipients.accountIds.map((id) => ({
    grantee_kind: 'account' as const,
    grantee: id,
  }));
  if (tlp === 'red') return dedupe(accounts);

  const own = grantsMatching(sharer).filter((grant) => grant.grantee_kind !== 'account');

  return dedupe([
    ...recipients.states.map((code) => ({ grantee_kind: 'state' as const, grantee: code })),
    ...recipients.organisationIds.map((id) => ({
      grantee_kind: 'organisation' as const,
      grantee: id,
    })),
    ...accounts,
    ...own,
  ]);
}

function dedupe(grants: Grant[]): Grant[] {
  const seen = new Map(grants.map((grant) => [`${grant.grantee_kind}:${grant.grantee}`, grant]));

  return [...seen.values()];
}

/** Throws unless the principal may share STIX content. */
export function assertMayShare(principal: Principal): void {
  if (principal.role === 'partner') {
    // TODO: partners submit into moderation once it exists; until then they cannot share.
    throw new DomainError(
      'forbidden',
      'Partner organisations cannot share STIX content directly yet; ask a state PoC to share it',
    );
  }
}
