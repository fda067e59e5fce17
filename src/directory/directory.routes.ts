import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { processMessages } from '../i18n/messages.ts';
import { notFound } from '../shared/errors.ts';
import { parseInput, toFieldErrors } from '../shared/validation.ts';
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
import { findUnsafeText, toInlineText } from '../shared/text.ts';

/** Search text: blank means no search; otherwise one line with no format-control characters. */
const searchText = z
  .string()
  .max(200)
  .superRefine((text, ctx) => {
    if (text.trim() === '') return;
    const problem = findUnsafeText(text);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
const SearchQuery = z.object({ q: searchText.default('') });
const StateParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
    .transform((code) => code.toUpperCase()),
});
// PoC ids are stored in lower case; RFC 9562 UUIDs compare without regard to case.
const PocParams = z.object({
  id: z.uuid(processMessages.problems.directory.fields.pocId).transform((id) => id.toLowerCase()),
});

const VCARD_TYPE = 'text/vcard; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8';
// RFC 3156 media type of OpenPGP keys.
const KEY_TYPE = 'application/pgp-keys';

/** Registers the public directory page and its JSON, CSV and vCard exports. */
export function registerDirectoryRoutes(app: FastifyInstance, ctx: AppContext) {
  const cache = new ResponseCache();

  /** Cache key of a rendering: the data revision, audience, query and language (of pages). */
  async function cacheKey(kind: string, audience: string, query: string, locale = '') {
    const revision = await readDirectoryRevision(ctx.db);

    return JSON.stringify([kind, revision, audience, query, locale]);
  }

  /** Returns the cache period: a cached body is rendered again each minute for staleness marks. */
  function currentMinute() {
    return Math.floor(ctx.clock.now().getTime() / 60_000);
  }

  app.get('/', async (request, reply) => {
    const search = SearchQuery.safeParse(request.query);
    if (!search.success) return sendSearchError(request, reply, search.error);

    const { q } = search.data;
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
        currentMinute(),
        HTML_TYPE,
        render,
      ),
    );
  });

  /**
   * Shows the whole directory again with the search box, the typed value and what is wrong with
   * it, so a person without scripts can correct the search in place.
   */
  async function sendSearchError(request: FastifyRequest, reply: FastifyReply, error: z.ZodError) {
    const typed = (request.query as { q?: unknown }).q;
    const search = {
      value: typeof typed === 'string' ? toInlineText(typed) : '',
      error:
        toFieldErrors(error)[0]?.message(request.messages) ?? request.messages.validation.invalid,
    };
    const states = await getDirectory(ctx, request.principal);
    const page = renderDirectoryPage(states, '', pageContext(request), search);

    return reply.status(422).type(HTML_TYPE).header('cache-control', 'no-store').send(page);
  }

  app.get('/api/v1/directory', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const audience = request.principal === null ? 'public' : 'member';
    const key = await cacheKey('json', audience, q);
    const entry = await cache.get(key, currentMinute(), JSON_TYPE, async () =>
      JSON.stringify({ states: await getDirectory(ctx, request.principal, q) }),
    );

    return sendCached(request, reply, entry);
  });

  app.get('/api/v1/directory.csv', async (request, reply) => {
    const { q } = parseInput(SearchQuery, request.query, 'query');
    const audience = request.principal === null ? 'public' : 'member';
    const key = await cacheKey('csv', audience, q);
    const entry = await cache.get(key, currentMinute(), CSV_TYPE, async () =>
      directoryToCsv(await getDirectory(ctx, request.principal, q)),
    );
    void reply.header('content-disposition', 'attachment; filename="parley-directory.csv"');

    return sendCached(request, reply, entry);
  });

  app.get('/api/v1/directory/states/:code.vcf', async (request, reply) => {
    const { code } = parseInput(StateParams, request.params, 'path');
    const state = (await getDirectory(ctx, request.principal)).find((s) => s.code === code);
    if (state === undefined) throw notFound((m) => m.problems.directory.stateNotFound);
    if (state.pocs.length === 0) {
      throw notFound((m) => m.problems.directory.stateWithoutPocs(state.name));
    }

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
    throw notFound((m) => m.problems.directory.pocNotFound);
  });

  // A key hidden from the caller and a missing key get the same 404.
  app.get('/api/v1/directory/pocs/:id.asc', async (request, reply) => {
    const { id } = parseInput(PocParams, request.params, 'path');
    const poc = (await getDirectory(ctx, request.principal))
      .flatMap((state) => state.pocs)
      .find((p) => p.id === id);
    if (poc?.pgpKey === undefined || poc.pgpKey === null)
      throw notFound((m) => m.problems.directory.keyNotFound);

    return reply
      .type(KEY_TYPE)
      .header('content-disposition', `attachment; filename="parley-${id}.asc"`)
      .send(`${poc.pgpKey}\n`);
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
