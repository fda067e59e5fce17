import type { Kysely } from 'kysely';
import { z } from 'zod';

import { findAccountByEmailKey } from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Config } from '../config/config.ts';
import type { Tables } from '../db/schema.ts';
import { processMessages } from '../i18n/messages.ts';
import type { Clock } from '../shared/clock.ts';
import { newId } from '../shared/crypto.ts';
import {
  DomainError,
  invalidField,
  invalidFields,
  notFound,
  type FieldError,
} from '../shared/errors.ts';
import type { IfMatch } from '../shared/if-match.ts';
import { parseInput } from '../shared/validation.ts';
import { diffViews, toPocColumns, toPocView, type PocColumns } from './poc-fields.ts';
import { requireMatch, VersionMoved, writeAtReadVersion } from './poc-versions.ts';
import { bumpDirectoryRevision } from './revision.ts';
import {
  deletePocRowAtVersion,
  findLikelyDuplicates,
  findPocById,
  findPocInState,
  insertPocHistory,
  insertPocRow,
  listPocHistory,
  listPocRows,
  updatePocRowAtVersion,
  type PocRow,
} from './pocs.queries.ts';
import { PocCreateSchema, PocPatchSchema, type PocView } from './pocs.schema.ts';

/** Dependencies of the PoC service. */
export interface PocDeps {
  db: Kysely<Tables>;
  clock: Clock;
  config: Pick<Config, 'staleAfterDays'>;
}

/** The author of a change: a state's editor, or the secretariat recording a state's request. */
export interface PocActor {
  accountId: string;
  stateCode: string;
  /** The state's request that a secretariat change records; null for an editor's own change. */
  note: string | null;
}

const requestNote = z
  .string()
  .trim()
  .min(3, processMessages.problems.directory.fields.requestNote)
  .max(2000);

/** Options of a new entry. */
export interface CreateOptions {
  /** Create the entry even though it looks like an existing one. */
  confirmDuplicate?: boolean;
}

function view(deps: PocDeps, row: PocRow): PocView {
  return toPocView(row, deps.clock.now(), deps.config.staleAfterDays);
}

/** Returns the acting editor, or throws: only state editors change their state's entries. */
export function editorActor(principal: Principal): PocActor {
  if (principal.role !== 'state-editor' || principal.stateCode === null) {
    throw new DomainError('forbidden', (m) => m.problems.directory.ownEditorsOnly);
  }

  return { accountId: principal.accountId, stateCode: principal.stateCode, note: null };
}

/** Finds an entry of the actor's state, recording and rejecting any other attempt. */
async function requireOwnPoc(deps: PocDeps, actor: PocActor, id: string, action: string) {
  const row = await findPocInState(deps.db, id, actor.stateCode);
  if (row !== undefined) return row;

  await recordAudit(deps.db, deps.clock, {
    accountId: actor.accountId,
    action,
    target: `poc:${id}`,
    outcome: 'denied',
    details: { reason: 'not found in own state', state: actor.stateCode },
  });
  throw notFound((m) => m.problems.directory.pocNotFound);
}

/**
 * Rejects a PoC address that is the e-mail of an account outside the actor's state: a partner,
 * the secretariat or another state's account. Alerts to the state reach that address, and the
 * account would read them, above a partner's clearance or across states. The state's own
 * `poc` and `state-editor` accounts may be PoCs of their state. `checkPocAddress` applies the
 * same rule when an account is invited or created.
 */
async function checkEmailOwner(db: Kysely<Tables>, actor: PocActor, emailKey: string) {
  if (await isOutsideAccountEmail(db, actor, emailKey)) {
    throw invalidField('email', (m) => m.problems.directory.emailOfOutsideAccount);
  }
}

/** Returns whether the address is the e-mail of an account outside the actor's state. */
export async function isOutsideAccountEmail(
  db: Kysely<Tables>,
  actor: PocActor,
  emailKey: string,
): Promise<boolean> {
  const account = await findAccountByEmailKey(db, emailKey);
  if (account === undefined) return false;
  const isOwnState =
    (account.role === 'poc' || account.role === 'state-editor') &&
    account.state_code === actor.stateCode;

  return !isOwnState;
}

/**
 * Rejects an entry that looks like another of the same state (same address, or same name once
 * case, accents, spacing and look-alike letters of other scripts are ignored) unless the editor
 * confirmed it. The same address at the
 * same level is always rejected.
 */
