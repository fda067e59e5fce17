import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { appendVary } from '../app/locale.ts';
import { pageContext } from '../web/layout.ts';
import { ResponseCache, sendCached } from '../web/response-cache.ts';
import { directoryToCsv } from './directory.csv.ts';
import { renderDirectoryPage } from './directory.page.ts';
import { getDirectory } from './directory.service.ts';
import { renderHealthPage } from './health.page.ts';
import { getDirectoryHealth, HealthQuerySchema } from './health.service.ts';
import { readDirectoryRevision } from './revision.ts';
import { pocToVcard, stateToVcards } from './vcard.ts';
import { isSingleLine, SINGLE_LINE } from '../shared/text.ts';

const SearchQuery = z.object({
  q: z.string().max(200).refine(isSingleLine, SINGLE_LINE).default(''),
});
const StateParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .transform((code) => code.toUpperCase()),
});
const PocParams = z.object({ id: z.uuid('must be a PoC id') });

const VCARD_TYPE = 'text/vcard; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8';

/** Registers the public directory page and its JSON, CSV and vCard exports. */
export function registerDirectoryRoutes(app: FastifyInstance, ctx: AppContext) {
  const cache = new ResponseCache();

  /**
   * Cache key of a rendering: data revision, audience, query, language (of pages) and the minute
   * (for staleness).
   */
  async function cacheKey(kind: string, audience: string, query: string, locale = '') {
    const revision = await readDirectoryRevision(ctx.db);
    const minute = Math.floor(ctx.clock.now().getTime() / 60_000);

    return JSON.stringify([kind, revision, audience, query, locale, minute]);
  }

  app.get('/', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const render = async () => {
      const states = await getDirectory(ctx, request.principal, q);
      return renderDirectoryPage(states, q, pageContext(request));
    };
    // Members' pages carry their own name and CSRF token, so only the public page is shared.
    if (request.principal !== null) return reply.type(HTML_TYPE).send(await render());
    // A 304 has no body type for the locale hook to see, so the page names its language here.
    appendVary(reply, ['Accept-Language']);

    return sendCached(
      request,
      reply,
      await cache.get(
        await cacheKey('page', 'public', q, request.messages.meta.locale),
        HTML_TYPE,
        render,
      ),
    );
  });

  app.get('/api/v1/directory', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const audience = request.principal === null ? 'public' : 'member';
    const key = await cacheKey('json', audience, q);
    const entry = await cache.get(key, JSON_TYPE, async () =>
      JSON.stringify({ states: await getDirectory(ctx, request.principal, q) }),
    );

    return sendCached(request, reply, entry);
  });

  app.get('/api/v1/directory.csv', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const audience = request.principal === null ? 'public' : 'member';
    const key = await cacheKey('csv', audience, q);
    const entry = await cache.get(key, CSV_TYPE, async () =>
      directoryToCsv(await getDirectory(ctx, request.principal, q)),
    );
    void reply.header('content-disposition', 'attachment; filename="parley-directory.csv"');

    return sendCached(request, reply, entry);
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
    const principal = requirePrincipal(request);
    const { sort } = parseInput(HealthQuerySchema, request.query, 'query');

    return getDirectoryHealth(ctx, principal, sort);
  });

  app.get('/directory/health', async (request, reply) => {
    if (request.principal === null) return reply.redirect('/signin?next=/directory/health', 303);
    const { sort } = parseInput(HealthQuerySchema, request.query, 'query');
    const health = await getDirectoryHealth(ctx, request.principal, sort);
    const page = renderHealthPage(health, sort, pageContext(request));

    return reply.type('text/html; charset=utf-8').send(page);
  });
}
