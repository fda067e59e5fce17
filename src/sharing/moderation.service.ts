import type { Principal } from '../accounts/principal.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { insertModerationItem, listVisibleItems } from './moderation.queries.ts';
import { assertPartnersCleared, resolveAudience } from './audience.ts';
import { BundleEnvelopeSchema, type ShareOptions } from './sharing.schema.ts';
import {
  checkBundle,
  importBundle,
  type ImportResult,
  type SharingDeps,
} from './sharing.service.ts';

/** A moderation item as its submitter and its moderators see it, without the bundle. */
export interface ModerationSummary {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  objectCount: number;
  states: string[];
  reason: string | null;
  decidedAt: string | null;
  createdAt: string;
  /** Objects stored and rejected when the item was approved. */
  result: { stored: number; rejected: number } | null;
}

/** A moderator's decision on one item. */
export interface ModerationDecision {
  decision: 'approve' | 'reject';
  reason: string;
}

type ItemRow = {
  id: string;
  submitted_by: string;
  organisation_id: string | null;
  options: string;
  object_count: number;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  decided_at: string | null;
  result: string | null;
  created_at: string;
};

function toSummary(row: ItemRow): ModerationSummary {
  const options = JSON.parse(row.options) as ShareOptions;

  return {
    id: row.id,
    status: row.status,
    objectCount: row.object_count,
    states: options.states,
    reason: row.reason,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    result: row.result === null ? null : (JSON.parse(row.result) as ModerationSummary['result']),
  };
}

/**
 * Returns true when the principal moderates the item: the secretariat always, and state editors
 * and PoCs of a state the submission names as recipient, which is the community it is meant for.
 */
function isModerator(principal: Principal, row: ItemRow): boolean {
  if (principal.role === 'secretariat') return true;
  if (principal.role !== 'state-editor' && principal.role !== 'poc') return false;
  const { states } = JSON.parse(row.options) as ShareOptions;

  return principal.stateCode !== null && states.includes(principal.stateCode);
}

function isSubmitter(principal: Principal, row: ItemRow): boolean {
  return (
    row.submitted_by === principal.accountId ||
    (principal.organisationId !== null && row.organisation_id === principal.organisationId)
  );
}

/**
 * Completes the TAXII status of a submission made through TAXII, which shares the item's id:
 * approved objects end in `successes` or `failures`, and a rejection fails every object.
 */
async function completeTaxiiStatus(
  deps: SharingDeps,
  row: ItemRow & { bundle: string },
  imported: ImportResult | null,
  reason: string,
): Promise<void> {
  const status = await deps.db
    .selectFrom('taxii_statuses')
    .select('pendings')
    .where('id', '=', row.id)
    .executeTakeFirst();
  if (status === undefined) return;

  const pendings = JSON.parse(status.pendings) as { id: string; version: string }[];
  const successes = imported?.accepted ?? [];
  const failures =
    imported === null
      ? pendings.map((pending) => ({ ...pending, message: `rejected by a moderator: ${reason}` }))
      : imported.rejected.map((item) => ({
          id: item.id ?? `objects[${item.index}]`,
          version: pendings[item.index]?.version ?? '',
          message: item.reason,
        }));
  await deps.db
    .updateTable('taxii_statuses')
    .set({
      status: 'complete',
      success_count: successes.length,
      successes: JSON.stringify(successes),
      failure_count: failures.length,
      failures: JSON.stringify(failures),
      pending_count: 0,
      pendings: '[]',
    })
    .where('id', '=', row.id)
    .execute();
}

/**
 * Holds a partner's bundle for moderation; nothing is shared until a moderator approves it. The
 * audience is checked now as an upload checks it, so unknown recipients and named partners
 * cleared below an object's TLP are rejected before the item is stored. Approval checks it again.
 */
export async function submitForModeration(
  deps: SharingDeps,
  principal: Principal,
  bundle: unknown,
  options: ShareOptions,
): Promise<ModerationSummary> {
  if (principal.role !== 'partner') {
    throw new DomainError('forbidden', (m) => m.problems.sharing.partnersOnlySubmit);
  }
  const envelope = parseInput(BundleEnvelopeSchema, bundle, 'bundle');
  const { partners } = await resolveAudience(deps, principal, options);
  const checked = await checkBundle(deps, bundle, options);
  assertPartnersCleared(partners, checked.candidates);
  const row: ItemRow = {
    id: newId(),
    submitted_by: principal.accountId,
    organisation_id: principal.organisationId,
    options: JSON.stringify(options),
    object_count: envelope.objects.length,
    status: 'pending',
    reason: null,
    decided_at: null,
    result: null,
    created_at: deps.clock.now().toISOString(),
  };
  const item = { ...row, bundle: JSON.stringify(envelope), decided_by: null };
  await insertModerationItem(deps.db, item, options.states);
  deps.logger.info(
    { accountId: principal.accountId, itemId: row.id },
    'bundle held for moderation',
  );

  return toSummary(row);
}

/** Lists the items the principal submitted or moderates, oldest first. */
export async function listModeration(
  deps: SharingDeps,
  principal: Principal,
): Promise<ModerationSummary[]> {
  const rows = await listVisibleItems(deps.db, principal);

  return rows.map(toSummary);
}

async function findVisibleItem(deps: SharingDeps, principal: Principal, id: string) {
  const row = await deps.db
    .selectFrom('moderation_items')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined || !(isSubmitter(principal, row) || isModerator(principal, row))) {
    throw notFound((m) => m.problems.sharing.moderationNotFound);
  }

  return row;
}

/** Returns one item to its submitter or a moderator. */
export async function readModeration(
  deps: SharingDeps,
  principal: Principal,
  id: string,
): Promise<ModerationSummary> {
  return toSummary(await findVisibleItem(deps, principal, id));
}

/**
 * Approves or rejects a pending item. On approval the moderator shares the bundle with the
 * submitter's options, so the moderator is the sharer of record and the TLP rules apply as usual.
 */
export async function decideModeration(
  deps: SharingDeps,
  principal: Principal,
  id: string,
  decision: ModerationDecision,
): Promise<ModerationSummary> {
  const row = await findVisibleItem(deps, principal, id);
  if (!isModerator(principal, row)) {
    throw new DomainError('forbidden', (m) => m.problems.sharing.moderatorsOnly);
  }
  if (row.status !== 'pending') {
    throw new DomainError('conflict', (m) => m.problems.sharing.alreadyDecided(row.status));
  }

  const decidedAt = deps.clock.now().toISOString();
  let result: string | null = null;
  let imported: ImportResult | null = null;
  if (decision.decision === 'approve') {
    const options = JSON.parse(row.options) as ShareOptions;
    imported = await importBundle(deps, principal, JSON.parse(row.bundle), options);
    result = JSON.stringify({ stored: imported.stored, rejected: imported.rejected.length });
  }
  const status = decision.decision === 'approve' ? 'approved' : 'rejected';
  // The status guard makes a concurrent second decision a no-op instead of a second import.
  await deps.db
    .updateTable('moderation_items')
    .set({
      status,
      // An approval needs no reason; none given reads as null, as on a pending item.
      reason: decision.reason === '' ? null : decision.reason,
      decided_by: principal.accountId,
      decided_at: decidedAt,
      result,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  await completeTaxiiStatus(deps, row, imported, decision.reason);
  deps.logger.info({ accountId: principal.accountId, itemId: id, status }, 'moderation decided');

  return readModeration(deps, principal, id);
}
