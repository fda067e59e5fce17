import type { FastifyReply, FastifyRequest } from 'fastify';

import { explainMediaType, toDomainError } from '../app/problem.ts';
import { DomainError, errorStatus } from '../shared/errors.ts';
import { TAXII_MEDIA_TYPE } from './taxii.media.ts';

/** The TAXII 2.1 error resource . */
export interface TaxiiError {
  title: string;
  description: string;
  error_id: string;
  error_code: string;
  http_status: string;
  details?: { fields: { field: string; message: string }[] };
}

const titles: Partial<Record<DomainError['code'], string>> = {
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  not_acceptable: 'Not acceptable',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'Request too large',
  validation_failed: 'Invalid request',
  invalid_request: 'Invalid request',
  internal: 'Internal server error',
};

/** Builds the TAXII error resource of a domain error. */
export function toTaxiiError(error: DomainError, requestId: string): TaxiiError {
  const resource: TaxiiError = {
    title: titles[error.code] ?? error.code.replace(/_/g, ' '),
    description: error.message,
    error_id: requestId,
    error_code: error.code,
    http_status: String(errorStatus[error.code]),
  };
  if (error.fields.length > 0) resource.details = { fields: error.fields };

  return resource;
}

/**
 * Sends any thrown value as a TAXII error resource. A 413 cites the API root's limit, and a 401
 * carries the Basic challenge, to which TAXII clients reply with an e-mail and an API token.
 */
export function sendTaxiiError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  maxContentLength: number,
) {
  let domainError = explainMediaType(request, toDomainError(error), error, [TAXII_MEDIA_TYPE]);
  if (domainError.code === 'payload_too_large' && !(error instanceof DomainError)) {
    domainError = tooLarge(maxContentLength);
  }
  if (domainError.code === 'internal') request.log.error({ err: error }, 'taxii request failed');
  else request.log.debug({ code: domainError.code }, 'taxii request rejected');
  if (domainError.code === 'unauthenticated') {
    void reply.header('www-authenticate', 'Basic realm="parley"');
  }

  return reply
    .status(domainError.status)
    .type(TAXII_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(toTaxiiError(domainError, request.id))));
}

/** Builds the 413 error that names the API root's `max_content_length`. */
export function tooLarge(maxContentLength: number, length?: number): DomainError {
  const size = length === undefined ? 'The request body' : `The request body of ${length} bytes`;

  return new DomainError(
    'payload_too_large',
    `${size} is larger than the API root's max_content_length of ${maxContentLength} bytes: ` +
      'split the envelope into smaller ones',
  );
}