async function checkDuplicates(
  db: Kysely<Tables>,
  actor: PocActor,
  candidate: { id: string | null; level: string; emailKey: string; nameKey: string },
  confirmed: boolean,
) {
  const found = await findLikelyDuplicates(db, actor.stateCode, candidate, candidate.id);
  const exact = found.find(
    (d) => d.email_key === candidate.emailKey && d.level === candidate.level,
  );
  if (exact !== undefined) {
    throw new DomainError('conflict', (m) => m.problems.directory.emailTaken(exact.level), [
      {
        field: 'email',
        message: (m) => m.problems.directory.emailUsedBy(exact.level, exact.name, exact.id),
      },
    ]);
  }
  if (found.length === 0 || confirmed) return;

  const fields: FieldError[] = found.map((d) => ({
    field: d.email_key === candidate.emailKey ? 'email' : 'name',
    message: (m) => m.problems.directory.looksLike(d.level, d.name, d.email, d.id),
  }));
  throw new DomainError(
    'duplicate_suspected',
    (m) => m.problems.directory.duplicateSuspected,
    fields,
  );
}

/** Rejects a `state` filter that names no UN member or observer state. */
async function requireUnState(db: Kysely<Tables>, stateCode: string) {
  const state = await db
    .selectFrom('states')
    .select('code')
    .where('code', '=', stateCode)
    .executeTakeFirst();
  if (state === undefined) {
    throw invalidField('state', (m) => m.problems.directory.notUnStateCode(stateCode));
  }
}

/** Lists PoC entries: an editor's own state, or any state (or all) for the secretariat. */
export async function listPocs(deps: PocDeps, principal: Principal, state?: string) {
  if (principal.role !== 'secretariat' && principal.role !== 'state-editor') {
    throw new DomainError('forbidden', (m) => m.problems.directory.listEditorsOnly);
  }
  const stateCode =
    principal.role === 'secretariat'
      ? (state?.toUpperCase() ?? null)
      : editorActor(principal).stateCode;
  if (stateCode !== null) await requireUnState(deps.db, stateCode);

  return (await listPocRows(deps.db, stateCode)).map((row) => view(deps, row));
}

/**
 * Returns one entry for editing: an entry of a state editor's own state, or any entry for the
 * secretariat. Another state's entry gives the same 404 as an unknown id.
 */
export async function getPoc(deps: PocDeps, principal: Principal, id: string) {
  if (principal.role === 'secretariat') {
    const row = await findPocById(deps.db, id);
    if (row === undefined) throw notFound((m) => m.problems.directory.pocNotFound);
    return view(deps, row);
  }
  if (principal.role !== 'state-editor') {
    throw new DomainError('forbidden', (m) => m.problems.directory.readEditorsOnly);
  }

  return view(deps, await requireOwnPoc(deps, editorActor(principal), id, 'poc.read'));
}

/** Adds a PoC to the actor's state; it counts as confirmed from the moment it is entered. */
export async function createPocAs(
  deps: PocDeps,
  actor: PocActor,
  input: unknown,
  options: CreateOptions = {},
) {
  const data = parseInput(PocCreateSchema, input, 'poc');
  const now = deps.clock.now();
  const columns = await toPocColumns(data, actor.stateCode, now);
  const at = now.toISOString();

  return deps.db.transaction().execute(async (trx) => {
    const keys = { emailKey: columns.email_key ?? '', nameKey: columns.name_key ?? '' };
    await checkEmailOwner(trx, actor, keys.emailKey);
    await checkDuplicates(
      trx,
      actor,
      { id: null, level: data.level, ...keys },
      options.confirmDuplicate === true,
    );
    const row = await insertPocRow(trx, {
      ...columns,
      id: newId(),
      state_code: actor.stateCode,
      level: data.level,
      name: columns.name ?? data.name,
      designation: columns.designation ?? data.designation,
      organisation: columns.organisation ?? data.organisation,
      email: columns.email ?? data.email,
      email_key: keys.emailKey,
      created_at: at,
      updated_at: at,
      created_by: actor.accountId,
      updated_by: actor.accountId,
      last_confirmed_at: at,
      confirmed_via: 'editor',
    });
    const created = view(deps, row);
    const entry = { pocId: row.id, stateCode: actor.stateCode, accountId: actor.accountId };
    await insertPocHistory(
      trx,
      { ...entry, action: 'create', at, note: actor.note },
      diffViews(null, created),
    );
    await bumpDirectoryRevision(trx);

    return created;
  });
}

/**
 * Changes fields of a PoC of the actor's state, recording old and new values. `condition` is the
 * request's `If-Match`, null when it sent none.
 */
