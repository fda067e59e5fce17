import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';

/** Registers the routes of STIX bundle upload and object reads. */
export function registerSharingRoutes(_app: FastifyInstance, _ctx: AppContext) {
  // TODO: routes not written yet; this module is being built now.
}
