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
  /** `keys` are the columns a list sorts by; `fallback` is the sort used without the parameter. */
  sortKey: (keys: readonly string[], fallback: string) =>
    `must be one of ${keys.join(', ')}, with a leading - for descending order (default ${fallback})`,
} as const;
