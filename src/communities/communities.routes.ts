import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import { CommunityListQuery, CommunityParams } from './communities.schema.ts';
import {
  archiveCommunity,
  createCommunity,
  getCommunity,
  listCommunities,
  updateCommunity,
  type CommunityDeps,
} from './communities.service.ts';

/**
 * Registers sharing communities: the secretariat creates, changes and archives them; members
 * and the secretariat list and read them. Anyone else gets the 404 of an unknown community.
 */
export function registerCommunityRoutes(app: FastifyInstance, ctx: AppContext) {
  const deps = (request: FastifyRequest): CommunityDeps => ({
    db: ctx.db,
    clock: ctx.clock,
    logger: request.log,
  });

  app.get('/api/v1/communities', async (request) => {
    const principal = requirePrincipal(request);
    const { archived } = parseInput(CommunityListQuery, request.query ?? {}, 'query');

    return { communities: await listCommunities(deps(request), principal, archived) };
  });

  app.post('/api/v1/communities', async (request, reply) => {
    const principal = requirePrincipal(request);
    const community = await createCommunity(deps(request), principal, request.body ?? {});

    return reply.status(201).send(community);
  });

  app.get('/api/v1/communities/:id', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CommunityParams, request.params, 'path');

    return getCommunity(deps(request), principal, id);
  });

  app.patch('/api/v1/communities/:id', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CommunityParams, request.params, 'path');

    return updateCommunity(deps(request), principal, id, request.body ?? {});
  });

  app.post('/api/v1/communities/:id/archive', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CommunityParams, request.params, 'path');

    return archiveCommunity(deps(request), principal, id);
  });
}
