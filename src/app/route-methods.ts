import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay, { type HTTPMethod } from 'find-my-way';

import { DomainError, type ErrorText } from '../shared/errors.ts';

const noop = () => undefined;

const METHODS: readonly HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Keeps a copy of the route table, so that a request whose path exists under other methods gets
 * 405 with an `Allow` header instead of 404. Call it before any route is registered: the
 * `onRoute` hook sees only routes added after it, in every plugin.
 */
export function trackRouteMethods(app: FastifyInstance): (path: string) => HTTPMethod[] {
  const router = FindMyWay();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Fastify serves the root of a prefixed plugin at both `/prefix` and `/prefix/`, but calls
    // this hook for only one of them.
    const urls =
      route.prefix !== '' && route.url === route.prefix
        ? [route.url, `${route.url}/`]
        : [route.url];
    for (const method of methods) {
      if (!METHODS.includes(method as HTTPMethod)) continue;
      for (const url of urls) {
        // A path registered twice with constraints is already in the copy; one entry is enough.
        if (!router.hasRoute(method as HTTPMethod, url)) router.on(method as HTTPMethod, url, noop);
      }
    }
  });

  return (path) => {
    const pathOnly = path.split('?')[0] ?? path;

    return METHODS.filter((method) => router.find(method, pathOnly) !== null);
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Methods that have a route at the path, from `trackRouteMethods`. */
    allowedMethods?: (path: string) => HTTPMethod[];
  }
}

/**
 * Builds the error of a request that matched no route: 405 with an `Allow` header when the path
 * exists under other methods, 404 otherwise.
 */
export function unmatchedRouteError(
  request: FastifyRequest,
  reply: FastifyReply,
  notFoundText: ErrorText,
): DomainError {
  const allowed = request.server.allowedMethods?.(request.url) ?? [];
  if (allowed.length === 0) return new DomainError('not_found', notFoundText);
  void reply.header('allow', allowed.join(', '));

  const method = request.method;

  return new DomainError('method_not_allowed', (m) =>
    m.problems.http.methodNotAllowed(method, allowed.join(', ')),
  );
}
