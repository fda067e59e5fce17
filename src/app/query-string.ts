import { parse } from 'node:querystring';

import type { FastifyInstance } from 'fastify';

import { DomainError } from '../shared/errors.ts';

// The router calls the query-string parser while it matches a route, where an exception would
// escape Fastify's error handling, so the parser marks the query and a hook rejects it.
const INVALID_PARAMETER = Symbol('invalid query parameter');

type ParsedQuery = Record<string, string | string[]> & { [INVALID_PARAMETER]?: string };

/** Returns the first parameter whose name or value is not valid percent-encoded UTF-8. */
function findInvalidParameter(query: string): string | null {
  for (const pair of query.split('&')) {
    try {
      decodeURIComponent(pair.replace(/\+/g, ' '));
    } catch {
      const name = pair.split('=')[0] ?? '';
      try {
        return decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        return name.slice(0, 100);
      }
    }
  }

  return null;
}

/**
 * Parses a query string as Fastify's default parser does (`+` is a space, a repeated key gives
 * an array, no limit on the number of keys). A query with broken percent-encoding is parsed
 * as empty and marked, so that the hook of registerQueryStringCheck rejects the request.
 */
export function parseQueryString(query: string): ParsedQuery {
  if (query.length === 0) return {};
  const invalid = findInvalidParameter(query);
  if (invalid === null) return parse(query, '&', '=', { maxKeys: 0 }) as ParsedQuery;

  const marked: ParsedQuery = {};
  Object.defineProperty(marked, INVALID_PARAMETER, { value: invalid, enumerable: false });

  return marked;
}

/**
 * Rejects a request whose query string parseQueryString marked with `400 invalid_request`,
 * naming the parameter. Register it before any other `onRequest` hook.
 */
export function registerQueryStringCheck(app: FastifyInstance) {
  app.addHook('onRequest', (request, _reply, done) => {
    const invalid = (request.query as ParsedQuery | undefined)?.[INVALID_PARAMETER];
    if (invalid === undefined) {
      done();
      return;
    }
    const message = request.messages.errors.invalidQueryEncoding;

    done(
      new DomainError('invalid_request', `${invalid}: ${message}`, [{ field: invalid, message }]),
    );
  });
}
