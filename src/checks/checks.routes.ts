import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import { registerCheckPageRoutes } from './check-pages.routes.ts';
import {
  getCheckResults,
  getCheckResultsCsv,
  getCheckSummary,
  getCheckSummaryCsv,
  listRecentChecks,
} from './check-results.service.ts';
import { AnswerSchema, CheckParams, NewCheckSchema } from './checks.schema.ts';
import { answerCheckAsRecipient, requireCheckSender, startCheck } from './checks.service.ts';

/** Registers the API of communication checks and their web pages. */
export function registerCheckRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/checks', async (request, reply) => {
    const principal = requirePrincipal(request);
    const sender = requireCheckSender(principal);
    const input = parseInput(NewCheckSchema, request.body ?? {}, 'check');
    const created = await startCheck(ctx, sender, input);

    return reply.status(201).send(created);
  });

  app.get('/api/v1/checks', async (request) => {
    const principal = requirePrincipal(request);

    return { checks: await listRecentChecks(ctx, principal) };
  });

  app.post('/api/v1/checks/:id/answer', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CheckParams, request.params, 'path');
    const { via } = parseInput(AnswerSchema, request.body ?? undefined, 'answer');

    return answerCheckAsRecipient(ctx, principal, id, via);
  });

  app.get('/api/v1/checks/:id/results', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CheckParams, request.params, 'path');

    return getCheckResults(ctx, principal, id);
  });

  app.get('/api/v1/checks/:id/results.csv', async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CheckParams, request.params, 'path');
    const csv = await getCheckResultsCsv(ctx, principal, id);

    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="check-${id}-results.csv"`)
      .send(csv);
  });

  app.get('/api/v1/checks/:id/summary', async (request) => {
    const { id } = parseInput(CheckParams, request.params, 'path');

    return getCheckSummary(ctx, id);
  });

  app.get('/api/v1/checks/:id/summary.csv', async (request, reply) => {
    const { id } = parseInput(CheckParams, request.params, 'path');
    const csv = await getCheckSummaryCsv(ctx, id);

    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="check-${id}-summary.csv"`)
      .send(csv);
  });

  registerCheckPageRoutes(app, ctx);
}
