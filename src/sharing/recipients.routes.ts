import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { listShareRecipients } from './recipients.service.ts';

/** Registers the list of recipients a bundle upload may name. */
export function registerRecipientRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/v1/bundles/recipients', async (request) => {
    const principal = requirePrincipal(request);

    return listShareRecipients(ctx, principal);
  });
}
