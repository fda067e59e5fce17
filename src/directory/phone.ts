import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

import { invalidField } from '../shared/errors.ts';

/**
 * Validates a telephone number and returns it in E.164 form, or null for an empty value.
 * A number without a leading `+` is read in the state's own numbering plan.
 */
export function normalisePhone(
  value: string | null | undefined,
  stateCode: string,
  field = 'phone',
) {
  if (value === null || value === undefined || value.trim() === '') return null;

  // The parser skips trailing text and reads extensions, so both are rejected before it runs.
  if (!/^[+\d\s().\-/]+$/.test(value.trim())) {
    throw invalidField(field, (m) => m.problems.directory.phoneCharacters(value));
  }
  // The parser returns undefined (never throws) for input such as "+", "00" or "+0407123456".
  const parsed = parsePhoneNumberFromString(value.trim(), stateCode as CountryCode);
  if (parsed === undefined || !parsed.isValid()) {
    throw invalidField(field, (m) => m.problems.directory.phoneInvalid(value));
  }

  return parsed.number;
}
