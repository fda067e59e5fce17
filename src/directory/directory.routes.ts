import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { parseInput } from '../shared/validation.ts';
import { directoryToCsv } from './directory.csv.ts';
import { renderDirectoryPage } from './directory.page.ts';
import { getDirectory } from './directory.service.ts';

const SearchQuery = z.object({ q: z.string().max(200).default('') });

/** Registers the public directory page and its JSON and CSV exports. */
export function registerDirectoryRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const states = await getDirectory(ctx.db, request.principal, q);
    const page = renderDirectoryPage(states, q, request.principal, request.csrfToken);

    return reply.type('text/html; charset=utf-8').send(page);
  });

  app.get('/api/v1/directory', async (request) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');

    return { states: await getDirectory(ctx.db, request.principal, q) };
  });

  app.get('/api/v1/directory.csv', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const states = await getDirectory(ctx.db, request.principal, q);

    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="parley-directory.csv"')
      .send(directoryToCsv(states, request.principal !== null));
  });
}
