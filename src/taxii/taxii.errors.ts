import type { FastifyReply, FastifyRequest } from 'fastify';

import { explainMediaType, toDomainError } from '../app/problem.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { DomainError, errorStatus } from '../shared/errors.ts';
import { TAXII_MEDIA_TYPE } from './taxii.media.ts';

/** The TAXII 2.1 error resource. */
export interface TaxiiError {
  title: string;
  description: string;
  error_id: string;
  error_code: string;
  http_status: string;
  details?: { fields: { field: string; message: string }[] };
}

/** Builds the TAXII error resource of a domain error, with its text from `catalogue`. */
export function toTaxiiError(
  error: DomainError,
  requestId: string,
  catalogue: Catalogue,
): TaxiiError {
  const resource: TaxiiError = {
    title: catalogue.problems.taxii.titles[error.code] ?? error.code.replace(/_/g, ' '),
    description: error.detail(catalogue),
    error_id: requestId,
    error_code: error.code,
    http_status: String(errorStatus[error.code]),
  };
  if (error.fields.length > 0) resource.details = { fields: error.fieldErrors(catalogue) };

  return resource;
}

/**
 * Sends any thrown value as a TAXII error resource in the language of `catalogue` (by default the
 * request's). A 413 cites the API root's limit, and a 401 carries the Basic challenge, to which
 * TAXII clients reply with an e-mail and an API token.
 */
export function sendTaxiiError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  maxContentLength: number,
  catalogue: Catalogue = request.messages,
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
    .send(Buffer.from(JSON.stringify(toTaxiiError(domainError, request.id, catalogue))));
}

/** Builds the 413 error that names the API root's `max_content_length`. */
export function tooLarge(maxContentLength: number, length?: number): DomainError {
  return new DomainError('payload_too_large', (m) =>
    length === undefined
      ? m.problems.taxii.tooLarge(maxContentLength)
      : m.problems.taxii.tooLargeWithLength(length, maxContentLength),
  );
}
