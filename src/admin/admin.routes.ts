import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { announceAccessChange } from '../events/events.service.ts';
import { parseInput } from '../shared/validation.ts';
import type { AdminDeps } from './admin.access.ts';
import { createInvitation } from './invitations.service.ts';
import { registerLinkPageRoutes } from './link-pages.routes.ts';
import { listOrganisations, updateOrganisation } from './organisations.service.ts';
import {
  createApiKey,
  deleteUser,
  listApiKeys,
  listUsers,
  reinstateUser,
  requestPasswordReset,
  revokeApiKey,
  suspendUser,
} from './users.service.ts';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const KeyParams = z.object({ id: z.string().min(1).max(100), keyId: z.string().min(1).max(100) });

/**
 * Registers account administration: invitations, the user list and actions on accounts, partner
 * organisations, and the one-time link pages for invitations and password resets.
 */
export function registerAdminRoutes(app: FastifyInstance, ctx: AppContext) {
  const deps = (request: FastifyRequest): AdminDeps => ({
    db: ctx.db,
    clock: ctx.clock,
    logger: request.log,
  });

  app.post('/api/v1/invitations', async (request, reply) => {
    const principal = requirePrincipal(request);
    const invitation = await createInvitation(deps(request), principal, request.body);

    return reply.status(201).send(invitation);
  });

  app.get('/api/v1/users', async (request) => {
    const principal = requirePrincipal(request);

    return { users: await listUsers(deps(request), principal) };
  });

  app.post('/api/v1/users/:id/suspend', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    const suspended = await suspendUser(deps(request), principal, id);
    await announceAccessChange(ctx, id);

    return suspended;
  });

  app.post('/api/v1/users/:id/reinstate', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    return reinstateUser(deps(request), principal, id);
  });

  app.delete('/api/v1/users/:id', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);
    await deleteUser(deps(request), principal, id);
    await announceAccessChange(ctx, id);

    return reply.status(204).send();
  });

  app.post('/api/v1/users/:id/password-reset', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);
    const reset = await requestPasswordReset(deps(request), principal, id);

    return reply.status(202).send(reset);
  });

  app.get('/api/v1/users/:id/api-keys', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    return { apiKeys: await listApiKeys(deps(request), principal, id) };
  });

  app.post('/api/v1/users/:id/api-keys', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);
    const key = await createApiKey(deps(request), principal, id, request.body);

    return reply.status(201).header('cache-control', 'no-store').send(key);
  });

  app.delete('/api/v1/users/:id/api-keys/:keyId', async (request, reply) => {
    const { id, keyId } = parseInput(KeyParams, request.params, 'path');
    const principal = requirePrincipal(request);
    await revokeApiKey(deps(request), principal, id, keyId);
    await announceAccessChange(ctx, id);

    return reply.status(204).send();
  });

  app.get('/api/v1/organisations', async (request) => {
    const principal = requirePrincipal(request);

    return { organisations: await listOrganisations(deps(request), principal) };
  });

  app.patch('/api/v1/organisations/:id', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    return updateOrganisation(deps(request), principal, id, request.body);
  });

  registerLinkPageRoutes(app, ctx, deps);
}
