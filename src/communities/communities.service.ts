import type { BaseLogger } from 'pino';
import type { Kysely } from 'kysely';

import { findOrganisationsByIdOrName, namesOrganisation } from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, invalidFields, notFound, type FieldError } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { findOrganisations, findStateCodes } from '../sharing/sharing.queries.ts';
import {
  CommunityPatchSchema,
  NewCommunitySchema,
  type CommunityView,
} from './communities.schema.ts';
import {
  deleteMembers,
  findCommunity,
  findCommunityByNameKey,
  insertCommunity,
  insertMembers,
  isMemberOf,
  listCommunityRows,
  listMembers,
  updateCommunityRow,
  type CommunityRow,
  type MemberKeys,
} from './communities.queries.ts';

/** Dependencies of the community services; `logger` is the request's logger. */
export interface CommunityDeps {
  db: Kysely<Tables>;
  clock: Clock;
  logger: Pick<BaseLogger, 'debug' | 'info'>;
}

/** Path of the members API root's collections, under which each community is one. */
const COLLECTIONS_PATH = '/taxii2/members/collections';

/** Returns the state and organisation through which the principal belongs to communities. */
export function memberKeysOf(principal: Principal): MemberKeys {
  return { stateCode: principal.stateCode, organisationId: principal.organisationId };
}

function requireSecretariat(principal: Principal): void {
  if (principal.role !== 'secretariat') {
    throw new DomainError('forbidden', (m) => m.problems.communities.secretariatOnly);
  }
}

async function toViews(db: Kysely<Tables>, rows: readonly CommunityRow[]) {
  const members = await listMembers(
    db,
    rows.map((row) => row.id),
  );
  const orgIds = members.filter((m) => m.member_kind === 'organisation').map((m) => m.member);
  const orgNames = new Map(
    (await findOrganisations(db, orgIds)).map((org) => [org.id, org.name] as const),
  );

  return rows.map((row): CommunityView => {
    const own = members.filter((m) => m.community_id === row.id);
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      states: own.filter((m) => m.member_kind === 'state').map((m) => m.member),
      organisations: own
        .filter((m) => m.member_kind === 'organisation')
        .map((m) => ({ id: m.member, name: orgNames.get(m.member) ?? m.member })),
      taxiiCollection: `${COLLECTIONS_PATH}/${row.id}/`,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      archivedAt: row.archived_at,
    };
  });
}

/** Resolves member states and organisations (by id or name), naming each unknown one. */
async function resolveMembers(
  db: Kysely<Tables>,
  states: readonly string[] | undefined,
  organisations: readonly string[] | undefined,
) {
  const problems: FieldError[] = [];
  const stateList = [...new Set(states ?? [])];
  const known = new Set(await findStateCodes(db, stateList));
  (states ?? []).forEach((code, index) => {
    if (!known.has(code)) {
      problems.push({
        field: `states.${index}`,
        message: (m) => m.problems.directory.notUnStateCode(code),
      });
    }
  });
  const orgs = await findOrganisationsByIdOrName(db, organisations ?? []);
  const orgIds = (organisations ?? []).map((given, index) => {
    const match = orgs.find((org) => namesOrganisation(org, given));
    if (match === undefined) {
      problems.push({
        field: `organisations.${index}`,
        message: (m) => m.problems.communities.notAdmittedPartner(given),
      });
    }
    return match?.id ?? '';
  });
  if (problems.length > 0) {
    throw invalidFields((m) => m.problems.http.invalidInput.community, problems);
  }

  return {
    states: states === undefined ? undefined : stateList,
    organisations: organisations === undefined ? undefined : [...new Set(orgIds)],
  };
}

async function assertNameFree(db: Kysely<Tables>, nameKey: string, ownId: string | null) {
  const existing = await findCommunityByNameKey(db, nameKey);
  if (existing !== undefined && existing.id !== ownId) {
    throw new DomainError('conflict', (m) => m.problems.communities.nameTaken, [
      { field: 'name', message: (m) => m.problems.communities.nameTakenField },
    ]);
  }
}

/**
 * Returns a community the principal may see: the secretariat sees every one, a state or
 * organisation only the active communities it belongs to. Anything else is `not_found`.
 */
async function findVisible(deps: CommunityDeps, principal: Principal, id: string) {
  const row = await findCommunity(deps.db, id);
  if (row === undefined) throw notFound((m) => m.problems.communities.communityNotFound);
  if (principal.role === 'secretariat') return row;
  const isVisible =
    row.archived_at === null && (await isMemberOf(deps.db, id, memberKeysOf(principal)));
  if (!isVisible) throw notFound((m) => m.problems.communities.communityNotFound);

  return row;
}

/** Lists the communities the principal may see, by name. */
export async function listCommunities(
  deps: CommunityDeps,
  principal: Principal,
  includeArchived: boolean,
): Promise<CommunityView[]> {
  const isSecretariat = principal.role === 'secretariat';
  const rows = await listCommunityRows(
    deps.db,
    isSecretariat ? null : memberKeysOf(principal),
    isSecretariat && includeArchived,
  );

  return toViews(deps.db, rows);
}

