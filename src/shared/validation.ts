import { z } from 'zod';

import { DomainError, type FieldError } from './errors.ts';
import { findUnsafeText } from './text.ts';

// Say what to do about a missing or mistyped value, instead of zod's "expected string, received
// undefined". Every other message stays as the schema or zod writes it.
z.config({
  customError: (issue) => {
    if (issue.code !== 'invalid_type') return undefined;
    if (issue.input === undefined) return 'is required';

    return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  },
});

/** Converts zod issues into field errors with dotted paths. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const prefix = issue.path.map(String).join('.');
    // An unknown key is reported under its own name, so the caller sees which field to drop.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: prefix === '' ? key : `${prefix}.${key}`,
        message: issue.message.startsWith('Unrecognized') ? 'is not a known field' : issue.message,
      }));
    }

    return [{ field: prefix === '' ? '(body)' : prefix, message: issue.message }];
  });
}

/**
 * Parses untrusted input with a schema, throwing a `validation_failed` domain error that names
 * every invalid field.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what = 'request',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const fields = toFieldErrors(result.error);
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new DomainError('validation_failed', `Invalid ${what}: ${summary}`, fields);
}

/** Builds the schema of a trimmed single line of text in NFC, at most `max` characters, safe to show and export. */
export function singleLine(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .transform((text) => text.normalize('NFC'))
    .superRefine((text, ctx) => {
      const problem = findUnsafeText(text);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    });
}
