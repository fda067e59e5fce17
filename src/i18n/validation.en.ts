import { formatCount } from './format.ts';

const count = (value: number | bigint) =>
  typeof value === 'bigint' ? value.toString() : formatCount('en', value);

/** Units of a size limit by the kind of value that zod checked. */
const units: Readonly<Record<string, string>> = {
  string: 'characters',
  array: 'items',
  set: 'items',
  file: 'bytes',
};

/** English text of the validation messages that a schema does not write itself. */
export const validationMessages = {
  required: 'is required',
  /** `article` is `a` or `an`; `type` is a JSON or zod type name such as string or integer. */
  wrongType: (article: string, type: string) => `must be ${article} ${type}`,
  notEmpty: 'must not be empty',
  atMost: (limit: number | bigint, origin: string) =>
    origin in units
      ? `must have at most ${count(limit)} ${units[origin]}`
      : `must be at most ${count(limit)}`,
  lessThan: (limit: number | bigint) => `must be less than ${count(limit)}`,
  atLeast: (limit: number | bigint, origin: string) =>
    origin in units
      ? `must have at least ${count(limit)} ${units[origin]}`
      : `must be at least ${count(limit)}`,
  moreThan: (limit: number | bigint) => `must be more than ${count(limit)}`,
  oneOf: (values: readonly string[]) =>
    values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`,
  multipleOf: (divisor: number | bigint) => `must be a multiple of ${count(divisor)}`,
  pattern: (pattern: string) => `must match the pattern ${pattern}`,
  startsWith: (prefix: string) => `must start with "${prefix}"`,
  endsWith: (suffix: string) => `must end with "${suffix}"`,
  includes: (part: string) => `must contain "${part}"`,
  format: (format: string) => `must be a valid ${format}`,
  email: 'must be an e-mail address such as name@example.org',
  url: 'must be a URL such as https://example.org/',
  datetime: 'must be an ISO 8601 date and time such as 2026-12-01T09:00:00Z',
  date: 'must be an ISO 8601 date such as 2026-12-01',
  unknownKey: 'is not a known field',
  invalidKey: 'has an invalid key',
  invalidEntry: 'has an invalid entry',
  noUnionMatch: 'does not match any of the accepted forms',
  invalid: 'is invalid',
  stateCode: 'must be an ISO 3166-1 alpha-2 code such as FR',
  eachStateCode: 'each state must be an ISO 3166-1 alpha-2 code such as FR',
  tlp2Level: 'must be a TLP 2.0 level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED',
  tlpLevel: 'must be a TLP level: clear, green, amber, amber+strict or red',
  notTlpLevel: (value: string) =>
    `"${value}" is not a TLP level; use clear, green, amber, amber+strict or red`,
  severity: 'must be an integer from 0 (Baseline) to 5 (Emergency)',
  trueOrFalse: 'must be true or false',
  singleLine: 'must be a single line without control characters',
  multiLine: 'must not contain control characters other than line breaks and tabs',
  bidiControl: 'must not contain bidirectional override characters',
  invisibleCharacters: 'must not contain invisible characters such as zero-width spaces',
  validUnicode: 'must be valid Unicode text',
  visibleCharacters: 'must contain visible characters',
  stixIdentifier: 'must be a STIX identifier such as indicator--<UUID>',
  eachStixTypeName: 'each type must be a STIX type name',
  stixObjects: 'must be an array of STIX objects',
  pageLimit: 'must be a whole number from 1 to 500',
  pageCursor: 'must be the `next` value of a previous page',
  /** `codePoint` is written as U+00AD. */
  hiddenCharacter: (codePoint: string) =>
    `must not contain ${codePoint}, a character that shows as nothing or as a blank (text ` +
    'pasted from a word processor often carries one): delete it and type the text again',
  /** `codePoint` is written as U+FFFF. */
  noncharacter: (codePoint: string) =>
    `must not contain ${codePoint}, which Unicode reserves as a noncharacter: delete it`,
  /** `codePoint` is written as U+E000. */
  privateUseCharacter: (codePoint: string) =>
    `must not contain the private-use character ${codePoint}, which each system shows ` +
    'differently: delete it',
  letterOrDigit: 'must contain at least one letter or digit',
  hoursForm: 'must be "24/7" or ranges per weekday such as {"mon":["09:00-17:30"]}',
  hoursDay: 'must be a list of ranges such as ["09:00-12:00","13:00-17:30"]',
  hoursRange: 'must be a range in 24-hour time with two-digit hours, such as 09:00-17:30',
  hoursRangeEnd: (range: string) =>
    `must end after it starts, which ${range} does not: split a range past midnight into one ` +
    'ending at 24:00 and one starting at 00:00 on the next day',
  hoursMaxRanges: (max: number) => `must have at most ${count(max)} ranges a day: merge some`,
  hoursOverlap: (first: string, second: string) =>
    `has the overlapping ranges ${first} and ${second}: merge them into one range`,
  unknownWeekday: 'is not a known field: use mon, tue, wed, thu, fri, sat or sun',
  timeZone: 'must be an IANA time zone name such as Asia/Karachi',
  /** `keys` are the columns a list sorts by; `fallback` is the sort used without the parameter. */
  sortKey: (keys: readonly string[], fallback: string) =>
    `must be one of ${keys.join(', ')}, with a leading - for descending order (default ${fallback})`,
} as const;
