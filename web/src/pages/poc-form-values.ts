import { splitList } from '../format.ts';
import {
  weekdays,
  type contactRoles,
  type Hours,
  type Poc,
  type PocLevel,
  type Weekday,
} from '../schemas.ts';

/** Entry mode of working hours: not given, around the clock, or ranges per weekday. */
export type HoursMode = 'none' | 'always' | 'weekly';

/** Values of the PoC form, as typed. */
export interface PocFormValues {
  level: PocLevel | '';
  role: (typeof contactRoles)[number];
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone: string;
  emergencyPhone: string;
  languages: string[];
  timeZone: string;
  hoursMode: HoursMode;
  /** Ranges per weekday as typed, for example `09:00-12:00, 13:00-17:00`. */
  weeklyHours: Record<Weekday, string>;
  pgpKey: string;
}

/** A PoC's fields as the API accepts them in `POST` and `PATCH /api/v1/pocs`. */
export type PocBody = Record<string, string | string[] | Partial<Record<Weekday, string[]>> | null>;

const noWeeklyHours = Object.fromEntries(weekdays.map((day) => [day, ''])) as Record<
  Weekday,
  string
>;

/** Empty values for a new PoC. */
export const emptyPocForm: PocFormValues = {
  level: '',
  role: 'primary',
  name: '',
  designation: '',
  organisation: '',
  email: '',
  phone: '',
  emergencyPhone: '',
  languages: [],
  timeZone: '',
  hoursMode: 'none',
  weeklyHours: noWeeklyHours,
  pgpKey: '',
};

function toHoursValues(hours: Hours | null | undefined) {
  if (hours === null || hours === undefined) {
    return { hoursMode: 'none' as const, weeklyHours: noWeeklyHours };
  }
  if (hours === '24/7') return { hoursMode: 'always' as const, weeklyHours: noWeeklyHours };

  const weeklyHours = { ...noWeeklyHours };
  for (const day of weekdays) weeklyHours[day] = (hours[day] ?? []).join(', ');

  return { hoursMode: 'weekly' as const, weeklyHours };
}

/** Converts a stored PoC into form values. */
export function toPocFormValues(poc: Poc): PocFormValues {
  return {
    level: poc.level,
    role: poc.role,
    name: poc.name,
    designation: poc.designation,
    organisation: poc.organisation,
    email: poc.email,
    phone: poc.phone ?? '',
    emergencyPhone: poc.emergencyPhone ?? '',
    languages: poc.languages,
    timeZone: poc.timeZone ?? '',
    ...toHoursValues(poc.hours),
    pgpKey: poc.pgpKey ?? '',
  };
}

function toHours(values: PocFormValues): Hours | null {
  if (values.hoursMode === 'none') return null;
  if (values.hoursMode === 'always') return '24/7';

  const hours: Partial<Record<Weekday, string[]>> = {};
  for (const day of weekdays) {
    const ranges = splitList(values.weeklyHours[day]);
    if (ranges.length > 0) hours[day] = ranges;
  }

  // Weekly hours without a range on any day contain nothing, so they are stored as not given.
  return Object.keys(hours).length === 0 ? null : hours;
}

// The API removes an optional value when it receives null, because an empty string is invalid.
function orNull(text: string): string | null {
  return text.trim() === '' ? null : text;
}

/** Converts form values into the API's fields. Empty optional fields become null. */
export function toPocBody(values: PocFormValues): PocBody {
  return {
    level: values.level,
    role: values.role,
    name: values.name,
    designation: values.designation,
    organisation: values.organisation,
    email: values.email,
    phone: orNull(values.phone),
    emergencyPhone: orNull(values.emergencyPhone),
    languages: values.languages,
    timeZone: orNull(values.timeZone),
    hours: toHours(values),
    pgpKey: orNull(values.pgpKey),
  };
}

/** Body of `POST /api/v1/pocs`: optional fields left empty are left out. */
export function toCreateBody(values: PocFormValues): PocBody {
  const body = toPocBody(values);

  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
}

/** Body of `PATCH /api/v1/pocs/{id}`: only the fields the user changed. */
export function toPatchBody(poc: Poc, values: PocFormValues): PocBody {
  const before = toPocBody(toPocFormValues(poc));
  const after = toPocBody(values);
  const body: PocBody = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(value) !== JSON.stringify(before[key])) body[key] = value;
  }

  return body;
}
