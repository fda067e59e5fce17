import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { processMessages } from '../i18n/messages.ts';
import { DomainError } from '../shared/errors.ts';
import { parseIfMatch } from '../shared/if-match.ts';
import { parseInput } from '../shared/validation.ts';
import { withKeyWarnings } from './poc-fields.ts';
import {
  applyChangeRequest,
  confirmPoc,
  createPoc,
  deletePoc,
  editorActor,
  getPoc,
  getPocHistory,
  listPocs,
  updatePoc,
} from './pocs.service.ts';
import { registerPocImportRoutes } from './poc-import.routes.ts';
import { getStateVisibility, saveStateVisibility, VisibilityUpdateSchema } from './visibility.ts';

const IdParams = z.object({ id: z.string().min(1).max(100) });
// Confirming takes no fields; an unknown one is rejected as on every other PoC route.
const ConfirmBody = z.strictObject({});
const StateParams = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
    .transform((code) => code.toUpperCase()),
});
const ListQuery = z.object({
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .optional(),
});
const CreateQuery = z.object({
  confirmDuplicate: z.enum(['true', 'false']).default('false'),
});

/**
 * Registers the routes of state editors' PoC management. Replies that carry one entry send its
 * `ETag`, and changes to an entry take `If-Match` (RFC 9110 §13.1.1). A change without
 * `If-Match` is still accepted, for clients written before entries had versions.
 */
export function registerPocRoutes(app: FastifyInstance, ctx: AppContext) {
  registerPocImportRoutes(app, ctx);

  app.get('/api/v1/pocs', async (request) => {
    const query = parseInput(ListQuery, request.query, 'query');
    const principal = requirePrincipal(request);

    return { pocs: await listPocs(ctx, principal, query.state) };
  });

  app.post('/api/v1/pocs', async (request, reply) => {
    const query = parseInput(CreateQuery, request.query, 'query');
    const principal = requirePrincipal(request);
    const options = { confirmDuplicate: query.confirmDuplicate === 'true' };
    const poc = await createPoc(ctx, principal, request.body, options);
    request.log.info({ userId: principal.accountId, pocId: poc.id }, 'poc created');

    return reply
      .status(201)
      .header('location', `/api/v1/pocs/${poc.id}`)
      .header('etag', poc.etag)
      .send(withKeyWarnings(poc, ctx.clock.now(), request.messages));
  });

  app.get('/api/v1/pocs/:id', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);
    const poc = await getPoc(ctx, principal, id);

    return reply.header('etag', poc.etag).send(poc);
  });

  app.patch('/api/v1/pocs/:id', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const condition = parseIfMatch(request.headers['if-match']);
    const principal = requirePrincipal(request);
    const poc = await updatePoc(ctx, principal, id, request.body, condition);

    return reply
      .header('etag', poc.etag)
      .send(withKeyWarnings(poc, ctx.clock.now(), request.messages));
  });

  app.delete('/api/v1/pocs/:id', async (request, reply) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const condition = parseIfMatch(request.headers['if-match']);
    const principal = requirePrincipal(request);
    await deletePoc(ctx, principal, id, condition);

    return reply.status(204).send();
  });

  // `If-Match` names the entry's ETag. The reply carries the new one in its body only, because
  // an ETag header would describe this confirmation resource, not the entry.
  app.post('/api/v1/pocs/:id/confirm', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    parseInput(ConfirmBody, request.body ?? {}, 'request');
    const condition = parseIfMatch(request.headers['if-match']);
    const principal = requirePrincipal(request);

    return confirmPoc(ctx, editorActor(principal), id, 'editor', condition);
  });

  app.get('/api/v1/pocs/:id/history', async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    const principal = requirePrincipal(request);

    return { history: await getPocHistory(ctx, principal, id) };
  });

  app.get('/api/v1/states/:code/visibility', async (request) => {
    const { code } = parseInput(StateParams, request.params, 'path');
    requirePrincipal(request);

    return { state: code, fields: await getStateVisibility(ctx.db, code) };
  });

  app.put('/api/v1/states/:code/visibility', async (request) => {
    const { code } = parseInput(StateParams, request.params, 'path');
    const principal = requirePrincipal(request);
    if (editorActor(principal).stateCode !== code) {
      throw new DomainError('forbidden', (m) => m.problems.directory.visibilityOwnEditors);
    }
    const changes = parseInput(VisibilityUpdateSchema, request.body, 'visibility');
    await saveStateVisibility(ctx.db, code, changes);
    request.log.info({ userId: principal.accountId, state: code }, 'visibility changed');

    return { state: code, fields: await getStateVisibility(ctx.db, code) };
  });

  app.post('/api/v1/states/:code/change-requests', async (request, reply) => {
    const { code } = parseInput(StateParams, request.params, 'path');
    const principal = requirePrincipal(request);
    const { action, poc } = await applyChangeRequest(ctx, principal, code, request.body);
    if (poc === null) return reply.status(204).send();

    return reply
      .status(action === 'create' ? 201 : 200)
      .send(withKeyWarnings(poc, ctx.clock.now(), request.messages));
  });
}
