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
  tlp_conflict: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

/** A stable, machine-readable error code. */
export type ErrorCode = keyof typeof errorStatus;

/** One problem with one input field, named by its path (for example `pocs.0.phone`). */
export interface FieldError {
  field: string;
  message: string;
}

/** The one error type that services throw; each surface maps it to its own wire format. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];

  constructor(code: ErrorCode, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.fields = fields;
  }

  /** HTTP status that this error maps to. */
  get status(): number {
    return errorStatus[this.code];
  }
}

/** Builds the error for a missing record or one the caller may not see (never distinguishable). */
export function notFound(what: string): DomainError {
  return new DomainError('not_found', `${what} not found`);
}

/** Builds a validation error for a single field. */
export function invalidField(field: string, message: string): DomainError {
  return new DomainError('validation_failed', `${field}: ${message}`, [{ field, message }]);
}
