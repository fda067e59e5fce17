import { stringify } from 'csv-stringify/sync';

import type { DirectoryState } from './directory.service.ts';

/**
 * Prefixes a cell that a spreadsheet would run as a formula (leading =, +, -, @, tab or CR)
 * with an apostrophe, as OWASP recommends against CSV injection. An E.164 telephone number
 * (`+` and digits only) cannot carry a formula and is left as it is.
 */
export function neutraliseFormula(value: string): string {
  if (/^\+\d{1,15}$/.test(value)) return value;

  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Renders the directory as CSV, one row per PoC, with a header row. */
export function directoryToCsv(states: DirectoryState[], includePhone: boolean): string {
  const header = [
    'state_code',
    'state_name',
    'level',
    'name',
    'designation',
    'organisation',
    'email',
  ];
  if (includePhone) header.push('phone');

  const rows = states.flatMap((state) =>
    state.pocs.map((poc) => {
      const row = [state.code, state.name, poc.level, poc.name, poc.designation, poc.organisation];
      row.push(poc.email);
      if (includePhone) row.push(poc.phone ?? '');

      return row.map(neutraliseFormula);
    }),
  );

  return stringify([header, ...rows], { record_delimiter: 'windows' });
}
