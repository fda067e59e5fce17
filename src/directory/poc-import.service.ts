import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tables } from '../db/schema.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, invalidFields, type ErrorText, type FieldError } from '../shared/errors.ts';
import { readDirectoryCsv, readRow, type ImportRecord } from './poc-import.csv.ts';
import { diffViews, nameLookalikeKey, toPocView, type PocColumns } from './poc-fields.ts';
import {
  insertPocHistory,
  insertPocRow,
  updatePocRowAtVersion,
  type PocRow,
} from './pocs.queries.ts';
import { editorActor, isOutsideAccountEmail, type PocActor, type PocDeps } from './pocs.service.ts';
import { bumpDirectoryRevision } from './revision.ts';

/** Action that importing one row takes, or would take in a dry run. */
export type ImportAction = 'create' | 'update' | 'unchanged' | 'reject';

/** The outcome of one CSV row; `row` is the row number a spreadsheet shows, the header being 1. */
export interface ImportRowResult {
  row: number;
  action: ImportAction;
  pocId: string | null;
  level: string;
  email: string;
  /** Fields that the row changes, by their API names. */
  changedFields: string[];
  errors: { column: string; message: string }[];
}

/** The outcome of an import: one result per row and the counts per action. */
export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  rows: ImportRowResult[];
}

/** Options of an import. */
export interface ImportOptions {
  /** Report what would happen and write nothing. */
  dryRun: boolean;
  /** Create rows whose name looks like another PoC of the state with another e-mail. */
  confirmDuplicates: boolean;
}

/** A row's planned change, with what applying it needs. */
interface RowPlan {
  result: ImportRowResult;
  errors: { column: string; message: ErrorText }[];
  columns: PocColumns;
  current: PocRow | null;
}

function emptyResult(record: ImportRecord): ImportRowResult {
  return {
    row: record.row,
    action: 'reject',
    pocId: null,
    level: record.cells.get('level') ?? '',
    email: record.cells.get('email') ?? '',
    changedFields: [],
    errors: [],
  };
}

/** Plans every row against the state's stored PoCs, reading the database only. */
async function planImport(
  deps: PocDeps,
  db: Kysely<Tables>,
  actor: PocActor,
  records: readonly ImportRecord[],
  options: ImportOptions,
): Promise<RowPlan[]> {
  const now = deps.clock.now();
  const stored = await db
    .selectFrom('pocs')
    .selectAll()
    .where('state_code', '=', actor.stateCode)
    .execute();
  const seen = new Map<string, number>();
  // Look-alike keys of the names planned so far, so two new rows of one file are compared too.
  const plannedNames = new Map<string, { row: number; emailKey: string }>();
  const plans: RowPlan[] = [];

  for (const record of records) {
    const plan: RowPlan = { result: emptyResult(record), errors: [], columns: {}, current: null };
    plans.push(plan);
    const stateCode = record.cells.get('state_code')?.trim().toUpperCase() ?? '';
    if (stateCode !== actor.stateCode) {
      plan.errors.push({
        column: 'state_code',
        message: (m) => m.problems.directory.importOtherState(stateCode, actor.stateCode),
      });
      continue;
    }
    const { columns, errors } = await readRow(record, actor.stateCode, now);
    if (columns === undefined) {
      plan.errors.push(...errors);
      continue;
    }

    const key = JSON.stringify([columns.email_key, columns.level]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      plan.errors.push({
        column: 'email',
        message: (m) => m.problems.directory.importRepeatedRow(earlier),
      });
      continue;
    }
    seen.set(key, record.row);

    const current = stored.find(
      (p) => p.email_key === columns.email_key && p.level === columns.level,
    );
    // The rule of POST /api/v1/pocs: another state's, a partner's or the secretariat's address
    // would let that account read the state's alerts.
    const emailKey = columns.email_key ?? '';
    if (current === undefined && (await isOutsideAccountEmail(db, actor, emailKey))) {
      plan.errors.push({
        column: 'email',
        message: (m) => m.problems.directory.emailOfOutsideAccount,
      });
      continue;
    }
    const lookalikeKey = nameLookalikeKey(columns.name_key ?? '');
    const lookalike = stored.find(
      (p) => nameLookalikeKey(p.name_key) === lookalikeKey && p.email_key !== columns.email_key,
    );
    if (current === undefined && lookalike !== undefined && !options.confirmDuplicates) {
      const { level, name, email, id } = lookalike;
      plan.errors.push({
        column: 'name',
        message: (m) => m.problems.directory.importLooksLike(level, name, email, id),
      });
      continue;
    }

    const earlierName = plannedNames.get(lookalikeKey);
    const repeatsName = earlierName !== undefined && earlierName.emailKey !== columns.email_key;
    if (current === undefined && repeatsName && !options.confirmDuplicates) {
      plan.errors.push({
        column: 'name',
        message: (m) => m.problems.directory.importLooksLikeRow(earlierName.row),
      });
      continue;
    }
    if (earlierName === undefined && columns.name_key !== undefined) {
      plannedNames.set(lookalikeKey, { row: record.row, emailKey: columns.email_key ?? '' });
    }

    plan.columns = columns;
    plan.current = current ?? null;
    plan.result.pocId = current?.id ?? null;
    plan.result.changedFields = changedFields(deps, actor, plan, now);
    plan.result.action =
      current === undefined
        ? 'create'
        : plan.result.changedFields.length > 0
          ? 'update'
          : 'unchanged';
  }

  return plans;
}

