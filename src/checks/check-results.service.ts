import { stringify } from 'csv-stringify/sync';

import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { recordAudit } from '../audit/audit.ts';
import { notFound } from '../shared/errors.ts';
import {
  findCheck,
  listChecks,
  listRecipients,
  listRecipientsWithRegion,
  type CheckListScope,
  type CheckRecipientRow,
  type CheckRow,
} from './checks.queries.ts';
import type { CheckResultRow, CheckSummary, ResponseRate } from './checks.schema.ts';

const MINUTE_MS = 60_000;

/** Outcome of one state in a check, for the results grid. */
export type StateOutcome = 'answered' | 'answered-after-escalation' | 'unanswered' | 'pending';

/** Returns the middle value of a list of numbers, or null for an empty list. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;

  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

function minutesBetween(from: string, to: string): number {
  return Math.round(((new Date(to).getTime() - new Date(from).getTime()) / MINUTE_MS) * 10) / 10;
}

/** Returns true when the recipient answered before its deadline. */
function isAnsweredInTime(row: { answered_at: string | null; due_at: string }): boolean {
  return row.answered_at !== null && row.answered_at <= row.due_at;
}

function addToRate(rates: Record<string, ResponseRate>, key: string, isAnswered: boolean) {
  const rate = rates[key] ?? { recipients: 0, answered: 0, rate: null };
  rate.recipients += 1;
  if (isAnswered) rate.answered += 1;
  rate.rate = rate.answered / rate.recipients;
  rates[key] = rate;
}

/**
 * Computes the aggregate figures of a check: response rates per level and per UN regional group,
 * and the median time to answer. Only answers before the recipient's deadline count.
 */
export async function summariseCheck(ctx: AppContext, check: CheckRow): Promise<CheckSummary> {
  const rows = await listRecipientsWithRegion(ctx.db, check.id);
  const byLevel: Record<string, ResponseRate> = {};
  const byRegion: Record<string, ResponseRate> = {};
  const overall = { recipients: 0, answered: 0, rate: null as number | null };
  let delivered = 0;
  let opened = 0;
  let escalations = 0;
  const minutes: number[] = [];

  for (const row of rows) {
    const isAnswered = isAnsweredInTime(row);
    overall.recipients += 1;
    if (isAnswered) overall.answered += 1;
    if (row.delivered_at !== null) delivered += 1;
    if (row.opened_at !== null) opened += 1;
    if (row.escalated_from !== null) escalations += 1;
    addToRate(byLevel, row.level, isAnswered);
    addToRate(byRegion, row.region ?? 'observer', isAnswered);
    if (isAnswered && row.answered_at !== null) {
      minutes.push(minutesBetween(row.sent_at ?? check.created_at, row.answered_at));
    }
  }
  overall.rate = overall.recipients === 0 ? null : overall.answered / overall.recipients;

  return {
    id: check.id,
    title: check.title,
    isExercise: check.exercise_id !== null,
    status: check.status,
    createdAt: check.created_at,
    closesAt: check.closes_at,
    overall: { ...overall, delivered, opened, escalations },
    byLevel,
    byRegion,
    medianMinutesToAnswer: median(minutes),
  };
}

/** Returns the aggregates of a check to anyone; they name no person, address or state. */
export async function getCheckSummary(ctx: AppContext, checkId: string) {
  const check = await findCheck(ctx.db, checkId);
  if (check === undefined) throw notFound((m) => m.problems.checks.checkNotFound);

  return summariseCheck(ctx, check);
}

/**
 * Finds a check whose results the principal may read, and the state they are limited to: none
 * for the secretariat, the own state for a state editor. Anyone else gets the same 404 as for a
 * check that does not exist.
 */
export async function findReadableCheck(ctx: AppContext, principal: Principal, checkId: string) {
  const check = await findCheck(ctx.db, checkId);
  if (check !== undefined && principal.role === 'secretariat') return { check, state: undefined };
  if (check !== undefined && principal.role === 'state-editor' && principal.stateCode !== null) {
    const own = await listRecipients(ctx.db, check.id, principal.stateCode);
    if (own.length > 0 || check.created_by === principal.accountId) {
      return { check, state: principal.stateCode };
    }
  }

  await recordAudit(ctx.db, ctx.clock, {
    accountId: principal.accountId,
    action: 'check.results',
    target: `check:${checkId}`,
    outcome: 'denied',
    details: { role: principal.role, state: principal.stateCode },
  });
  throw notFound((m) => m.problems.checks.checkNotFound);
}

