import type { ErrorCode } from '../shared/errors.ts';

/** English text of the error pages that people see in place of a page. */
export const errorsMessages = {
  pageTitle: 'Error',
  notFoundTitle: 'Not found',
  notFoundText: 'There is no page at this address.',
  methodNotAllowedTitle: 'Method not allowed',
  methodNotAllowedText: (method: string, allowed: string) =>
    `This address does not accept ${method}. It accepts ${allowed}.`,
  invalidQueryEncoding:
    'query parameter is not valid percent-encoded UTF-8; encode "%" as %25 and other ' +
    'special characters as UTF-8 bytes such as %C3%A9',
  unsupportedMediaType: (contentType: string, accepted: readonly string[]) =>
    `Content-Type "${contentType}" is not accepted here; send the body as ` + accepted.join(' or '),
  workspaceNotBuiltTitle: 'Workspace not built',
  workspaceNotBuiltText:
    'The signed-in workspace has not been built on this server. Run this command, then restart ' +
    'the server:',
  /** Explanation of each error code, shown above the error's detail. */
  explanations: {
    validation_failed: 'Some values are invalid. Correct them and try again.',
    invalid_request: 'The request is invalid.',
    nesting_too_deep: 'The request nests its data too deeply.',
    unsupported_media_type: 'This address does not accept the format of the request body.',
    not_acceptable: 'This address cannot reply in a format that the browser accepts.',
    payload_too_large: 'The request body is too large.',
    headers_too_large: 'The request headers are too large.',
    unauthenticated: 'Sign in to see this page.',
    forbidden: 'Your account may not do this.',
    csrf_failed: 'The form expired. Reload the page and try again.',
    not_found: 'The page or record was not found, or your account may not see it.',
    method_not_allowed: 'This address does not accept this method.',
    request_timeout: 'The request timed out. Try again.',
    conflict: 'The request conflicts with the current state of the record.',
    duplicate_suspected: 'This looks like a duplicate of an existing record.',
    precondition_failed: 'The record changed since it was read. Reload it and try again.',
    tlp_conflict: 'The TLP marking of the data does not allow this.',
    rate_limited: 'Too many requests. Wait a moment, then try again.',
    internal: 'The server failed to handle the request. The error was logged.',
    unavailable: 'The service is unavailable. Try again later.',
  } satisfies Record<ErrorCode, string>,
  /** Short summary of each error code: the `title` of a problem document (RFC 9457). */
  problemTitles: {
    validation_failed: 'validation failed',
    invalid_request: 'invalid request',
    nesting_too_deep: 'nesting too deep',
    unsupported_media_type: 'unsupported media type',
    not_acceptable: 'not acceptable',
    payload_too_large: 'payload too large',
    headers_too_large: 'headers too large',
    unauthenticated: 'unauthenticated',
    forbidden: 'forbidden',
    csrf_failed: 'csrf failed',
    not_found: 'not found',
    method_not_allowed: 'method not allowed',
    request_timeout: 'request timeout',
    conflict: 'conflict',
    duplicate_suspected: 'duplicate suspected',
    precondition_failed: 'precondition failed',
    tlp_conflict: 'tlp conflict',
    rate_limited: 'rate limited',
    internal: 'internal',
    unavailable: 'unavailable',
  } satisfies Record<ErrorCode, string>,
} as const;
