import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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

/** Builds the problem document for an error. */
export function toProblem(error: DomainError, requestId: string): Problem {
  const problem: Problem = {
    type: `urn:parley:error:${error.code}`,
    title: error.code.replace(/_/g, ' '),
    status: errorStatus[error.code],
    code: error.code,
    detail: error.message,
    requestId,
  };
  if (error.fields.length > 0) problem.errors = error.fields;

  return problem;
}

/** Sends an error as `application/problem+json`, logging unexpected ones with their stack. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const domainError = toDomainError(error);
  if (domainError.code === 'internal') request.log.error({ err: error }, 'request failed');
  else
    request.log.debug({ code: domainError.code, detail: domainError.message }, 'request rejected');

  return reply
    .status(domainError.status)
    .type('application/problem+json')
    .send(toProblem(domainError, request.id));
}
