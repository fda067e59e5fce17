import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import type { Catalogue } from '../i18n/messages.ts';
import { DomainError, errorStatus, type ErrorCode, type ErrorText } from '../shared/errors.ts';

/** Problem details (RFC 9457) with the stable `code` of the domain error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: { field: string; message: string }[];
  requestId: string;
}

// Fastify's content-type parser errors by code, with the catalogue text that replaces their
// English message. An unsupported media type is explained later by `explainMediaType`.
const unsupportedMediaType = {
  code: 'unsupported_media_type',
  text: (m) => m.errors.explanations.unsupported_media_type,
} as const satisfies { code: ErrorCode; text: ErrorText };

const fastifyCodes: Record<string, { code: ErrorCode; text: ErrorText }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    text: (m) => m.problems.http.bodyTooLarge,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: unsupportedMediaType,
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_request',
    text: (m) => m.problems.http.emptyJsonBody,
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_request',
    text: (m) => m.problems.http.contentLengthMismatch,
  },
  FST_ERR_CTP_EMPTY_TYPE: unsupportedMediaType,
  FST_ERR_CTP_INVALID_TYPE: unsupportedMediaType,
  // @fastify/multipart reports these as 413, although the body may be small. The form breaks the
  // route's limit on file or field count, which concerns its shape, not its size.
  FST_FILES_LIMIT: { code: 'invalid_request', text: (m) => m.problems.http.tooManyFiles },
  FST_FIELDS_LIMIT: { code: 'invalid_request', text: (m) => m.problems.http.tooManyFormParts },
  FST_PARTS_LIMIT: { code: 'invalid_request', text: (m) => m.problems.http.tooManyFormParts },
};

/**
 * Converts any thrown value into a domain error. Errors from Fastify and its plugins with a 4xx
 * status get catalogue text, showing the library's own message where no known code maps it;
 * anything else becomes `internal`, and the caller logs it.
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;

  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code === undefined ? undefined : fastifyCodes[fastifyError.code];
  if (mapped !== undefined) return new DomainError(mapped.code, mapped.text);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    const reason = error.message;
    return new DomainError('invalid_request', (m) => m.problems.http.bodyNotJson(reason));
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : 'invalid_request';
    const reason = fastifyError.message;
    const text: ErrorText =
      reason === undefined || reason === ''
        ? (m) => m.errors.explanations[code]
        : (m) => m.problems.http.requestRejected(reason);
    return new DomainError(code, text);
  }

  return new DomainError('internal', (m) => m.problems.http.internal);
}

/**
 * Builds the problem document for an error, with `title`, `detail` and the field messages
 * resolved in `catalogue`. RFC 9457 lets a problem type's title change with the language only.
 */
export function toProblem(error: DomainError, requestId: string, catalogue: Catalogue): Problem {
  const problem: Problem = {
    type: `urn:parley:error:${error.code}`,
    title: catalogue.errors.problemTitles[error.code],
    status: errorStatus[error.code],
    code: error.code,
    detail: error.detail(catalogue),
    requestId,
  };
  if (error.fields.length > 0) problem.errors = error.fieldErrors(catalogue);

  return problem;
}

// Body media types that some route reads; each scope registers parsers for its own.
const BODY_MEDIA_TYPES = ['application/json', 'text/csv', 'multipart/form-data'];

/** Returns the body media types that the scope of the request's route has a parser for. */
export function acceptedMediaTypes(request: FastifyRequest): string[] {
  return BODY_MEDIA_TYPES.filter((type) => request.server.hasContentTypeParser(type));
}

/**
 * Replaces Fastify's bare "Unsupported Media Type" by a message that names the types the route
 * accepts; any other error passes through unchanged.
 */
export function explainMediaType(
  request: FastifyRequest,
  domainError: DomainError,
  error: unknown,
  accepted: readonly string[],
): DomainError {
  if (domainError.code !== 'unsupported_media_type' || error instanceof DomainError) {
    return domainError;
  }
  const contentType = request.headers['content-type'] ?? '';

  return new DomainError('unsupported_media_type', (m) =>
    m.errors.unsupportedMediaType(contentType.slice(0, 100), accepted),
  );
}

/**
 * Replaces Fastify's bare "Request body is too large" by a message that states the route's body
 * limit in bytes. Any other error passes through unchanged.
 */
export function explainBodyLimit(
  request: FastifyRequest,
  domainError: DomainError,
  error: unknown,
): DomainError {
  if (domainError.code !== 'payload_too_large' || error instanceof DomainError) {
    return domainError;
  }
  const limit = request.routeOptions.bodyLimit;

  return new DomainError('payload_too_large', (m) => m.problems.http.bodyTooLargeForRoute(limit));
}

/**
 * Sends an error as `application/problem+json` in the language of `catalogue` (by default the
 * request's), logging unexpected ones with their stack.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  catalogue: Catalogue = request.messages,
) {
  const domainError = explainMediaType(
    request,
    explainBodyLimit(request, toDomainError(error), error),
    error,
    acceptedMediaTypes(request),
  );
  if (domainError.code === 'internal') request.log.error({ err: error }, 'request failed');
  else
    request.log.debug({ code: domainError.code, detail: domainError.message }, 'request rejected');

  return reply
    .status(domainError.status)
    .type('application/problem+json')
    .send(toProblem(domainError, request.id, catalogue));
}
