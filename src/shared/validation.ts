import { z } from 'zod';

import { processMessages, type Catalogue } from '../i18n/messages.ts';
import { invalidFields, resolvedText, type FieldError } from './errors.ts';
import { findUnsafeLabel, findUnsafeSingleLine } from './text.ts';

const text = processMessages.validation;

/** Name of the input that `parseInput` reads, which its error's summary names. */
export type InputName = keyof Catalogue['problems']['http']['invalidInput'];

// Type names as a person reads them, in place of zod's internal names.
const typeNames: Readonly<Record<string, string>> = { int: 'integer', nan: 'number' };

/** Writes the message of a zod issue that its schema left without one, from the catalogue. */
function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return text.required;
      const type = typeNames[issue.expected] ?? issue.expected;
      return text.wrongType(/^[aeiou]/.test(type) ? 'an' : 'a', type);
    }
    case 'too_big':
      return issue.inclusive === false
        ? text.lessThan(issue.maximum)
        : text.atMost(issue.maximum, issue.origin);
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return text.notEmpty;
      return issue.inclusive === false
        ? text.moreThan(issue.minimum)
        : text.atLeast(issue.minimum, issue.origin);
    case 'invalid_value':
      return text.oneOf(issue.values.map(String));
    case 'not_multiple_of':
      return text.multipleOf(issue.divisor);
    case 'invalid_format':
      return describeFormat(issue);
    case 'unrecognized_keys':
      return text.unknownKey;
    case 'invalid_key':
      return text.invalidKey;
    case 'invalid_element':
      return text.invalidEntry;
    case 'invalid_union':
      return text.noUnionMatch;
    case 'custom':
      return text.invalid;
  }
}

function describeFormat(issue: { format: string; pattern?: string } & Record<string, unknown>) {
  if (issue.format === 'regex' && issue.pattern !== undefined) return text.pattern(issue.pattern);
  if (issue.format === 'starts_with') return text.startsWith(String(issue.prefix));
  if (issue.format === 'ends_with') return text.endsWith(String(issue.suffix));
  if (issue.format === 'includes') return text.includes(String(issue.includes));
  if (issue.format === 'email') return text.email;
  if (issue.format === 'url') return text.url;
  if (issue.format === 'datetime') return text.datetime;
  if (issue.format === 'date') return text.date;

  return text.format(issue.format);
}

// Every message that a schema does not write itself comes from the catalogue, so no zod default
// such as "Too big: expected string to have <=200 characters" reaches a user.
z.config({ customError: describeIssue });

/**
 * Converts zod issues into field errors with dotted paths. A field gets each message once, as
 * several checks with the same message (such as `.int()` and `.max()`) may fail together.
 */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  const fields = error.issues.flatMap((issue) => {
    const prefix = issue.path.map(String).join('.');
    // An unknown key is reported under its own name, so the caller sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: prefix === '' ? key : `${prefix}.${key}`,
        message: issue.message,
      }));
    }

    return [{ field: prefix === '' ? '(body)' : prefix, message: issue.message }];
  });
  const seen = new Set<string>();

  // TODO: zod messages come from `processMessages`, the server default, when a schema is built or
  // an input parsed. So field messages stay in that language whatever the request's language.
  return fields
    .filter(({ field, message }) => {
      const key = JSON.stringify([field, message]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ field, message }) => ({ field, message: resolvedText(message) }));
}

/**
 * Parses untrusted input with a schema, throwing a `validation_failed` domain error that names
 * every invalid field.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: InputName = 'request',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  throw invalidFields((m) => m.problems.http.invalidInput[what], toFieldErrors(result.error));
}

/**
 * Builds the schema of a trimmed single line of text in NFC, at most `max` characters, safe to
 * show and export. The text is normalised before its length is checked, so a name typed in
 * decomposed form (NFD, as macOS produces) counts as it is stored.
 */
export function singleLine(max: number) {
  return z
    .string()
    .trim()
    .normalize('NFC')
    .min(1, processMessages.validation.notEmpty)
    .max(max, processMessages.validation.atMost(max, 'string'))
    .superRefine((text, ctx) => {
      // An empty value already has its message from `min`.
      if (text === '') return;
      const problem = findUnsafeLabel(text);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * Builds the schema of a trimmed single line of free text, such as a title or a label, at most
 * `max` characters, safe to show and export. Unlike `singleLine` it keeps the text as typed and
 * needs no letter or digit, so "???" or an emoji is a valid title.
 */
export function singleLineText(max: number) {
  return z
    .string()
    .trim()
    .min(1, processMessages.validation.notEmpty)
    .max(max, processMessages.validation.atMost(max, 'string'))
    .superRefine((text, ctx) => {
      // An empty value already has its message from `min`.
      if (text === '') return;
      const problem = findUnsafeSingleLine(text);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    });
}
