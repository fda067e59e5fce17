import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';

/** Registers the routes of the Server-Sent Events stream. */
export function registerEventRoutes(_app: FastifyInstance, _ctx: AppContext) {
  // TODO: routes not written yet; this module is being built now.
}
