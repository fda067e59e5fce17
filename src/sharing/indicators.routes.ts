import type { FastifyInstance } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { parseInput } from '../shared/validation.ts';
import { NewIndicatorSchema, PatternMatchSchema } from './indicators.schema.ts';
import { createIndicator, matchPattern } from './indicators.service.ts';

/**
 * Registers indicator creation from an observable (201 when stored, 202 when a partner's
 * indicator is held for moderation) and the pattern matcher.
 */
export function registerIndicatorRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/indicators', async (request, reply) => {
    const principal = requirePrincipal(request);
    const input = parseInput(NewIndicatorSchema, request.body, 'indicator');
    const result = await createIndicator(ctx, principal, input);

    return reply.status(result.status === 'stored' ? 201 : 202).send(result);
  });

  app.post('/api/v1/patterns/match', async (request, reply) => {
    requirePrincipal(request);
    const { pattern, object } = parseInput(PatternMatchSchema, request.body, 'patternMatch');

    return reply.send({ matches: await matchPattern(pattern, object) });
  });
}
