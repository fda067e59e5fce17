import { formatCount } from './format.ts';

/**
 * English text of the errors that any route can return: malformed HTTP, bodies and query
 * strings, authentication, and the frame of validation errors.
 */
export const httpProblems = {
  /** Detail of an error on one field: the field's path, then its message. */
  fieldDetail: (field: string, message: string) => `${field}: ${message}`,
  /** Detail of a validation error: the summary, then each field's detail. */
  fieldsDetail: (summary: string, fieldDetails: readonly string[]) =>
    `${summary}: ${fieldDetails.join('; ')}`,
  /** Summary of a validation error by the input that `parseInput` read. */
  invalidInput: {
    request: 'Invalid request',
    path: 'Invalid path',
    query: 'Invalid query',
    environment: 'Invalid environment',
    account: 'Invalid account',
    acknowledgement: 'Invalid acknowledgement',
    alert: 'Invalid alert',
    answer: 'Invalid answer',
    apiKey: 'Invalid API key',
    bundle: 'Invalid bundle',
    changeRequest: 'Invalid change request',
    check: 'Invalid check',
    community: 'Invalid community',
    decision: 'Invalid decision',
    document: 'Invalid document',
    envelope: 'Invalid envelope',
    exercise: 'Invalid exercise',
    form: 'Invalid form',
    indicator: 'Invalid indicator',
    invitation: 'Invalid invitation',
    link: 'Invalid link',
    objectId: 'Invalid object id',
    organisation: 'Invalid organisation',
    patternMatch: 'Invalid pattern match',
    poc: 'Invalid PoC',
    pocChanges: 'Invalid PoC changes',
    receipt: 'Invalid receipt',
    reply: 'Invalid reply',
    settings: 'Invalid settings',
    sharingOptions: 'Invalid sharing options',
    visibility: 'Invalid visibility',
    webhook: 'Invalid webhook',
  },
  nestingTooDeep: (maxDepth: number) =>
    `JSON nesting exceeds the limit of ${maxDepth} levels; flatten the document`,
  nestingTooDeepField: (maxDepth: number) => `nesting deeper than ${maxDepth} levels`,
  cursorInvalid: 'must be the `next` value of a previous page of this list and order',
  /** `offered` lists the language tags that the server offers, such as "en, fr". */
  languageNotOffered: (offered: string) => `must be one of the offered languages: ${offered}`,
  lastEventIdInvalid: 'must be the id of an event received, a whole number',
  /** `reason` is the JSON parser's own message, in English. */
  bodyNotJson: (reason: string) => `Body is not valid JSON: ${reason}`,
  emptyJsonBody: 'The body is empty although Content-Type is JSON: send a JSON body or no header',
  bodyTooLarge: 'The request body is larger than this server accepts: send a smaller body',
  contentLengthMismatch: 'The body size differs from the Content-Length header: send them equal',
  /** `reason` is the message of the HTTP framework or plugin that rejected the request. */
  requestRejected: (reason: string) => `The request is invalid: ${reason}`,
  internal: 'Internal server error',
  databaseUnreachable: 'Database not reachable',
  headersTooLarge:
    'The request headers are larger than the server accepts (16 KiB unless configured): send ' +
    'fewer or shorter headers, such as smaller cookies',
  requestTimeout: 'The request was not received in time; send it again',
  notHttp: 'The request is not valid HTTP/1.1',
  badUrl: (url: string) => `The URL is not valid percent-encoding: ${url}; encode "%" as %25`,
  noRoute: (method: string, path: string) => `No route ${method} ${path}`,
  noTaxiiResource: (path: string) => `No TAXII resource at ${path}`,
  methodNotAllowed: (method: string, allowed: string) =>
    `${method} is not allowed here; this resource accepts ${allowed}`,
  ifMatchInvalid:
    'must be * or one or more entity tags in double quotes, such as "3", as the ETag header ' +
    'gives them',
  ifMatchWeak:
    'If-Match compares strong entity tags, so a weak tag (W/"…") never matches: send the ETag ' +
    'header of the resource as it was given, without W/',
  credentialsInvalid: 'The credentials given are invalid or revoked',
  authorizationMalformed:
    'The Authorization header must be "Bearer <token>" or "Basic <credentials>", with nothing ' +
    'after the credentials',
  csrfFailed: 'Missing or wrong CSRF token: send the X-CSRF-Token header (or the _csrf form field)',
  signInRequired: 'Sign in or send an API token to use this endpoint',
  noActiveToken: 'No active token matches',
  /** `objectPath` is the dotted path of the object, empty for the top-level object. */
  duplicateKey: (key: string, objectPath: string) =>
    `The JSON body repeats the key "${key}" in ` +
    (objectPath === '' ? 'the top-level object' : `the object at ${objectPath}`) +
    ': send each key once',
  duplicateKeyField: 'is given more than once: send each key once',
  bodyNotUtf8:
    'The body is not valid UTF-8: send JSON encoded as UTF-8 (convert a Latin-1 or ' +
    'Windows-1252 export first)',
  /** `charset` is the value of the Content-Type header's charset parameter. */
  charsetNotUtf8: (charset: string) =>
    `JSON bodies must be UTF-8, but Content-Type declares charset=${charset}: convert the body ` +
    'to UTF-8 and send charset=utf-8 or no charset',
  /** `variable` is the environment variable's name, or `(body)` for a rule over several. */
  invalidVariable: (variable: string, message: string) =>
    variable === '(body)'
      ? `Invalid environment: ${message}`
      : `Invalid environment variable ${variable}: ${message}; set a valid value, or unset it ` +
        'to use the default (see the Configuration table in README.md)',
  /** `limit` is the route's body limit in bytes. */
  bodyTooLargeForRoute: (limit: number) =>
    `The request body is larger than the ${formatCount('en', limit)} bytes this endpoint ` +
    'accepts: send a smaller body (STIX bundles go to POST /api/v1/bundles or TAXII)',
  tooManyFiles:
    'The form carries more than one file: send one file, in the field this endpoint documents',
  tooManyFormParts:
    'The form carries more fields than this endpoint reads: send only the documented fields',
  noAcceptableEncoding:
    'Accept-Encoding refuses every coding this response comes in (br, gzip, identity): accept ' +
    'one of them',
} as const;
