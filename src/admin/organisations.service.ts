import type { Principal } from '../accounts/principal.ts';
import { invalidField, notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { recordAllowed, rejectAsForbidden, type AdminDeps } from './admin.access.ts';
import { OrganisationPatch, type OrganisationView } from './admin.schema.ts';
import {
  findOrganisationById,
  listOrganisationRows,
  updateOrganisationClearance,
  type OrganisationRow,
} from './users.queries.ts';

/** Converts an organisation row into the API's view. */
export function toOrganisationView(row: OrganisationRow): OrganisationView {
  return {
    id: row.id,
    name: row.name,
    clearance: row.clearance,
    sponsorState: row.sponsor_state,
    createdAt: row.created_at,
  };
}

async function requireSecretariat(
  deps: AdminDeps,
  caller: Principal,
  action: string,
  target: string | null,
) {
  if (caller.role === 'secretariat') return;

  throw await rejectAsForbidden(
    deps,
    caller,
    { action, target },
    (m) => m.problems.admin.manageOrganisations,
  );
}

/** Throws a 422 on `sponsorState` unless the code names a known state. */
export async function requireKnownSponsor(deps: Pick<AdminDeps, 'db'>, code: string) {
  const state = await deps.db
    .selectFrom('states')
    .select('code')
    .where('code', '=', code)
    .executeTakeFirst();
  if (state === undefined)
    throw invalidField('sponsorState', (m) => m.problems.directory.unknownStateCode(code));
}

/** Lists the partner organisations, for the secretariat. */
export async function listOrganisations(deps: AdminDeps, caller: Principal) {
  await requireSecretariat(deps, caller, 'organisation.list', null);

  return (await listOrganisationRows(deps.db)).map(toOrganisationView);
}

/**
 * Changes a partner organisation's clearance (the highest TLP its accounts may read) or its
 * sponsoring state, whose editors may then send it communication checks.
 */
export async function updateOrganisation(
  deps: AdminDeps,
  caller: Principal,
  id: string,
  input: unknown,
): Promise<OrganisationView> {
  await requireSecretariat(deps, caller, 'organisation.update', `organisation:${id}`);
  const data = parseInput(OrganisationPatch, input, 'organisation');
  const current = await findOrganisationById(deps.db, id);
  if (current === undefined) throw notFound((m) => m.problems.admin.organisationNotFound);
  if (data.sponsorState !== undefined && data.sponsorState !== null) {
    await requireKnownSponsor(deps, data.sponsorState);
  }

  const changes = {
    ...(data.clearance === undefined ? {} : { clearance: data.clearance }),
    ...(data.sponsorState === undefined ? {} : { sponsor_state: data.sponsorState }),
  };
  const row = await deps.db.transaction().execute(async (trx) => {
    const updated = await updateOrganisationClearance(trx, id, changes);
    const details = {
      ...(data.clearance === undefined
        ? {}
        : { clearance: { old: current.clearance, new: data.clearance } }),
      ...(data.sponsorState === undefined
        ? {}
        : { sponsorState: { old: current.sponsor_state, new: data.sponsorState } }),
    };
    await recordAllowed(
      { ...deps, db: trx },
      caller,
      'organisation.update',
      `organisation:${id}`,
      details,
    );

    return updated;
  });
  if (row === undefined) throw notFound((m) => m.problems.admin.organisationNotFound);
  deps.logger.info({ userId: caller.accountId, organisationId: id }, 'organisation updated');

  return toOrganisationView(row);
}
