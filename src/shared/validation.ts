import type { z } from 'zod';

import { DomainError, type FieldError } from './errors.ts';

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
