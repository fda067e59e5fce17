import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { directoryToCsv } from './directory.csv.ts';
import { renderDirectoryPage } from './directory.page.ts';
import { getDirectory } from './directory.service.ts';
import { renderHealthPage } from './health.page.ts';
import { getDirectoryHealth, HealthQuerySchema } from './health.service.ts';
import { pocToVcard, stateToVcards } from './vcard.ts';

const SearchQuery = z.object({ q: z.string().max(200).default('') });
const StateParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .transform((code) => code.toUpperCase()),
});
const PocParams = z.object({ id: z.uuid('must be a PoC id') });

const VCARD_TYPE = 'text/vcard; charset=utf-8';

/** Registers the public directory page and its JSON, CSV and vCard exports. */
export function registerDirectoryRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const states = await getDirectory(ctx, request.principal, q);
    const page = renderDirectoryPage(states, q, request.principal, request.csrfToken);

    return reply.type('text/html; charset=utf-8').send(page);
  });

  app.get('/api/v1/directory', async (request) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');

    return { states: await getDirectory(ctx, request.principal, q) };
  });

  app.get('/api/v1/directory.csv', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const states = await getDirectory(ctx, request.principal, q);

    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="parley-directory.csv"')
      .send(directoryToCsv(states));
  });

  app.get('/api/v1/directory/states/:code.vcf', async (request, reply) => {
    const { code } = parseInput(StateParams, request.params, 'path');
    const state = (await getDirectory(ctx, request.principal)).find((s) => s.code === code);
    if (state === undefined) throw notFound('State');

    return reply
      .type(VCARD_TYPE)
      .header('content-disposition', `attachment; filename="parley-${code}.vcf"`)
      .send(stateToVcards(state));
  });

  app.get('/api/v1/directory/pocs/:id.vcf', async (request, reply) => {
    const { id } = parseInput(PocParams, request.params, 'path');
    for (const state of await getDirectory(ctx, request.principal)) {
      const poc = state.pocs.find((p) => p.id === id);
      if (poc === undefined) continue;

      return reply
        .type(VCARD_TYPE)
        .header('content-disposition', `attachment; filename="parley-${id}.vcf"`)
        .send(pocToVcard(state, poc));
    }
    throw notFound('PoC');
  });

  app.get('/api/v1/directory/health', async (request) => {
    const { sort } = parseInput(HealthQuerySchema, request.query, 'query');
    const principal = requirePrincipal(request);

    return getDirectoryHealth(ctx, principal, sort);
  });

  app.get('/directory/health', async (request, reply) => {
    const { sort } = parseInput(HealthQuerySchema, request.query, 'query');
    if (request.principal === null) return reply.redirect('/signin?next=/directory/health', 303);
    const health = await getDirectoryHealth(ctx, request.principal, sort);
    const page = renderHealthPage(health, sort, request.principal, request.csrfToken);

    return reply.type('text/html; charset=utf-8').send(page);
  });
}
