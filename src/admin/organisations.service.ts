import type { Principal } from '../accounts/principal.ts';
import { notFound } from '../shared/errors.ts';
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
  return { id: row.id, name: row.name, clearance: row.clearance, createdAt: row.created_at };
}

async function requireSecretariat(
  deps: AdminDeps,
  caller: Principal,
  action: string,
  target: string | null,
) {
  if (caller.role === 'secretariat') return;

  const reason = 'Only the secretariat manages partner organisations';
  throw await rejectAsForbidden(deps, caller, { action, target, reason });
}

/** Lists the partner organisations, for the secretariat. */
export async function listOrganisations(deps: AdminDeps, caller: Principal) {
  await requireSecretariat(deps, caller, 'organisation.list', null);

  return (await listOrganisationRows(deps.db)).map(toOrganisationView);
}

/** Changes the clearance of a partner organisation: the highest TLP its accounts may read. */
export async function updateOrganisation(
  deps: AdminDeps,
  caller: Principal,
  id: string,
  input: unknown,
): Promise<OrganisationView> {
  await requireSecretariat(deps, caller, 'organisation.update', `organisation:${id}`);
  const data = parseInput(OrganisationPatch, input, 'organisation');
  const current = await findOrganisationById(deps.db, id);
  if (current === undefined) throw notFound('Organisation');

  const row = await deps.db.transaction().execute(async (trx) => {
    const updated = await updateOrganisationClearance(trx, id, data.clearance);
    const details = { clearance: { old: current.clearance, new: data.clearance } };
    await recordAllowed(
      { ...deps, db: trx },
      caller,
      'organisation.update',
      `organisation:${id}`,
      details,
    );

    return updated;
  });
  if (row === undefined) throw notFound('Organisation');
  deps.logger.info({ userId: caller.accountId, organisationId: id }, 'organisation updated');

  return toOrganisationView(row);
}
