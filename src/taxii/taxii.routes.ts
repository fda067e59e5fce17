import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { unmatchedRouteError } from '../app/route-methods.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { processMessages } from '../i18n/messages.ts';
import { parseInput } from '../shared/validation.ts';
import { tlpDefinitionText } from '../sharing/tlp-definitions.ts';
import { canonicalIdentifier, isIdentifier } from '../sharing/stix-identifiers.ts';
import type { VersionRow } from '../sharing/versions.queries.ts';
import {
  apiRoots,
  assertCanRead,
  collectionResource,
  findApiRoot,
  findCollection,
  listCollections,
  type Collection,
} from './taxii.collections.ts';
import { loadTaxiiOptions, type TaxiiOptions } from './taxii.config.ts';
import { sendTaxiiError, tooLarge } from './taxii.errors.ts';
import {
  assertAcceptable,
  assertTaxiiContentType,
  STIX_MEDIA_TYPE,
  TAXII_MEDIA_TYPE,
} from './taxii.media.ts';
import { dateAddedHeaders, readVersionPage, type VersionPage } from './taxii.pages.ts';
import { TaxiiQuerySchema, toVersionFilter } from './taxii.schema.ts';
import { addObjects, assertObjectVisible, deleteObject, readStatus } from './taxii.service.ts';

const RootParams = z.object({ root: z.string() });
const CollectionParams = RootParams.extend({ collectionId: z.string() });
const ObjectParams = CollectionParams.extend({
  objectId: z
    .string()
    .refine((id) => isIdentifier(id), {
      error: processMessages.validation.stixIdentifier,
    })
    .transform(canonicalIdentifier),
});
const StatusParams = RootParams.extend({ statusId: z.string() });

function send(reply: FastifyReply, status: number, body: unknown, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);

  // A Buffer keeps the media type exactly as written: Fastify rewrites it for string bodies.
  return reply.status(status).headers(headers).type(TAXII_MEDIA_TYPE).send(Buffer.from(text));
}

/** Writes an envelope from stored JSON text without parsing it again. */
function envelopeText(page: VersionPage, key: string, items: readonly string[]): string {
  const parts = [`"more":${String(page.more)}`];
  if (page.next !== undefined) parts.push(`"next":${JSON.stringify(page.next)}`);
  // TAXII 2.1: the list is left out when there is nothing to return.
  if (items.length > 0) parts.push(`"${key}":[${items.join(',')}]`);

  return `{${parts.join(',')}}`;
}

function manifestRecord(row: VersionRow): string {
  return JSON.stringify({
    id: row.object_id,
    date_added: row.date_added,
    version: row.version,
    media_type: STIX_MEDIA_TYPE.replace('2.1', row.spec_version),
  });
}

/** Resolves the root and collection of a request, enforcing the root's sign-in rule. */
async function resolve(ctx: AppContext, request: FastifyRequest) {
  const params = parseInput(CollectionParams, request.params, 'path');
  const root = findApiRoot(params.root, request.principal);
  const collection = await findCollection(ctx.db, root, request.principal, params.collectionId);

  return { root, collection };
}

/** Resolves a collection whose objects the caller reads; 403 for a collection it may not read. */
async function resolveReadable(ctx: AppContext, request: FastifyRequest): Promise<Collection> {
  const { collection } = await resolve(ctx, request);
  assertCanRead(collection);

  return collection;
}

/**
 * Registers the TAXII 2.1 server under `/taxii2/`: discovery, API roots, collections, objects,
 * manifests, versions and status resources. Every response, errors included, is
 * `application/taxii+json;version=2.1`.
 */
export function registerTaxiiRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: TaxiiOptions = loadTaxiiOptions(),
) {
  void app.register(
    (scope, _options, done) => {
      scope.setErrorHandler((error, request, reply) =>
        sendTaxiiError(request, reply, error, options.maxContentLength),
      );
      scope.setNotFoundHandler((request, reply) =>
        sendTaxiiError(
          request,
          reply,
          unmatchedRouteError(request, reply, (m) =>
            m.problems.http.noTaxiiResource(request.url.split('?')[0] ?? ''),
          ),
          options.maxContentLength,
        ),
      );
      scope.addHook('onRequest', (request, _reply, done) => {
        try {
          checkRequestHeaders(request, options);
          done();
        } catch (error) {
          done(error as Error);
        }
      });

      registerDiscovery(scope, ctx, options);
      registerObjectRoutes(scope, ctx, options);
      done();
    },
    { prefix: '/taxii2' },
  );
}

/**
 * Checks Accept, and for a POST Content-Type and Content-Length, before the body is read. A
 * chunked body has no length, so the route's `bodyLimit` cuts it off while it streams.
 */
function checkRequestHeaders(request: FastifyRequest, options: TaxiiOptions): void {
  assertAcceptable(request.headers.accept);
  if (request.method !== 'POST') return;
  assertTaxiiContentType(request.headers['content-type']);
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > options.maxContentLength) throw tooLarge(options.maxContentLength, length);
}

