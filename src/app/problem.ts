import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import type { Catalogue } from '../i18n/messages.ts';
import { DomainError, errorStatus, type ErrorCode } from '../shared/errors.ts';

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

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/**
 * Converts any thrown value into a domain error. Errors from Fastify and its plugins with a 4xx
 * status keep their message; anything else becomes `internal`, and the caller logs it.
 */
export function toDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;

  const fastifyError = error as Partial<FastifyError>;
  const mapped = fastifyError.code === undefined ? undefined : fastifyCodes[fastifyError.code];
  if (mapped !== undefined) return new DomainError(mapped, fastifyError.message ?? mapped);
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new DomainError('invalid_request', `Body is not valid JSON: ${error.message}`);
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 415
          ? 'unsupported_media_type'
          : 'invalid_request';
    return new DomainError(code, fastifyError.message ?? 'Invalid request');
  }

  return new DomainError('internal', 'Internal server error');
}

/**
 * Builds the problem document for an error. The title comes from the catalogue, because RFC 9457
 * lets a problem type's title change with the language only.
 * TODO: the detail and field messages are the service's own English text in every language,
 * until each service error has catalogue text.
 */
export function toProblem(error: DomainError, requestId: string, catalogue: Catalogue): Problem {
  const problem: Problem = {
    type: `urn:parley:error:${error.code}`,
    title: catalogue.errors.problemTitles[error.code],
    status: errorStatus[error.code],
    code: error.code,
    detail: error.message,
    requestId,
  };
  if (error.fields.length > 0) problem.errors = error.fields;

  return problem;
}

/**
 * Returns the body media types that the request's route reads: JSON everywhere, and
 * multipart/form-data where the route's scope registered a parser for it.
 */
export function acceptedMediaTypes(request: FastifyRequest): string[] {
  const accepted = ['application/json'];
  if (request.server.hasContentTypeParser('multipart/form-data')) {
    accepted.push('multipart/form-data');
  }

  return accepted;
}

/**
 * Replaces Fastify's bare "Unsupported Media Type" by a message that names the types the route
 * accepts, in the language of `catalogue`; any other error passes through unchanged.
 */
export function explainMediaType(
  request: FastifyRequest,
  domainError: DomainError,
  error: unknown,
  accepted: readonly string[],
  catalogue: Catalogue = request.messages,
): DomainError {
  if (domainError.code !== 'unsupported_media_type' || error instanceof DomainError) {
    return domainError;
  }
  const contentType = request.headers['content-type'] ?? '';

  return new DomainError(
    'unsupported_media_type',
    catalogue.errors.unsupportedMediaType(contentType.slice(0, 100), accepted),
  );
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
    toDomainError(error),
    error,
    acceptedMediaTypes(request),
    catalogue,
  );
  if (domainError.code === 'internal') request.log.error({ err: error }, 'request failed');
  else
    request.log.debug({ code: domainError.code, detail: domainError.message }, 'request rejected');

  return reply
    .status(domainError.status)
    .type('application/problem+json')
    .send(toProblem(domainError, request.id, catalogue));
}