function toResultRow(check: CheckRow, row: CheckRecipientRow): CheckResultRow {
  const sentAt = row.sent_at ?? check.created_at;

  return {
    id: row.id,
    stateCode: row.state_code,
    organisationId: row.organisation_id,
    level: row.level,
    contactRole: row.contact_role,
    email: row.email,
    isEscalation: row.escalated_from !== null,
    escalatedFrom: row.escalated_from,
    dueAt: row.due_at,
    sentAt: row.sent_at,
    deliveredAt: row.delivered_at,
    deliveryFailedAt: row.delivery_failed_at,
    openedAt: row.opened_at,
    answeredAt: row.answered_at,
    answeredVia: row.answered_via,
    remindersSent: row.reminders_sent,
    escalatedAt: row.escalated_at,
    minutesToAnswer: row.answered_at === null ? null : minutesBetween(sentAt, row.answered_at),
  };
}

/** Sums up each state's recipients into one outcome, for the grid of states. */
export function stateOutcomes(
  check: Pick<CheckRow, 'status'>,
  rows: readonly CheckResultRow[],
): Record<string, StateOutcome> {
  const outcomes: Record<string, StateOutcome> = {};
  const states = [...new Set(rows.map((row) => row.stateCode))];
  for (const state of states) {
    const own = rows.filter((row) => row.stateCode === state);
    const inTime = own.filter((row) => row.answeredAt !== null && row.answeredAt <= row.dueAt);
    if (inTime.some((row) => !row.isEscalation)) outcomes[state] = 'answered';
    else if (inTime.length > 0) outcomes[state] = 'answered-after-escalation';
    else outcomes[state] = check.status === 'closed' ? 'unanswered' : 'pending';
  }

  return outcomes;
}

/** Returns every recipient row the principal may read, with the outcome per state. */
export async function getCheckResults(ctx: AppContext, principal: Principal, checkId: string) {
  const { check, state } = await findReadableCheck(ctx, principal, checkId);
  const rows = await listRecipients(ctx.db, check.id, state);
  const recipients = rows.map((row) => toResultRow(check, row));

  return {
    id: check.id,
    title: check.title,
    isExercise: check.exercise_id !== null,
    status: check.status,
    createdAt: check.created_at,
    closesAt: check.closes_at,
    finalClosesAt: check.final_closes_at,
    closedAt: check.closed_at,
    recipients,
    states: stateOutcomes(check, recipients),
  };
}

const csvColumns: (keyof CheckResultRow)[] = [
  'stateCode',
  'level',
  'contactRole',
  'email',
  'isEscalation',
  'dueAt',
  'sentAt',
  'deliveredAt',
  'deliveryFailedAt',
  'openedAt',
  'answeredAt',
  'answeredVia',
  'remindersSent',
  'escalatedAt',
  'minutesToAnswer',
];

/** Formats the results the principal may read as CSV, one line per recipient. */
export async function getCheckResultsCsv(ctx: AppContext, principal: Principal, checkId: string) {
  const results = await getCheckResults(ctx, principal, checkId);
  const records = results.recipients.map((row) => csvColumns.map((column) => row[column]));

  return stringify(records, {
    header: true,
    columns: csvColumns,
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });
}

/** Formats the aggregates of a check as CSV: one line per level and per regional group. */
export async function getCheckSummaryCsv(ctx: AppContext, checkId: string) {
  const summary = await getCheckSummary(ctx, checkId);
  const line = (group: string, key: string, rate: ResponseRate) => [
    group,
    key,
    rate.recipients,
    rate.answered,
    rate.rate === null ? '' : rate.rate.toFixed(3),
  ];
  const records = [
    line('overall', 'all', summary.overall),
    ...Object.entries(summary.byLevel).map(([key, rate]) => line('level', key, rate)),
    ...Object.entries(summary.byRegion).map(([key, rate]) => line('region', key, rate)),
  ];

  return stringify(records, {
    header: true,
    columns: ['group', 'key', 'recipients', 'answered', 'rate'],
  });
}

/**
 * Lists the newest checks the principal may know of. The secretariat sees every check. A state
 * editor sees the real checks that reached its state or that it started. Any other account sees
 * the checks sent to its own address, drills included and marked.
 */
export async function listRecentChecks(ctx: AppContext, principal: Principal) {
  const options = { includeExercises: principal.role === 'secretariat', limit: 100 };
  let scope: CheckListScope = { kind: 'email', emailKey: principal.emailKey };
  if (principal.role === 'secretariat') scope = { kind: 'all' };
  if (principal.role === 'state-editor' && principal.stateCode !== null) {
    scope = { kind: 'state', stateCode: principal.stateCode, accountId: principal.accountId };
  }
  if (scope.kind === 'email') options.includeExercises = true;
  const checks = await listChecks(ctx.db, scope, options);

  return checks.map((check) => ({
    id: check.id,
    title: check.title,
    isExercise: check.exercise_id !== null,
    status: check.status,
    createdAt: check.created_at,
    closesAt: check.closes_at,
  }));
}
