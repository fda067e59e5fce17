import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { StixObjectGrantsTable } from '../db/schema.ts';
import { DomainError } from '../shared/errors.ts';
import { tlpLevels, tlpRank, type TlpLevel } from './tlp.ts';

/**
 * The read rule for stored STIX versions, kept in this module only:
 * - TLP:CLEAR: anyone, including the public;
 * - TLP:GREEN: any signed-in account;
 * - TLP:AMBER and TLP:AMBER+STRICT: the sharer, and accounts of the states, organisations or
 *   accounts named at upload, plus the sharer's own state, organisation or the secretariat
 *   (written as grants when the version is stored);
 * - TLP:RED: the sharer and the accounts named at upload only.
 * Only the sharer may read a version stored with any other level, so a bad value fails closed.
 *
 * A version shared into a sharing community (`community_id`) is, on top of that, readable only
 * by accounts of the community's member states and organisations (and its sharer), whatever its
 * grants say, except at TLP:CLEAR, which sets no limit on disclosure. At TLP:AMBER and
 * TLP:AMBER+STRICT the community's members are its audience. Membership is read at each read,
 * so a member removed from the community stops reading at once.
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
  /** The sharing community the upload is shared into; none when absent or null. */
  communityId?: string | null;
}

/** Grantee value of the secretariat, which is one audience. */
export const SECRETARIAT_GRANTEE = 'secretariat';

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

function isWithin(tlp: string, clearance: TlpLevel): boolean {
  const level = tlpLevels.find((candidate) => candidate === tlp);

  return level !== undefined && tlpRank(level) <= tlpRank(clearance);
}

function kindsFor(tlp: string): readonly GranteeKind[] {
  if (tlp === 'amber' || tlp === 'amber+strict') return restrictedKinds;
  if (tlp === 'red') return redKinds;

  return [];
}

/**
 * Returns true when the principal (null for the public) may read the stored version. Pass the
 * partner organisation's clearance for partner accounts; without one a partner reads TLP:CLEAR only.
 */
export function canReadVersion(
  principal: Principal | null,
  row: VersionAccessFields,
  grants: readonly Grant[],
  clearance: TlpLevel | null = null,
): boolean {
  if (principal?.role === 'partner') {
    if (row.tlp !== 'clear' && (clearance === null || !isWithin(row.tlp, clearance))) return false;
  }
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
  return (): Expression<SqlBool> => readableOn(principal, 'stix_objects');
}

/**
 * Builds the read rule for the `stix_objects` row named `alias` (a table name or an alias), so
 * that subqueries over other versions of the same object apply it too. A partner account never
 * reads above its organisation's clearance, whatever the grants allow.
 */
export function readableOn(principal: Principal | null, alias: string): RawBuilder<SqlBool> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  if (principal === null) return sql<SqlBool>`${column('tlp')} = 'clear'`;

  const granted = (kinds: readonly GranteeKind[]) => {
    const mine = grantsMatching(principal).filter((grant) => kinds.includes(grant.grantee_kind));
    const matches = mine.map(
      (grant) => sql`(g.grantee_kind = ${grant.grantee_kind} and g.grantee = ${grant.grantee})`,
    );

    return sql`exists (select 1 from stix_object_grants g where g.object_seq = ${column('seq')}
      and (${sql.join(matches, sql` or `)}))`;
  };
  const community = sql<SqlBool>`(${column('community_id')} is null
    or ${column('shared_by')} = ${principal.accountId}
    or ${isCommunityMember(principal, column('community_id'))})`;
  const tlpRule = sql<SqlBool>`(${column('tlp')} in ('clear', 'green')
    or ${column('shared_by')} = ${principal.accountId}
    or (${column('tlp')} in ('amber', 'amber+strict')
      and (${granted(restrictedKinds)} or ${column('community_id')} is not null))
    or (${column('tlp')} = 'red' and ${granted(redKinds)}))`;
  const rule = sql<SqlBool>`(${column('tlp')} = 'clear' or (${tlpRule} and ${community}))`;
  if (principal.role !== 'partner') return rule;

  return sql<SqlBool>`(${rule} and ${withinClearance(principal.organisationId, column('tlp'))})`;
}

/** Tests in SQL whether the principal's state or organisation belongs to the community. */
function isCommunityMember(principal: Principal, communityId: RawBuilder<unknown>) {
  const mine = [
    ...(principal.stateCode === null
      ? []
      : [sql`(m.member_kind = 'state' and m.member = ${principal.stateCode})`]),
    ...(principal.organisationId === null
      ? []
      : [sql`(m.member_kind = 'organisation' and m.member = ${principal.organisationId})`]),
  ];
  if (mine.length === 0) return sql<SqlBool>`1 = 0`;

  return sql<SqlBool>`exists (select 1 from community_members m
    where m.community_id = ${communityId} and (${sql.join(mine, sql` or `)}))`;
}

/**
 * Compares TLP ranks in SQL: the row's level must not be stricter than the clearance of the
 * partner organisation `organisationId`.
 */
export function withinClearance(
  organisationId: string | null,
  tlp: RawBuilder<unknown>,
): RawBuilder<SqlBool> {
  const rank = (value: RawBuilder<unknown>) =>
    sql`(case ${value} ${sql.join(
      tlpLevels.map((level, index) => sql`when ${level} then ${sql.lit(index)}`),
      sql` `,
    )} else ${sql.lit(tlpLevels.length)} end)`;

  // A partner without an organisation has no clearance, so it reads what the public reads.
  return sql<SqlBool>`(${tlp} = 'clear' or ${rank(tlp)} <= (select ${rank(sql.ref('o.clearance'))} from organisations o
    where o.id = ${organisationId ?? ''}))`;
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
    throw new DomainError('forbidden', (m) => m.problems.sharing.partnersModerated);
  }
}
