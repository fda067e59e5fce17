import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { sendProblem } from '../app/problem.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { DomainError, invalidField, type ErrorText } from '../shared/errors.ts';
import { assertJsonStructure } from '../shared/json-structure.ts';
import { parseInput } from '../shared/validation.ts';
import { assertMayShare } from './access.ts';
import {
  ExportQuerySchema,
  ObjectListQuerySchema,
  ObjectParamsSchema,
  ObjectQuerySchema,
  ShareOptionsSchema,
} from './sharing.schema.ts';
import { exportBundle } from './export.service.ts';
import { registerIndicatorRoutes } from './indicators.routes.ts';
import { toMillisecondText } from './stix-timestamps.ts';
import {
  importBundle,
  listObjects,
  readObject,
  rejectedFields,
  type RejectedObject,
} from './sharing.service.ts';

/** Form fields of a multipart upload besides the sharing options. */
const NON_OPTION_FIELDS = new Set(['bundle', '_csrf']);

/** Parses the uploaded file's text like a JSON body, with the same nesting limit. */
function parseBundleFile(value: unknown): unknown {
  if (value === undefined) throw invalidField('bundle', (m) => m.problems.sharing.bundleMissing);
  const text = Buffer.isBuffer(value)
    ? value.toString('utf8')
    : typeof value === 'string'
      ? value
      : '';
  assertJsonStructure(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = String(error);
    throw new DomainError(
      'invalid_request',
      (m) => m.problems.sharing.bundleNotJsonDetail(reason),
      [{ field: 'bundle', message: (m) => m.problems.sharing.bundleNotJson }],
    );
  }
}

/** Reads the bundle and the sharing options from a JSON body or a multipart form. */
function readUpload(request: FastifyRequest): { bundle: unknown; fields: unknown } {
  if (!request.isMultipart()) return { bundle: request.body, fields: request.query };

  const form = (request.body ?? {}) as Record<string, unknown>;
  const fields = Object.fromEntries(
    Object.entries(form).filter(([name]) => !NON_OPTION_FIELDS.has(name)),
  );

  return { bundle: parseBundleFile(form.bundle), fields };
}

/** Builds the error for an upload none of whose objects could be stored. */
function nothingStored(rejected: readonly RejectedObject[]): DomainError {
  const allTlp = rejected.every((item) => item.reason.startsWith('conflicting TLP markings'));
  const first = rejected[0];
  const count = rejected.length;
  const text: ErrorText =
    first === undefined
      ? (m) => m.problems.sharing.nothingStored(count)
      : (m) => m.problems.sharing.nothingStoredFirst(count, first.id ?? 'object', first.reason);

  return new DomainError(
    allTlp ? 'tlp_conflict' : 'validation_failed',
    text,
    rejectedFields(rejected),
  );
}

/**
 * Registers STIX bundle upload and object reads. An upload answers 201 with the stored count and
 * the rejected objects, or 422 naming each object when none could be stored. Multipart parsing is registered in this plugin
 * only, so no other route accepts file uploads.
 */
export function registerSharingRoutes(app: FastifyInstance, ctx: AppContext) {
  void app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: ctx.config.bodyLimit, files: 1, fields: 20, fieldSize: 1024 * 1024 },
    });
    // The multipart parser throws plain errors for a broken form, such as a missing boundary or
    // a part cut short. Those are the client's fault, so they become a 400 instead of a 500.
    scope.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === undefined && request.isMultipart() && !(error instanceof DomainError)) {
        const reason = error instanceof Error ? error.message : undefined;
        const text: ErrorText =
          reason === undefined
            ? (m) => m.problems.sharing.malformedMultipartUnreadable
            : (m) => m.problems.sharing.malformedMultipart(reason);
        const invalid = new DomainError('invalid_request', text);
        return sendProblem(request, reply, invalid);
      }

      return sendProblem(request, reply, error);
    });

    scope.post('/api/v1/bundles', { bodyLimit: ctx.config.bodyLimit }, async (request, reply) => {
      const principal = requirePrincipal(request);
      assertMayShare(principal);
      const { bundle, fields } = readUpload(request);
      const options = parseInput(ShareOptionsSchema, fields, 'sharingOptions');
      const result = await importBundle(ctx, principal, bundle, options);
      if (result.stored === 0 && result.rejected.length > 0) throw nothingStored(result.rejected);

      return reply.status(201).send({
        stored: result.stored,
        rejected: result.rejected,
        warnings: result.warnings,
      });
    });

    scope.get('/api/v1/objects/:id', async (request, reply) => {
      const { id } = parseInput(ObjectParamsSchema, request.params, 'objectId');
      const { version } = parseInput(ObjectQuerySchema, request.query, 'query');
      const text = await readObject(ctx, request.principal, id, version);

      // The stored text is sent as is, so timestamps come back exactly as they were shared.
      return reply.type('application/json; charset=utf-8').send(text);
    });

    scope.get('/api/v1/export/stix', async (request, reply) => {
      const query = parseInput(ExportQuerySchema, request.query, 'query');
      const bundle = await exportBundle(ctx, request.principal, {
        types: query.type,
        addedAfter: query.added_after === undefined ? null : toMillisecondText(query.added_after),
      });

      return reply
        .type('application/stix+json;version=2.1')
        .header('content-disposition', 'attachment; filename="parley-export.json"')
        .send(bundle);
    });

    scope.get('/api/v1/objects', async (request, reply) => {
      const filter = parseInput(ObjectListQuerySchema, request.query, 'query');
      const texts = await listObjects(ctx, request.principal, filter);

      return reply.type('application/json; charset=utf-8').send(`{"objects":[${texts.join(',')}]}`);
    });
  });
  registerIndicatorRoutes(app, ctx);
}
