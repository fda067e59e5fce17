import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { processMessages } from '../i18n/messages.ts';
import { parseInput } from '../shared/validation.ts';
import {
  decideModeration,
  listModeration,
  readModeration,
  submitForModeration,
} from './moderation.service.ts';
import { ShareOptionsSchema } from './sharing.schema.ts';

const ItemParams = z.object({ id: z.string().min(1) });

/** Body of a moderation decision; a rejection needs a reason the partner will read. */
const DecisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject'], processMessages.problems.sharing.fields.decision),
    reason: z.string().trim().max(2000).default(''),
  })
  .refine((body) => body.decision === 'approve' || body.reason !== '', {
    error: processMessages.problems.sharing.fields.rejectReason,
    path: ['reason'],
  });

/**
 * Registers the moderation queue: partners submit bundles, moderators approve or reject them,
 * and both read the outcome.
 */
export function registerModerationRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/moderation', async (request, reply) => {
    const principal = requirePrincipal(request);
    const options = parseInput(ShareOptionsSchema, request.query, 'sharingOptions');
    const item = await submitForModeration(ctx, principal, request.body, options);

    return reply.status(202).send(item);
  });

  app.get('/api/v1/moderation', async (request) => {
    const principal = requirePrincipal(request);

    return { items: await listModeration(ctx, principal) };
  });

  app.get('/api/v1/moderation/:id', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(ItemParams, request.params, 'path');

    return readModeration(ctx, principal, id);
  });

  app.post('/api/v1/moderation/:id/decision', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(ItemParams, request.params, 'path');
    const decision = parseInput(DecisionSchema, request.body, 'decision');

    return decideModeration(ctx, principal, id, decision);
  });
}