export async function updatePocAs(
  deps: PocDeps,
  actor: PocActor,
  id: string,
  input: unknown,
  condition: IfMatch | null = null,
) {
  const data = parseInput(PocPatchSchema, input, 'pocChanges');
  const first = await requireOwnPoc(deps, actor, id, 'poc.update');
  // A stale tag fails here, before the key and telephone checks run.
  requireMatch(first, condition);
  const now = deps.clock.now();
  const columns = await toPocColumns(data, first.state_code, now);
  const at = now.toISOString();
  const reread = () => requireOwnPoc(deps, actor, id, 'poc.update');

  return writeAtReadVersion(first, condition, reread, (current) =>
    deps.db.transaction().execute(async (trx) => {
      const keys = {
        emailKey: columns.email_key ?? current.email_key,
        nameKey: columns.name_key ?? current.name_key,
      };
      // A write that changes no stored field keeps the version, so editors holding the current
      // ETag are not sent 412 for a change that never happened.
      if (changesNothing(current, columns)) return view(deps, current);
      const level = columns.level ?? current.level;
      if (keys.emailKey !== current.email_key) await checkEmailOwner(trx, actor, keys.emailKey);
      await checkDuplicates(trx, actor, { id, level, ...keys }, true);
      const row = await updatePocRowAtVersion(trx, id, current.version, {
        ...columns,
        updated_at: at,
        updated_by: actor.accountId,
      });
      if (row === undefined) throw new VersionMoved();
      const changes = diffViews(view(deps, current), view(deps, row));
      if (Object.keys(changes).length > 0) {
        const entry = { pocId: id, stateCode: current.state_code, accountId: actor.accountId };
        await insertPocHistory(trx, { ...entry, action: 'update', at, note: actor.note }, changes);
        await bumpDirectoryRevision(trx);
      }

      return view(deps, row);
    }),
  );
}

/** Returns whether every column of a change already has its value in the stored row. */
function changesNothing(row: PocRow, columns: PocColumns): boolean {
  return Object.entries(columns).every(([column, value]) => row[column as keyof PocRow] === value);
}

/** Removes a PoC of the actor's state and keeps its history. `condition` is as for updates. */
export async function deletePocAs(
  deps: PocDeps,
  actor: PocActor,
  id: string,
  condition: IfMatch | null = null,
) {
  const first = await requireOwnPoc(deps, actor, id, 'poc.delete');
  const at = deps.clock.now().toISOString();
  const reread = () => requireOwnPoc(deps, actor, id, 'poc.delete');

  await writeAtReadVersion(first, condition, reread, (current) =>
    deps.db.transaction().execute(async (trx) => {
      if (!(await deletePocRowAtVersion(trx, id, current.version))) throw new VersionMoved();
      const entry = { pocId: id, stateCode: current.state_code, accountId: actor.accountId };
      const changes = diffViews(view(deps, current), null);
      await insertPocHistory(trx, { ...entry, action: 'delete', at, note: actor.note }, changes);
      await bumpDirectoryRevision(trx);
    }),
  );
}

/**
 * Marks an entry confirmed now. `via` names how: `editor` (re-confirmed by an editor) or `check`
 * (its PoC answered a communication check). `condition` is as for updates.
 */
export async function confirmPoc(
  deps: PocDeps,
  actor: PocActor,
  id: string,
  via: 'editor' | 'check',
  condition: IfMatch | null = null,
) {
  const first = await requireOwnPoc(deps, actor, id, 'poc.confirm');
  const at = deps.clock.now().toISOString();
  const reread = () => requireOwnPoc(deps, actor, id, 'poc.confirm');

  return writeAtReadVersion(first, condition, reread, (current) =>
    deps.db.transaction().execute(async (trx) => {
      const confirmed = { last_confirmed_at: at, confirmed_via: via };
      const row = await updatePocRowAtVersion(trx, id, current.version, confirmed);
      if (row === undefined) throw new VersionMoved();
      const changes = { lastConfirmedAt: { old: current.last_confirmed_at, new: at } };
      const entry = { pocId: id, stateCode: current.state_code, accountId: actor.accountId };
      await insertPocHistory(trx, { ...entry, action: 'confirm', at, note: actor.note }, changes);
      await bumpDirectoryRevision(trx);

      return view(deps, row);
    }),
  );
}

/** Adds a PoC to the editor's own state. */
export function createPoc(
  deps: PocDeps,
  principal: Principal,
  input: unknown,
  options?: CreateOptions,
) {
  return createPocAs(deps, editorActor(principal), input, options);
}

/** Changes a PoC of the editor's own state, if it still matches `If-Match` when one was sent. */
export function updatePoc(
  deps: PocDeps,
  principal: Principal,
  id: string,
  input: unknown,
  condition: IfMatch | null,
) {
  return updatePocAs(deps, editorActor(principal), id, input, condition);
}

/** Removes a PoC of the editor's own state, if it still matches `If-Match` when one was sent. */
export function deletePoc(
  deps: PocDeps,
  principal: Principal,
  id: string,
  condition: IfMatch | null,
) {
  return deletePocAs(deps, editorActor(principal), id, condition);
}

