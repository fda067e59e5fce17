import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

import type { DirectoryPoc, DirectoryState } from './directory.service.ts';
import { weekdays, type Hours } from './pocs.schema.ts';

/** Columns of the directory CSV, in order; hidden fields are empty cells. */
export const csvColumns = [
  'state_code',
  'state_name',
  'level',
  'role',
  'name',
  'designation',
  'organisation',
  'email',
  'phone',
  'emergency_phone',
  'languages',
  'time_zone',
  'hours',
  'pgp_fingerprint',
  'pgp_expires_at',
  'last_confirmed_at',
  'stale',
] as const;

/** One row of the directory CSV. */
export type CsvRow = Record<(typeof csvColumns)[number], string>;

const formulaStart = /^[=+\-@\t\r']/;

/**
 * Prefixes a cell that a spreadsheet would run as a formula (leading =, +, -, @, tab or CR) with
 * an apostrophe, as OWASP recommends against CSV injection. A value that already starts with an
 * apostrophe gets one too, so `readCell` can always undo it. An E.164 telephone number (`+` and
 * digits only) cannot carry a formula and is left as it is.
 */
export function neutraliseFormula(value: string): string {
  if (/^\+\d{1,15}$/.test(value)) return value;

  return formulaStart.test(value) ? `'${value}` : value;
}

/** Undoes `neutraliseFormula`. */
export function readCell(value: string): string {
  return value.startsWith("'") && formulaStart.test(value.slice(1)) ? value.slice(1) : value;
}

/** Formats working hours for a cell: `24/7`, or `mon 09:00-17:00; tue …`. */
export function formatHours(hours: Hours | null | undefined): string {
  if (hours === null || hours === undefined) return '';
  if (hours === '24/7') return hours;

  return weekdays
    .filter((day) => (hours[day]?.length ?? 0) > 0)
    .map((day) => `${day} ${(hours[day] ?? []).join(',')}`)
    .join('; ');
}

/**
 * Reads working hours written by `formatHours` back into their stored form, or returns null for
 * an empty cell. Text in any other form is returned unchanged, so that schema validation names it.
 */
export function parseHours(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed === '24/7') return trimmed;

  const hours: Partial<Record<(typeof weekdays)[number], string[]>> = {};
  for (const part of trimmed.split(';')) {
    const match = /^\s*([a-z]{3})\s+(\S+)\s*$/.exec(part);
    const day = weekdays.find((weekday) => weekday === match?.[1]);
    if (match === null || day === undefined || day in hours) return trimmed;
    hours[day] = (match[2] ?? '').split(',');
  }

  return hours;
}

function toRow(state: DirectoryState, poc: DirectoryPoc): CsvRow {
  return {
    state_code: state.code,
    state_name: state.name,
    level: poc.level,
    role: poc.role,
    name: poc.name ?? '',
    designation: poc.designation ?? '',
    organisation: poc.organisation ?? '',
    email: poc.email ?? '',
    phone: poc.phone ?? '',
    emergency_phone: poc.emergencyPhone ?? '',
    languages: (poc.languages ?? []).join(' '),
    time_zone: poc.timeZone ?? '',
    hours: formatHours(poc.hours),
    pgp_fingerprint: poc.pgpFingerprint ?? '',
    pgp_expires_at: poc.pgpExpiresAt ?? '',
    last_confirmed_at: poc.lastConfirmedAt ?? '',
    stale: poc.stale ? 'yes' : 'no',
  };
}

/**
 * Renders the directory as CSV (RFC 4180, CRLF), one row per PoC, with a header row. A UTF-8
 * byte order mark comes first, because spreadsheet programs such as Excel otherwise read the file
 * in the system's legacy code page.
 */
export function directoryToCsv(states: DirectoryState[]): string {
  const rows = states.flatMap((state) =>
    state.pocs.map((poc) =>
      csvColumns.map((column) => neutraliseFormula(toRow(state, poc)[column])),
    ),
  );

  return stringify([[...csvColumns], ...rows], { record_delimiter: 'windows', bom: true });
}

/** Reads a directory CSV back into rows with the original values. */
export function parseDirectoryCsv(text: string): CsvRow[] {
  const records = parse<Record<string, string>>(text, { columns: true, bom: true });

  return records.map((record) => {
    const row = {} as CsvRow;
    for (const column of csvColumns) row[column] = readCell(record[column] ?? '');

    return row;
  });
}
