import type { Kysely } from 'kysely';

import { requireEmailKey } from '../accounts/accounts.service.ts';
import type { Principal } from '../accounts/principal.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { normalisePhone } from './phone.ts';
import {
  deletePocRow,
  findPocInState,
  findSamePoc,
  insertPocHistory,
  insertPocRow,
  listPocHistory,
  listPocRows,
  updatePocRow,
  type PocRow,
} from './pocs.queries.ts';
import { PocCreateSchema, PocPatchSchema, type PocLevel, type PocView } from './pocs.schema.ts';

/** What the PoC service needs. */
export interface PocDeps {
  db: Kysely<Tables>;
  clock: Clock;
}

const editableFields = ['level', 'name', 'designation', 'organisation', 'email', 'phone'] as const;

/** Converts a stored row into the API's view. */
export function toPocView(row: PocRow): PocView {
  return {
    id: row.id,
    stateCode: row.state_code,
    level: row.level as PocLevel,
    name: row.name,
    designation: row.designation,
    organisation: row.organisation,
    email: row.email,
    phone: row.phone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Returns the editor's state, or throws: only state editors change PoC entries. */
function requireEditorState(principal: Principal): string {
  if (principal.role !== 'state-editor' || principal.stateCode === null) {
    throw new DomainError('forbidden', "Only a state's own editors may change its PoC entries");
  }

  return principal.stateCode;
}

/** Finds an entry of the editor's own state, recording and rejecting any other attempt. */
async function requireOwnPoc(deps: PocDeps, principal: Principal, id: string, action: string) {
  const stateCode = requireEditorState(principal);
  const row = await findPocInState(deps.db, id, stateCode);
  if (row !== undefined) return row;

  await recordAudit(deps.db, deps.clock, {
    accountId: principal.accountId,
    action,
    target: `poc:${id}`,
    outcome: 'denied',
    details: { reason: 'not found in own state', state: stateCode },
  });
  throw notFound('PoC');
}

/** Lists PoC entries: an editor's own state, or any state (or all) for the secretariat. */
export async function listPocs(deps: PocDeps, principal: Principal, state?: string) {
  if (principal.role === 'secretariat') {
    return (await listPocRows(deps.db, state?.toUpperCase() ?? null)).map(toPocView);
  }

  return (await listPocRows(deps.db, requireEditorState(principal))).map(toPocView);
}

/** Adds a PoC to the editor's own state. */
export async function createPoc(deps: PocDeps, principal: Principal, input: unknown) {
  const stateCode = requireEditorState(principal);
  const data = parseInput(PocCreateSchema, input, 'PoC');
  const emailKey = requireEmailKey(data.email);
  const phone = normalisePhone(data.phone, stateCode);
  const now = deps.clock.now().toISOString();

  return deps.db.transaction().execute(async (trx) => {
    if ((await findSamePoc(trx, stateCode, data.level, emailKey)) !== undefined) {
      throw new DomainError('conflict', `A ${data.level} PoC with e-mail ${data.email} exists`, [
        { field: 'email', message: 'already used by a PoC of your state at this level' },
      ]);
    }
    const row = await insertPocRow(trx, {
      id: newId(),
      state_code: stateCode,
      ...data,
      email_key: emailKey,
      phone,
      created_at: now,
      updated_at: now,
      created_by: principal.accountId,
      updated_by: principal.accountId,
    });
    const changes = Object.fromEntries(
      editableFields.map((field) => [field, { old: null, new: row[field] }]),
    );
    const entry = { pocId: row.id, stateCode, accountId: principal.accountId, at: now };
    await insertPocHistory(trx, { ...entry, action: 'create' }, changes);

    return toPocView(row);
  });
}

/** Changes fields of a PoC of the editor's own state, recording old and new values. */
export async function updatePoc(deps: PocDeps, principal: Principal, id: string, input: unknown) {
  const data = parseInput(PocPatchSchema, input, 'PoC changes');
  const current = await requireOwnPoc(deps, principal, id, 'poc.update');
  const next = {
    ...data,
    ...(data.email === undefined ? {} : { email_key: requireEmailKey(data.email) }),
    ...(data.phone === undefined ? {} : { phone: normalisePhone(data.phone, current.state_code) }),
  };
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const field of editableFields) {
    const value = next[field];
    if (value !== undefined && value !== current[field]) {
      changes[field] = { old: current[field], new: value };
    }
  }
  if (Object.keys(changes).length === 0) return toPocView(current);

  const now = deps.clock.now().toISOString();

  return deps.db.transaction().execute(async (trx) => {
    const level = next.level ?? current.level;
    const emailKey = next.email_key ?? current.email_key;
    const same = await findSamePoc(trx, current.state_code, level, emailKey);
    if (same !== undefined && same.id !== id) {
      throw new DomainError('conflict', `Another ${level} PoC of your state has that e-mail`, [
        { field: 'email', message: 'already used by a PoC of your state at this level' },
      ]);
    }
    const row = await updatePocRow(trx, id, {
      ...next,
      updated_at: now,
      updated_by: principal.accountId,
    });
    const entry = { pocId: id, stateCode: current.state_code, accountId: principal.accountId };
    await insertPocHistory(trx, { ...entry, action: 'update', at: now }, changes);

    return toPocView(row);
  });
}

/** Removes a PoC of the editor's own state; its history is kept. */
export async function deletePoc(deps: PocDeps, principal: Principal, id: string) {
  const current = await requireOwnPoc(deps, principal, id, 'poc.delete');
  const now = deps.clock.now().toISOString();
  const changes = Object.fromEntries(
    editableFields.map((field) => [field, { old: current[field], new: null }]),
  );

  await deps.db.transaction().execute(async (trx) => {
    await deletePocRow(trx, id);
    const entry = { pocId: id, stateCode: current.state_code, accountId: principal.accountId };
    await insertPocHistory(trx, { ...entry, action: 'delete', at: now }, changes);
  });
}

/** Returns a PoC's change history to its state's editors and the secretariat. */
export async function getPocHistory(deps: PocDeps, principal: Principal, id: string) {
  let stateCode: string | null = null;
  if (principal.role === 'secretariat') {
    const row = await deps.db
      .selectFrom('poc_history')
      .select('state_code')
      .where('poc_id', '=', id)
      .executeTakeFirst();
    stateCode = row?.state_code ?? null;
  } else if (principal.role === 'state-editor') {
    const row = await deps.db
      .selectFrom('poc_history')
      .select('state_code')
      .where('poc_id', '=', id)
      .where('state_code', '=', principal.stateCode)
      .executeTakeFirst();
    stateCode = row?.state_code ?? null;
  }
  if (stateCode === null) throw notFound('PoC');

  const rows = await listPocHistory(deps.db, id);

  return rows.map((row) => ({
    action: row.action,
    at: row.at,
    by: row.by,
    changes: JSON.parse(row.changes) as Record<string, { old: unknown; new: unknown }>,
  }));
}
