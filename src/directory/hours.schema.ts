import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';

const text = processMessages.validation;

/** Weekday keys of working hours, Monday first. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A weekday key. */
export type Weekday = (typeof weekdays)[number];

/** Working hours in the PoC's time zone: "24/7", or ranges such as `09:00-17:30` per weekday. */
export type Hours = '24/7' | Partial<Record<Weekday, string[]>>;

/** Maximum number of ranges in one day. */
export const MAX_RANGES_PER_DAY = 4;

const RANGE = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

type Context = z.core.$RefinementCtx;

function isWeekday(key: string): key is Weekday {
  return (weekdays as readonly string[]).includes(key);
}

/** Checks one day's ranges, reporting each problem once, and returns them sorted by start. */
function readDay(day: Weekday, value: unknown, ctx: Context): string[] {
  if (!Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', path: [day], message: text.hoursDay });
    return [];
  }
  if (value.length > MAX_RANGES_PER_DAY) {
    ctx.addIssue({ code: 'custom', path: [day], message: text.hoursMaxRanges(MAX_RANGES_PER_DAY) });
    return [];
  }
  const ranges: string[] = [];
  for (const [index, range] of value.entries()) {
    if (typeof range !== 'string' || !RANGE.test(range)) {
      ctx.addIssue({ code: 'custom', path: [day, index], message: text.hoursRange });
    } else if (range.slice(0, 5) >= range.slice(6)) {
      ctx.addIssue({ code: 'custom', path: [day, index], message: text.hoursRangeEnd(range) });
    } else {
      ranges.push(range);
    }
  }
  // Times have a fixed width, so text order is time order.
  ranges.sort();
  for (let i = 1; i < ranges.length; i++) {
    const previous = ranges[i - 1] ?? '';
    const current = ranges[i] ?? '';
    if (current.slice(0, 5) < previous.slice(6)) {
      ctx.addIssue({ code: 'custom', path: [day], message: text.hoursOverlap(previous, current) });
    }
  }

  return ranges;
}

/**
 * Reads working hours: `"24/7"`, or an object of weekday keys whose values list at most four
 * non-overlapping ranges such as `09:00-17:30` (`24:00` may end a range). Ranges come back
 * sorted. Days without ranges are dropped, and hours without any range become null, so `{}`
 * reads as "no hours given" like null does. Keys other than weekdays, `__proto__` included, are
 * errors: the result is built from weekday keys only.
 */
export const HoursSchema = z.unknown().transform((value, ctx): Hours | null => {
  if (value === '24/7') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: text.hoursForm });
    return z.NEVER;
  }

  const hours: Partial<Record<Weekday, string[]>> = {};
  for (const [key, ranges] of Object.entries(value)) {
    if (!isWeekday(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: text.unknownWeekday });
      continue;
    }
    const day = readDay(key, ranges, ctx);
    if (day.length > 0) hours[key] = day;
  }

  return weekdays.some((day) => hours[day] !== undefined) ? hours : null;
});

// IANA time zones that the tz database renamed, where ICU 78 (bundled with Node.js 20.20) still
// resolves the new name to the old one. Source: the `backward` file of the IANA tz database,
// which marks each old name's current name with `#=`. Links that merely merge one country's
// zone into another's (Europe/Bratislava into Europe/Prague) are not renames and stay.
const RENAMED_TIME_ZONES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/**
 * Returns the canonical IANA name of a time zone given in any case or as an alias
 * (`europe/zurich`, `US/Eastern`, `Asia/Calcutta`), or null when `Intl` does not know it.
 */
export function canonicalTimeZone(zone: string): string | null {
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    return RENAMED_TIME_ZONES[resolved] ?? resolved;
  } catch {
    return null;
  }
}

/**
 * A time zone by its IANA name, stored in canonical spelling. Abbreviations such as `CET` or
 * `EST` are rejected (they are ambiguous), UTC excepted.
 */
export const TimeZoneSchema = z
  .string()
  .max(64)
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (canonical === null || !(zone.includes('/') || zone.toUpperCase() === 'UTC')) {
      ctx.addIssue({ code: 'custom', message: text.timeZone });
      return z.NEVER;
    }

    return canonical;
  });
