import { CsvError, parse } from 'csv-parse/sync';

import { DomainError, invalidField, type FieldError } from '../shared/errors.ts';
import { toFieldErrors } from '../shared/validation.ts';
import { csvColumns, parseHours, readCell } from './directory.csv.ts';
import { toPocColumns } from './poc-fields.ts';
import { PocCreateSchema, type PocCreate } from './pocs.schema.ts';

/** Most data rows one import reads; a state designates a few dozen PoCs at most. */
export const MAX_IMPORT_ROWS = 1000;

/** Columns that every import file needs. */
const requiredColumns = ['state_code', 'level', 'name', 'designation', 'organisation', 'email'];

/** One data row of an import file, with formula neutralisation undone. */
export interface ImportRecord {
  /** The row number a spreadsheet shows; the header is row 1. */
  row: number;
  /** Cell values by column name; a column absent from the file has no entry. */
  cells: Map<string, string>;
  /** Working hours read back from the `hours` cell, or undefined when the column is absent. */
  hours: unknown;
}

function decodeUtf8(body: Buffer | string): string {
  if (typeof body === 'string') return body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new DomainError('invalid_request', (m) => m.problems.directory.importNotUtf8);
  }
}

function checkHeader(header: readonly string[]) {
  const known = new Set<string>(csvColumns);
  const unknown = header.filter((column) => !known.has(column));
  if (unknown.length > 0) {
    throw invalidField('header', (m) => m.problems.directory.importUnknownColumns(unknown));
  }
  const missing = requiredColumns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw invalidField('header', (m) => m.problems.directory.importMissingColumns(missing));
  }
  const repeated = header.filter((column, index) => header.indexOf(column) !== index);
  if (repeated.length > 0) {
    throw invalidField('header', (m) => m.problems.directory.importRepeatedColumns(repeated));
  }
}

function parseRecords(text: string): string[][] {
  try {
    return parse(text, { bom: true, skip_empty_lines: true });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const reason = error.message;
    throw new DomainError('invalid_request', (m) => m.problems.directory.importUnreadable(reason));
  }
}

/**
 * Reads an import file in the directory export's format: UTF-8 with or without a byte order
 * mark, a header row of export column names (any order, `state_code`, `level`, `name`,
 * `designation`, `organisation` and `email` required), then one PoC per row.
 */
export function readDirectoryCsv(body: Buffer | string): ImportRecord[] {
  const [header, ...rows] = parseRecords(decodeUtf8(body));
  if (header === undefined || rows.length === 0) {
    throw invalidField('file', (m) => m.problems.directory.importEmpty);
  }
  checkHeader(header);
  if (rows.length > MAX_IMPORT_ROWS) {
    throw invalidField('file', (m) => m.problems.directory.importTooManyRows(MAX_IMPORT_ROWS));
  }

  return rows.map((values, index) => {
    const cells = new Map(header.map((column, i) => [column, readCell(values[i] ?? '')]));
    const hours = cells.get('hours');

    return { row: index + 2, cells, hours: hours === undefined ? undefined : parseHours(hours) };
  });
}

// Column of the CSV that carries each API field; nested paths (hours.mon.0) use their first part.
const columnOfField: Readonly<Record<string, string>> = {
  emergencyPhone: 'emergency_phone',
  timeZone: 'time_zone',
  state: 'state_code',
  stateCode: 'state_code',
};

function toColumnErrors(fields: readonly FieldError[]) {
  return fields.map(({ field, message }) => {
    const top = field.split('.')[0] ?? field;

    return { column: columnOfField[top] ?? top, message };
  });
}

/** Builds the PoC input of one row: empty optional cells clear a value, absent columns keep it. */
function toPocInput(record: ImportRecord): Record<string, unknown> {
  const optional = (column: string) => {
    const value = record.cells.get(column);
    return value === undefined ? undefined : value.trim() === '' ? null : value;
  };
  const languages = record.cells.get('languages');
  const role = record.cells.get('role');

  return {
    level: record.cells.get('level'),
    role: role === undefined || role.trim() === '' ? undefined : role.trim(),
    name: record.cells.get('name'),
    designation: record.cells.get('designation'),
    organisation: record.cells.get('organisation'),
    email: record.cells.get('email'),
    phone: optional('phone'),
    emergencyPhone: optional('emergency_phone'),
    languages: languages === undefined ? undefined : languages.split(/\s+/).filter(Boolean),
    timeZone: optional('time_zone'),
    hours: record.hours,
  };
}

/** Returns the row's columns, or the errors that keep it from being imported. */
export async function readRow(record: ImportRecord, stateCode: string, now: Date) {
  const parsed = PocCreateSchema.safeParse(toPocInput(record));
  if (!parsed.success) return { errors: toColumnErrors(toFieldErrors(parsed.error)) };

  try {
    const data: PocCreate = parsed.data;
    const columns = await toPocColumns(data, stateCode, now);
    // Columns absent from the file keep their stored values on update.
    if (!record.cells.has('role')) delete columns.contact_role;
    if (!record.cells.has('languages')) delete columns.languages;

    return { columns, errors: [] };
  } catch (error) {
    if (!(error instanceof DomainError) || error.fields.length === 0) throw error;
    return { errors: toColumnErrors(error.fields) };
  }
}