/**
 * Returns a PoC's change history to its state's editors and the secretariat. Another role gets
 * 403, which the app's refusal hook audits. An entry of another state gives the same 404 as an
 * unknown id, and that refusal is audited here.
 */
export async function getPocHistory(deps: PocDeps, principal: Principal, id: string) {
  const isEditor = principal.role === 'state-editor';
  if (principal.role !== 'secretariat' && !isEditor) {
    throw new DomainError('forbidden', (m) => m.problems.directory.historyEditorsOnly);
  }

  let owner = deps.db.selectFrom('poc_history').select('state_code').where('poc_id', '=', id);
  if (isEditor) owner = owner.where('state_code', '=', principal.stateCode);
  if ((await owner.executeTakeFirst()) === undefined) {
    await recordAudit(deps.db, deps.clock, {
      accountId: principal.accountId,
      action: 'poc.history',
      target: `poc:${id}`,
      outcome: 'denied',
      details: {
        reason: isEditor ? 'not found in own state' : 'not found',
        state: principal.stateCode,
      },
    });
    throw notFound((m) => m.problems.directory.pocNotFound);
  }

  const rows = await listPocHistory(deps.db, id);

  return rows.map((row) => ({
    action: row.action,
    at: row.at,
    by: row.by,
    note: row.note,
    changes: JSON.parse(row.changes) as Record<string, { old: unknown; new: unknown }>,
  }));
}

const ChangeRequestSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('create'), request: requestNote, poc: z.unknown() }),
    z.object({
      action: z.literal('update'),
      request: requestNote,
      pocId: z.string(),
      changes: z.unknown(),
    }),
    z.object({ action: z.literal('delete'), request: requestNote, pocId: z.string() }),
    z.object({ action: z.literal('confirm'), request: requestNote, pocId: z.string() }),
  ],
  { error: processMessages.problems.directory.fields.changeAction },
);

/**
 * Runs one part of a change request and reports its field errors under the part's key, such as
 * `poc.phone` or `changes.email`. A state named inside the part is rejected, because the request
 * path names the state.
 */
async function runRequestPart<T>(
  part: 'poc' | 'changes',
  input: unknown,
  stateCode: string,
  run: () => Promise<T>,
): Promise<T> {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<
    string,
    unknown
  >;
  const stateFields = ['state', 'stateCode'].filter((field) => field in body);
  if (stateFields.length > 0) {
    throw invalidFields(
      (m) => m.problems.http.invalidInput.changeRequest,
      stateFields.map((field) => ({
        field: `${part}.${field}`,
        message: (m) => m.problems.directory.changeRequestStateInPath(stateCode),
      })),
    );
  }
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DomainError) || error.fields.length === 0) throw error;
    const fields = error.fields.map((f) => ({ ...f, field: `${part}.${f.field}` }));
    if (error.code === 'validation_failed') {
      throw invalidFields((m) => m.problems.http.invalidInput.changeRequest, fields);
    }
    throw new DomainError(error.code, error.text, fields);
  }
}

/**
 * Applies a change that a state asked the secretariat to make, recording the request with it in
 * the entry's history and the audit trail. Only the secretariat may do this.
 */
export async function applyChangeRequest(
  deps: PocDeps,
  principal: Principal,
  stateCode: string,
  input: unknown,
) {
  if (principal.role !== 'secretariat') {
    throw new DomainError('forbidden', (m) => m.problems.directory.changeRequestSecretariatOnly);
  }
  const data = parseInput(ChangeRequestSchema, input, 'changeRequest');
  const state = deps.db.selectFrom('states').select('code').where('code', '=', stateCode);
  if ((await state.executeTakeFirst()) === undefined)
    throw notFound((m) => m.problems.directory.stateNotFound);

  const actor: PocActor = { accountId: principal.accountId, stateCode, note: data.request };
  await recordAudit(deps.db, deps.clock, {
    accountId: principal.accountId,
    action: `poc.${data.action}-on-request`,
    target: `state:${stateCode}`,
    outcome: 'allowed',
    details: { request: data.request },
  });
  switch (data.action) {
    case 'create': {
      const create = () => createPocAs(deps, actor, data.poc, { confirmDuplicate: true });
      return { action: data.action, poc: await runRequestPart('poc', data.poc, stateCode, create) };
    }
    case 'update': {
      const update = () => updatePocAs(deps, actor, data.pocId, data.changes);
      const poc = await runRequestPart('changes', data.changes, stateCode, update);
      return { action: data.action, poc };
    }
    case 'delete':
      await deletePocAs(deps, actor, data.pocId);
      return { action: data.action, poc: null };
    case 'confirm':
      return { action: data.action, poc: await confirmPoc(deps, actor, data.pocId, 'editor') };
  }
}
