import type { z } from 'zod';

import { DomainError, type FieldError } from './errors.ts';

/** Converts zod issues into field errors with dotted paths. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
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