function registerDiscovery(scope: FastifyInstance, ctx: AppContext, options: TaxiiOptions) {
  const base = `${ctx.config.publicUrl}/taxii2`;

  scope.get('/', (_request, reply) =>
    send(reply, 200, {
      title: 'Parley TAXII server',
      description: 'Threat information shared between states under TLP 2.0',
      default: `${base}/members/`,
      api_roots: [...apiRoots.keys()].map((name) => `${base}/${name}/`),
    }),
  );

  scope.get('/:root/', async (request, reply) => {
    const { root: name } = parseInput(RootParams, request.params, 'path');
    const root = findApiRoot(name, request.principal);

    return send(reply, 200, {
      title: root.title,
      description: root.description,
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: options.maxContentLength,
    });
  });

  scope.get('/:root/collections/', async (request, reply) => {
    const { root: name } = parseInput(RootParams, request.params, 'path');
    const root = findApiRoot(name, request.principal);
    const collections = (await listCollections(ctx.db, root, request.principal)).map(
      collectionResource,
    );

    return send(reply, 200, { collections });
  });

  scope.get('/:root/collections/:collectionId/', async (request, reply) => {
    const { collection } = await resolve(ctx, request);

    return send(reply, 200, collectionResource(collection));
  });

  scope.get('/:root/status/:statusId/', async (request, reply) => {
    const params = parseInput(StatusParams, request.params, 'path');
    const root = findApiRoot(params.root, request.principal);
    const principal = requirePrincipal(request);

    return send(reply, 200, await readStatus(ctx, principal, root, params.statusId));
  });
}

function registerObjectRoutes(scope: FastifyInstance, ctx: AppContext, options: TaxiiOptions) {
  const objectsPath = '/:root/collections/:collectionId/objects/';

  scope.get(objectsPath, async (request, reply) => {
    const collection = await resolveReadable(ctx, request);
    const query = parseInput(TaxiiQuerySchema, request.query, 'query');
    const filter = toVersionFilter(query, collection);
    const scopeName = `objects ${collection.id}`;
    const page = await readVersionPage(ctx, options, request.principal, {
      scope: scopeName,
      filter,
      query,
    });
    const body = envelopeText(
      page,
      'objects',
      page.rows.map((row) => row.data),
    );

    return send(reply, 200, body, dateAddedHeaders(page.rows));
  });

  scope.post(objectsPath, { bodyLimit: options.maxContentLength }, async (request, reply) => {
    const { root, collection } = await resolve(ctx, request);
    const principal = requirePrincipal(request);
    const status = await addObjects(ctx, principal, root, collection, request.body);

    return send(reply, 202, status);
  });

  scope.get('/:root/collections/:collectionId/manifest/', async (request, reply) => {
    const collection = await resolveReadable(ctx, request);
    const query = parseInput(TaxiiQuerySchema, request.query, 'query');
    const page = await readVersionPage(ctx, options, request.principal, {
      scope: `manifest ${collection.id}`,
      filter: toVersionFilter(query, collection),
      query,
    });
    const body = envelopeText(page, 'objects', page.rows.map(manifestRecord));

    return send(reply, 200, body, dateAddedHeaders(page.rows));
  });

  scope.get(`${objectsPath}:objectId/`, async (request, reply) => {
    const collection = await resolveReadable(ctx, request);
    const { objectId } = parseInput(ObjectParams, request.params, 'path');
    const query = parseInput(TaxiiQuerySchema, request.query, 'query');
    const definition = tlpDefinitionText(objectId);
    if (definition !== undefined)
      return send(reply, 200, `{"more":false,"objects":[${definition}]}`);

    const page = await readVersionPage(ctx, options, request.principal, {
      scope: `object ${collection.id} ${objectId}`,
      filter: toVersionFilter(query, collection, { ids: [objectId], types: [] }),
      query,
    });
    if (page.rows.length === 0 && query.next === undefined) {
      await assertObjectVisible(ctx, request.principal, collection, objectId);
    }
    const body = envelopeText(
      page,
      'objects',
      page.rows.map((row) => row.data),
    );

    return send(reply, 200, body, dateAddedHeaders(page.rows));
  });

  scope.delete(`${objectsPath}:objectId/`, async (request, reply) => {
    const { collection } = await resolve(ctx, request);
    const { objectId } = parseInput(ObjectParams, request.params, 'path');
    const principal = requirePrincipal(request);
    await deleteObject(ctx, principal, collection, objectId);

    return send(reply, 200, '');
  });

  scope.get(`${objectsPath}:objectId/versions/`, async (request, reply) => {
    const collection = await resolveReadable(ctx, request);
    const { objectId } = parseInput(ObjectParams, request.params, 'path');
    const query = parseInput(TaxiiQuerySchema, request.query, 'query');
    await assertObjectVisible(ctx, request.principal, collection, objectId);
    const fixed = { ids: [objectId], types: [], versions: [{ kind: 'all' as const }] };
    const page = await readVersionPage(ctx, options, request.principal, {
      scope: `versions ${collection.id} ${objectId}`,
      filter: toVersionFilter(query, collection, fixed),
      query,
    });
    const versions = page.rows.map((row) => JSON.stringify(row.version));

    return send(reply, 200, envelopeText(page, 'versions', versions), dateAddedHeaders(page.rows));
  });
}
