import { englishCatalogue, type Catalogue } from '../i18n/messages.ts';

/** Stable error codes shared by every surface; clients may rely on them. */
export const errorStatus = {
  validation_failed: 422,
  invalid_request: 400,
  nesting_too_deep: 400,
  unsupported_media_type: 415,
  not_acceptable: 406,
  payload_too_large: 413,
  headers_too_large: 431,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  duplicate_suspected: 409,
  precondition_failed: 412,
  tlp_conflict: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorStatus;

/**
 * Error text as a lookup in a message catalogue, such as
 * `(m) => m.problems.alerts.alertNotFound`. The edge that sends the error resolves it in the
 * catalogue of the response.
 */
export type ErrorText = (catalogue: Catalogue) => string;

/** One problem with one input field, named by its path (for example `pocs.0.phone`). */
export interface FieldError {
  field: string;
  message: ErrorText;
}

/** A field error with its message resolved in one catalogue, as the wire formats carry it. */
export interface ResolvedFieldError {
  field: string;
  message: string;
}

/**
 * Wraps text that was already resolved, in the catalogue of this process, before the error was
 * built: zod issue messages. NOTE: such text does not follow the catalogue of the response.
 */
export function resolvedText(text: string): ErrorText {
  return () => text;
}

/**
 * The one error type that services throw; each surface maps it to its own wire format. `message`
 * is the English text, for logs and the audit trail.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly text: ErrorText;
  readonly fields: FieldError[];

  constructor(code: ErrorCode, text: ErrorText, fields: FieldError[] = []) {
    super(text(englishCatalogue));
    this.name = 'DomainError';
    this.code = code;
    this.text = text;
    this.fields = fields;
  }

  /** HTTP status that this error maps to. */
  get status(): number {
    return errorStatus[this.code];
  }

  /** Resolves the detail text in a catalogue. */
  detail(catalogue: Catalogue): string {
    return this.text(catalogue);
  }

  /** Resolves the field messages in a catalogue. */
  fieldErrors(catalogue: Catalogue): ResolvedFieldError[] {
    return this.fields.map(({ field, message }) => ({ field, message: message(catalogue) }));
  }
}

/**
 * Builds the error for a missing record or one the caller may not see (never distinguishable).
 * `text` is the whole sentence, such as "Alert not found".
 */
export function notFound(text: ErrorText): DomainError {
  return new DomainError('not_found', text);
}

/** Builds a validation error for a single field; the detail is `<field>: <message>`. */
export function invalidField(field: string, message: ErrorText): DomainError {
  return new DomainError(
    'validation_failed',
    (m) => m.problems.http.fieldDetail(field, message(m)),
    [{ field, message }],
  );
}

/**
 * Builds a `validation_failed` error for several fields; the detail is `<summary>: ` followed by
 * each field and its message, such as "Invalid alert: states.0: is not a known state code".
 */
export function invalidFields(summary: ErrorText, fields: FieldError[]): DomainError {
  const detail: ErrorText = (m) =>
    m.problems.http.fieldsDetail(
      summary(m),
      fields.map(({ field, message }) => m.problems.http.fieldDetail(field, message(m))),
    );

  return new DomainError('validation_failed', detail, fields);
}
