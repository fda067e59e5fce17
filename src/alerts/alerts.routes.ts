import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import { registerAckPageRoutes } from './ack-page.routes.ts';
import {
  AcknowledgeSchema,
  AlertListQuery,
  LiveReceiptSchema,
  NewAlertSchema,
} from './alerts.schema.ts';
import {
  acknowledgeAsRecipient,
  createAlert,
  getAlert,
  listAlerts,
  requireAlertSender,
} from './alerts.service.ts';
import { getDeliveryReport } from './deliveries.service.ts';
import { recordLiveReceipt } from './live-receipts.service.ts';

const AlertParams = z.object({ id: z.string().min(1).max(100) });

/** Registers the routes of alerts, acknowledgements, live receipts and deliveries. */
export function registerAlertRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/alerts', async (request, reply) => {
    const principal = requirePrincipal(request);
    requireAlertSender(principal);
    const input = parseInput(NewAlertSchema, request.body ?? {}, 'alert');
    const created = await createAlert(ctx, principal, input);

    return reply.status(201).send(created);
  });

  app.get('/api/v1/alerts', async (request) => {
    const principal = requirePrincipal(request);
    const page = parseInput(AlertListQuery, request.query ?? {}, 'query');

    return listAlerts(ctx, principal, page);
  });

  app.get('/api/v1/alerts/:id', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(AlertParams, request.params, 'path');

    return getAlert(ctx, principal, id);
  });

  app.get('/api/v1/alerts/:id/deliveries', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(AlertParams, request.params, 'path');

    return getDeliveryReport(ctx, principal, id);
  });

  app.post('/api/v1/alerts/:id/acknowledge', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(AlertParams, request.params, 'path');
    const { via } = parseInput(AcknowledgeSchema, request.body ?? undefined, 'acknowledgement');

    return acknowledgeAsRecipient(ctx, principal, id, via);
  });

  app.post('/api/v1/alerts/:id/receipts', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(AlertParams, request.params, 'path');
    const receipt = parseInput(LiveReceiptSchema, request.body ?? {}, 'receipt');

    return recordLiveReceipt(ctx, principal, id, receipt);
  });

  registerAckPageRoutes(app, ctx);
}
