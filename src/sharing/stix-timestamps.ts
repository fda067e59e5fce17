/** RFC 3339 timestamps as STIX 2.1 writes them, checked and compared without a JavaScript `Date`. */

import { processMessages } from '../i18n/messages.ts';

// RFC 3339 in UTC, as the STIX `timestamp` schema writes it; the calendar is checked separately.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

/** Fraction digits kept in a version key: nanoseconds. */
const KEY_FRACTION_DIGITS = 9;

/** A valid timestamp, shown in messages. */
export const EXAMPLE_TIMESTAMP = '2024-03-05T08:15:30.000Z';

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * Checks a STIX timestamp without going through a JavaScript `Date`, which would drop digits
 * after the millisecond. Returns a problem description, or null when the timestamp is valid.
 */
export function checkTimestamp(value: unknown): string | null {
  if (typeof value !== 'string')
    return processMessages.problems.sharing.fields.timestampType(EXAMPLE_TIMESTAMP);
  const match = TIMESTAMP.exec(value);
  if (match === null) {
    return processMessages.problems.sharing.fields.timestampFormat(value, EXAMPLE_TIMESTAMP);
  }

  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const fraction = match[7] ?? '';
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return processMessages.problems.sharing.fields.notCalendarDate(value);
  }
  // Second 60 is a leap second, which RFC 3339 and the STIX timestamp schema allow.
  if (hour > 23 || minute > 59 || second > 60) {
    return processMessages.problems.sharing.fields.notTimeOfDay(value);
  }
  if (fraction.length > KEY_FRACTION_DIGITS) {
    return processMessages.problems.sharing.fields.tooManyFractionDigits(
      value,
      KEY_FRACTION_DIGITS,
    );
  }

  return null;
}

/**
 * Converts a valid timestamp into its version key: the fraction padded to nanoseconds, so that
 * text order is time order and `.1Z` and `.100Z` give the same key.
 */
export function versionKey(timestamp: string): string {
  const match = TIMESTAMP.exec(timestamp);
  if (match === null) throw new Error(`Not a STIX timestamp: ${timestamp}`);
  const fraction = (match[7] ?? '').padEnd(KEY_FRACTION_DIGITS, '0');

  return `${timestamp.slice(0, 19)}.${fraction}Z`;
}

/** Converts a valid timestamp into the millisecond form that `date_added` is stored in. */
export function toMillisecondText(value: string): string {
  // Truncating keeps "strictly after" exact, because stored values have millisecond precision.
  return `${versionKey(value).slice(0, 23)}Z`;
}
