import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';

/** Registers the routes of the public directory page and its exports. */
export function registerDirectoryRoutes(_app: FastifyInstance, _ctx: AppContext) {
  // TODO: routes not written yet; this module is being built now.
}
