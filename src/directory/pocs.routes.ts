import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import { createPoc, deletePoc, getPocHistory, listPocs, updatePoc } from './pocs.service.ts';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const ListQuery = z.object({
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .optional(),
});

/** Registers the routes of state editors' PoC management. */
export function registerPocRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/v1/pocs', async (request) => {
    const query = parseInput(ListQuery, request.query, 'query');
    const principal = requirePrincipal(request);

    return { pocs: await listPocs(ctx, principal, query.state) };
  });

  app.post('/api/v1/pocs', async (request, reply) => {
    const principal = requirePrincipal(request);
    const poc = await createPoc(ctx, principal, request.body);
    request.log.info({ userId: principal.accountId, pocId: poc.id }, 'poc created');

    return reply.status(201).header('location', `/api/v1/pocs/${poc.id}`).send(poc);
  });

  app.patch('/api/v1/pocs/:id', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    return updatePoc(ctx, principal, id, request.body);
  });

  app.delete('/api/v1/pocs/:id', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);
    await deletePoc(ctx, principal, id);

    return reply.status(204).send();
  });

  app.get('/api/v1/pocs/:id/history', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    return { history: await getPocHistory(ctx, principal, id) };
  });
}
