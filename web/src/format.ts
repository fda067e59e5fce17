import type { FieldError } from './api.ts';
import { messages } from './messages.ts';

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** Formats an ISO timestamp in the browser's time zone, or returns the text unchanged. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);

  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** Formats a severity as its number and name, for example `5 Emergency`. */
export function formatSeverity(level: number): string {
  const name = messages.severity.names[level] ?? '';

  return messages.severity.option(level, name).trim();
}

/** Formats a TLP level given as `amber+strict`, `AMBER+STRICT` or `TLP:AMBER+STRICT`. */
export function formatTlp(tlp: string): string {
  return `TLP:${tlp.replace(/^tlp:/i, '').toUpperCase()}`;
}

/** Returns the CSS class suffix of a TLP level, for example `amber-strict`. */
export function tlpClass(tlp: string): string {
  return tlp
    .replace(/^tlp:/i, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-');
}

/** Splits "fr, KE ,de" into upper-case codes without duplicates, and lists the invalid parts. */
export function parseStateCodes(input: string): { codes: string[]; invalid: string[] } {
  const parts = splitList(input);
  const invalid = parts.filter((part) => !/^[A-Za-z]{2}$/.test(part));
  const codes = [...new Set(parts.map((part) => part.toUpperCase()))];

  return { codes, invalid };
}

/**
 * Parses a form's `states` field into upper-case codes without duplicates. Adds the field's error
 * to `errors` when some part is not two letters.
 */
export function checkStateCodes(input: string, errors: FieldError[]): string[] {
  const { codes, invalid } = parseStateCodes(input);
  if (invalid.length > 0) {
    errors.push({
      field: 'states',
      message: messages.errors.stateCodesInvalid(invalid.join(', ')),
    });
  }

  return codes;
}

/** Splits a list typed by a person at commas, semicolons, spaces and line breaks. */
export function splitList(input: string): string[] {
  return input
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
