import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import type { Catalogue } from '../i18n/messages.ts';
import { DomainError } from '../shared/errors.ts';
import { sendTaxiiError } from '../taxii/taxii.errors.ts';
import { loadTaxiiOptions } from '../taxii/taxii.config.ts';
import { sendProblem, toProblem } from './problem.ts';

/** Maps an error of Node's HTTP parser to the domain error the client receives. */
function parserError(error: NodeJS.ErrnoException): DomainError {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return new DomainError('headers_too_large', (m) => m.problems.http.headersTooLarge);
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new DomainError('request_timeout', (m) => m.problems.http.requestTimeout);
  }

  return new DomainError('invalid_request', (m) => m.problems.http.notHttp);
}

/**
 * Sends a problem document for a request that Node's HTTP parser rejected before Fastify saw
 * it (headers too large, malformed request line, timeout), in place of Fastify's own JSON. The
 * connection is closed, because the rest of the stream cannot be trusted. No request was read,
 * so the problem is in the server's default language (`catalogue`).
 */
export function sendClientErrorProblem(
  error: NodeJS.ErrnoException,
  socket: Socket,
  catalogue: Catalogue,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const domainError = parserError(error);
  const body = JSON.stringify(toProblem(domainError, randomUUID(), catalogue));
  const status = domainError.status;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Language: ${catalogue.meta.locale}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Sends a problem document for errors Fastify raises while routing, before any handler runs: a URL that is not valid
 * percent-encoding, an over-long path parameter. TAXII paths get the TAXII error resource.
 */
export function sendFrameworkErrorProblem(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  catalogue: Catalogue,
): void {
  const url = request.url.slice(0, 200);
  const reason = error.message;
  const domainError = new DomainError('invalid_request', (m) =>
    error.code === 'FST_ERR_BAD_URL'
      ? m.problems.http.badUrl(url)
      : m.problems.http.requestRejected(reason),
  );
  // Fastify builds this request without the app's decorators, so no language was negotiated and
  // the error is in the server's default language.
  void reply.header('content-language', catalogue.meta.locale);
  if (request.url.startsWith('/taxii2')) {
    const maxContentLength = loadTaxiiOptions().maxContentLength;
    void sendTaxiiError(request, reply, domainError, maxContentLength, catalogue);
    return;
  }
  void sendProblem(request, reply, domainError, catalogue);
}
