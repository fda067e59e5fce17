import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import { NewWebhookSchema, WebhookParams, WebhookPatchSchema } from './webhooks.schema.ts';
import { addWebhook, listOwnWebhooks, removeWebhook, updateWebhook } from './webhooks.service.ts';

/** Registers the routes that add, list, switch and remove webhook endpoints. */
export function registerWebhookRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/webhooks', async (request, reply) => {
    const principal = requirePrincipal(request);
    const input = parseInput(NewWebhookSchema, request.body ?? {}, 'webhook');
    const created = await addWebhook(ctx, principal, input);

    return reply.status(201).send(created);
  });

  app.get('/api/v1/webhooks', async (request) => {
    const principal = requirePrincipal(request);

    return { webhooks: await listOwnWebhooks(ctx, principal) };
  });

  app.patch('/api/v1/webhooks/:id', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(WebhookParams, request.params, 'path');
    const { isActive } = parseInput(WebhookPatchSchema, request.body ?? {}, 'webhook');

    return updateWebhook(ctx, principal, id, isActive);
  });

  app.delete('/api/v1/webhooks/:id', async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(WebhookParams, request.params, 'path');
    await removeWebhook(ctx, principal, id);

    return reply.status(204).send();
  });
}
