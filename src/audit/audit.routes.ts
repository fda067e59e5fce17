import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { listAudit } from './audit.service.ts';

/** Registers `GET /api/v1/audit`, the secretariat's reader of the audit trail. */
export function registerAuditRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/v1/audit', async (request) => {
    const principal = requirePrincipal(request);

    return listAudit(ctx, principal, request.query);
  });
}