/** Builds the row that creating a PoC from the columns stores. */
function newRow(columns: PocColumns, actor: PocActor, at: string): PocRow {
  return {
    id: newId(),
    state_code: actor.stateCode,
    level: columns.level ?? '',
    contact_role: columns.contact_role ?? 'primary',
    name: columns.name ?? '',
    name_key: columns.name_key ?? '',
    designation: columns.designation ?? '',
    organisation: columns.organisation ?? '',
    email: columns.email ?? '',
    email_key: columns.email_key ?? '',
    phone: columns.phone ?? null,
    emergency_phone: columns.emergency_phone ?? null,
    languages: columns.languages ?? '[]',
    time_zone: columns.time_zone ?? null,
    hours: columns.hours ?? null,
    pgp_key: null,
    pgp_fingerprint: null,
    pgp_expires_at: null,
    created_at: at,
    updated_at: at,
    created_by: actor.accountId,
    updated_by: actor.accountId,
    last_confirmed_at: at,
    confirmed_via: 'editor',
    version: 1,
  };
}

/** Lists the fields, by API name, whose values the row's columns change. */
function changedFields(deps: PocDeps, actor: PocActor, plan: RowPlan, now: Date) {
  const staleAfter = deps.config.staleAfterDays;
  const { current, columns } = plan;
  const before = current === null ? null : toPocView(current, now, staleAfter);
  const base = current ?? newRow(columns, actor, now.toISOString());
  const after = toPocView({ ...base, ...columns }, now, staleAfter);

  return Object.keys(diffViews(before, after));
}

async function applyPlan(deps: PocDeps, trx: Kysely<Tables>, actor: PocActor, plan: RowPlan) {
  const at = deps.clock.now().toISOString();
  const staleAfter = deps.config.staleAfterDays;
  const { columns, current } = plan;
  const entry = { stateCode: actor.stateCode, accountId: actor.accountId, at, note: actor.note };

  if (plan.result.action === 'create') {
    const row = await insertPocRow(trx, newRow(columns, actor, at));
    const created = toPocView(row, new Date(at), staleAfter);
    await insertPocHistory(
      trx,
      { ...entry, pocId: row.id, action: 'create' },
      diffViews(null, created),
    );
    plan.result.pocId = row.id;
    return;
  }
  if (plan.result.action === 'update' && current !== null) {
    // The plan read the row in this transaction, but on PostgreSQL another transaction may still
    // change it before this write. The import then fails whole rather than overwrite that change.
    const row = await updatePocRowAtVersion(trx, current.id, current.version, {
      ...columns,
      updated_at: at,
      updated_by: actor.accountId,
    });
    if (row === undefined) {
      const id = current.id;
      throw new DomainError('conflict', (m) => m.problems.directory.importEntryChanged(id));
    }
    const changes = diffViews(
      toPocView(current, new Date(at), staleAfter),
      toPocView(row, new Date(at), staleAfter),
    );
    await insertPocHistory(trx, { ...entry, pocId: current.id, action: 'update' }, changes);
  }
}

function toReport(plans: readonly RowPlan[], dryRun: boolean, catalogue: Catalogue): ImportReport {
  const rows = plans.map(({ result, errors }) => ({
    ...result,
    action: errors.length > 0 ? ('reject' as const) : result.action,
    errors: errors.map(({ column, message }) => ({ column, message: message(catalogue) })),
  }));
  const count = (action: ImportAction) => rows.filter((row) => row.action === action).length;

  return {
    dryRun,
    created: count('create'),
    updated: count('update'),
    unchanged: count('unchanged'),
    rejected: count('reject'),
    rows,
  };
}

function rejection(plans: readonly RowPlan[]): DomainError {
  const fields: FieldError[] = plans.flatMap(({ result, errors }) =>
    errors.map(({ column, message }) => ({ field: `rows.${result.row}.${column}`, message })),
  );
  const rejected = plans.filter((plan) => plan.errors.length > 0).length;

  return invalidFields((m) => m.problems.directory.importRejected(rejected), fields);
}

/**
 * Imports a state's PoCs from a CSV file in the directory export's format: a row whose e-mail
 * and level match a stored PoC updates it, any other row creates one. The whole file is written
 * in one transaction, with a history entry per change, or nothing is written when any row is
 * rejected. A dry run reports the same outcome and writes nothing.
 */
export async function importPocsCsv(
  deps: PocDeps,
  principal: Principal,
  body: Buffer | string,
  options: ImportOptions,
  catalogue: Catalogue,
): Promise<ImportReport> {
  const actor = editorActor(principal);
  const records = readDirectoryCsv(body);

  if (options.dryRun) {
    return toReport(await planImport(deps, deps.db, actor, records, options), true, catalogue);
  }

  const plans = await deps.db.transaction().execute(async (trx) => {
    const planned = await planImport(deps, trx, actor, records, options);
    if (planned.some((plan) => plan.errors.length > 0)) throw rejection(planned);

    for (const plan of planned) await applyPlan(deps, trx, actor, plan);
    if (planned.some((plan) => plan.result.action !== 'unchanged')) {
      await bumpDirectoryRevision(trx);
    }

    return planned;
  });
  const report = toReport(plans, false, catalogue);
  await recordAudit(deps.db, deps.clock, {
    accountId: actor.accountId,
    action: 'poc.import',
    target: `state:${actor.stateCode}`,
    outcome: 'allowed',
    details: { created: report.created, updated: report.updated, unchanged: report.unchanged },
  });

  return report;
}