/** Returns one community to the secretariat or to a member. */
export async function getCommunity(deps: CommunityDeps, principal: Principal, id: string) {
  const [view] = await toViews(deps.db, [await findVisible(deps, principal, id)]);
  if (view === undefined) throw notFound((m) => m.problems.communities.communityNotFound);

  return view;
}

/** Creates a community with its first members; the secretariat only. */
export async function createCommunity(
  deps: CommunityDeps,
  principal: Principal,
  input: unknown,
): Promise<CommunityView> {
  requireSecretariat(principal);
  const data = parseInput(NewCommunitySchema, input, 'community');
  const members = await resolveMembers(deps.db, data.states, data.organisations);
  const nameKey = data.name.toLowerCase();
  await assertNameFree(deps.db, nameKey, null);

  const id = newId();
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await insertCommunity(trx, {
      id,
      name: data.name,
      name_key: nameKey,
      description: data.description,
      created_by: principal.accountId,
      created_at: now,
      updated_at: now,
      archived_at: null,
    });
    await insertMembers(
      trx,
      memberRows(id, members.states ?? [], members.organisations ?? [], now),
    );
    await recordAudit(trx, deps.clock, {
      accountId: principal.accountId,
      action: 'community.create',
      target: `community:${id}`,
      outcome: 'allowed',
      details: { name: data.name, states: members.states, organisations: members.organisations },
    });
  });
  deps.logger.info({ userId: principal.accountId, communityId: id }, 'community created');

  return getCommunity(deps, principal, id);
}

function memberRows(id: string, states: readonly string[], orgs: readonly string[], now: string) {
  return [
    ...states.map((code) => ({
      community_id: id,
      member_kind: 'state' as const,
      member: code,
      added_at: now,
    })),
    ...orgs.map((org) => ({
      community_id: id,
      member_kind: 'organisation' as const,
      member: org,
      added_at: now,
    })),
  ];
}

function difference(next: readonly string[], current: readonly string[]) {
  return {
    added: next.filter((item) => !current.includes(item)),
    removed: current.filter((item) => !next.includes(item)),
  };
}

/**
 * Renames a community or replaces its member lists; the secretariat only. A member removed here
 * stops reading what was shared into the community at once, because reads check membership.
 */
export async function updateCommunity(
  deps: CommunityDeps,
  principal: Principal,
  id: string,
  input: unknown,
): Promise<CommunityView> {
  requireSecretariat(principal);
  const patch = parseInput(CommunityPatchSchema, input, 'community');
  const current = await findVisible(deps, principal, id);
  if (current.archived_at !== null) {
    throw new DomainError('conflict', (m) => m.problems.communities.archived);
  }
  const members = await resolveMembers(deps.db, patch.states, patch.organisations);
  const nameKey = patch.name?.toLowerCase();
  if (nameKey !== undefined) await assertNameFree(deps.db, nameKey, id);

  const [view] = await toViews(deps.db, [current]);
  const states = difference(members.states ?? view?.states ?? [], view?.states ?? []);
  const currentOrgs = (view?.organisations ?? []).map((org) => org.id);
  const orgs = difference(members.organisations ?? currentOrgs, currentOrgs);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await updateCommunityRow(trx, id, {
      ...(patch.name === undefined ? {} : { name: patch.name, name_key: nameKey ?? '' }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      updated_at: now,
    });
    await deleteMembers(trx, id, 'state', states.removed);
    await deleteMembers(trx, id, 'organisation', orgs.removed);
    await insertMembers(trx, memberRows(id, states.added, orgs.added, now));
    await recordAudit(trx, deps.clock, {
      accountId: principal.accountId,
      action: 'community.update',
      target: `community:${id}`,
      outcome: 'allowed',
      details: { name: patch.name, description: patch.description !== undefined, states, orgs },
    });
  });
  deps.logger.info({ userId: principal.accountId, communityId: id }, 'community updated');

  return getCommunity(deps, principal, id);
}

/**
 * Archives a community; the secretariat only. Its collection leaves TAXII and it takes no new
 * objects, while what was shared into it stays readable by its members only.
 */
export async function archiveCommunity(deps: CommunityDeps, principal: Principal, id: string) {
  requireSecretariat(principal);
  const current = await findVisible(deps, principal, id);
  if (current.archived_at !== null) {
    throw new DomainError('conflict', (m) => m.problems.communities.alreadyArchived);
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await updateCommunityRow(trx, id, { archived_at: now, updated_at: now });
    await recordAudit(trx, deps.clock, {
      accountId: principal.accountId,
      action: 'community.archive',
      target: `community:${id}`,
      outcome: 'allowed',
    });
  });
  deps.logger.info({ userId: principal.accountId, communityId: id }, 'community archived');

  return getCommunity(deps, principal, id);
}
