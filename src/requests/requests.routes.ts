import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import {
  NewRequestSchema,
  ReplySchema,
  RequestListQuery,
  RequestParams,
} from './requests.schema.ts';
import {
  acknowledgeRequest,
  getThread,
  listRequests,
  replyToRequest,
  sendRequest,
} from './requests.service.ts';

/** Registers the routes of requests between states: send, list, read, acknowledge, reply. */
export function registerRequestRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/requests', async (request, reply) => {
    const principal = requirePrincipal(request);
    const input = parseInput(NewRequestSchema, request.body ?? {}, 'request');

    return reply.status(201).send(await sendRequest(ctx, principal, input));
  });

  app.get('/api/v1/requests', async (request) => {
    const principal = requirePrincipal(request);
    const page = parseInput(RequestListQuery, request.query ?? {}, 'query');
    const { rows, next } = await listRequests(ctx, principal, page);

    return { box: page.box, requests: rows, next };
  });

  app.get('/api/v1/requests/:reference', async (request) => {
    const principal = requirePrincipal(request);
    const { reference } = parseInput(RequestParams, request.params, 'path');

    return getThread(ctx, principal, reference);
  });

  app.post('/api/v1/requests/:reference/acknowledge', async (request) => {
    const principal = requirePrincipal(request);
    const { reference } = parseInput(RequestParams, request.params, 'path');

    return acknowledgeRequest(ctx, principal, reference);
  });

  app.post('/api/v1/requests/:reference/replies', async (request, reply) => {
    const principal = requirePrincipal(request);
    const { reference } = parseInput(RequestParams, request.params, 'path');
    const input = parseInput(ReplySchema, request.body ?? {}, 'reply');

    return reply.status(201).send(await replyToRequest(ctx, principal, reference, input));
  });
}
