import { randomBytes } from 'node:crypto';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { Principal } from '../accounts/principal.ts';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { findLastEventId } from '../events/events.queries.ts';
import { parseInput } from '../shared/validation.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import { getAfterActionReport, getExerciseTimeline } from './after-action.service.ts';
import { renderControllerPage, renderReportPage, type TimelineFollow } from './exercise-pages.ts';
import { findExerciseController } from './exercises.queries.ts';
import { ExerciseParams, NewExerciseSchema } from './exercises.schema.ts';
import {
  createExercise,
  endExercise,
  getExercise,
  listAllExercises,
  readExerciseObjects,
  releaseInject,
  requireController,
  startExercise,
} from './exercises.service.ts';

function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, content: SafeHtml) {
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderPage(pageOptions(request, request.messages.exercises.subject(title)), content));
}

/**
 * Chooses how the controller's page follows the timeline: live for the account that created a
 * running exercise (the only audience of its `exercise` events), a reload link for other
 * secretariat accounts, nothing once the exercise is no longer running.
 */
async function chooseTimelineFollow(
  ctx: AppContext,
  principal: Principal,
  exercise: { id: string; status: string },
  lastEventId: number,
): Promise<TimelineFollow> {
  if (exercise.status !== 'running') return { mode: 'finished' };
  const controllerId = await findExerciseController(ctx.db, exercise.id);
  if (controllerId !== principal.accountId) return { mode: 'reload' };

  return { mode: 'live', nonce: randomBytes(16).toString('base64'), lastEventId };
}

function requireInjectId(params: { injectId?: string | undefined }): string {
  return params.injectId ?? '';
}

/**
 * Registers the API and pages of exercises. All of them are for the secretariat, except the
 * released STIX objects, which participants read.
 */
export function registerExerciseRoutes(app: FastifyInstance, ctx: AppContext) {
  // Bundle injects carry whole STIX bundles, so this route takes bodies as large as uploads.
  app.post('/api/v1/exercises', { bodyLimit: ctx.config.bodyLimit }, async (request, reply) => {
    const principal = requirePrincipal(request);
    requireController(principal);
    const input = parseInput(NewExerciseSchema, request.body ?? {}, 'exercise');

    return reply.status(201).send(await createExercise(ctx, principal, input));
  });

  app.get('/api/v1/exercises', async (request) => {
    requireController(requirePrincipal(request));

    return { exercises: await listAllExercises(ctx) };
  });

  app.get('/api/v1/exercises/:id', async (request) => {
    requireController(requirePrincipal(request));
    const { id } = parseInput(ExerciseParams, request.params, 'path');

    return getExercise(ctx, id);
  });

  app.post('/api/v1/exercises/:id/start', async (request) => {
    requireController(requirePrincipal(request));
    const { id } = parseInput(ExerciseParams, request.params, 'path');

    return startExercise(ctx, id);
  });

  app.post('/api/v1/exercises/:id/end', async (request) => {
    requireController(requirePrincipal(request));
    const { id } = parseInput(ExerciseParams, request.params, 'path');

    return endExercise(ctx, id);
  });

  app.post('/api/v1/exercises/:id/injects/:injectId/release', async (request) => {
    const principal = requirePrincipal(request);
    requireController(principal);
    const params = parseInput(ExerciseParams, request.params, 'path');

    return releaseInject(ctx, params.id, requireInjectId(params), principal.accountId);
  });

  app.get('/api/v1/exercises/:id/objects', async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(ExerciseParams, request.params, 'path');

    return readExerciseObjects(ctx, principal, id);
  });

  app.get('/api/v1/exercises/:id/timeline', async (request) => {
    requireController(requirePrincipal(request));
    const { id } = parseInput(ExerciseParams, request.params, 'path');

    return { marking: 'EXERCISE', entries: await getExerciseTimeline(ctx, id, request.messages) };
  });

  app.get('/api/v1/exercises/:id/report', async (request) => {
    requireController(requirePrincipal(request));
    const { id } = parseInput(ExerciseParams, request.params, 'path');

    return getAfterActionReport(ctx, id, request.messages);
  });

  app.get('/exercises', async (request, reply) => {
    requireController(requirePrincipal(request));
    const pages = request.messages.exercises.pages;
    const exercises = await listAllExercises(ctx);
    const items = exercises.map(
      (exercise) =>
        html`<li>
          <a href="/exercises/${exercise.id}">${exercise.title}</a>
          <span class="muted">
            ${pages.listMeta(pages.statuses[exercise.status] ?? exercise.status, exercise.createdAt)}
          </span>
        </li>`,
    );
    // Exercises are planned in the workspace form, which this list links to.
    const content = html`<h1>${pages.listTitle}</h1>
      <p><a href="/app/exercises/new">${pages.planNew}</a></p>
      <ul>
        ${items}
      </ul>`;

    return sendPage(request, reply, pages.listTitle, content);
  });

  app.get('/exercises/:id', async (request, reply) => {
    const principal = requirePrincipal(request);
    requireController(principal);
    const { id } = parseInput(ExerciseParams, request.params, 'path');
    // Read before the timeline, so the stream resumes from here and misses no new entry.
    const lastEventId = await findLastEventId(ctx.db);
    const exercise = await getExercise(ctx, id);
    const timeline = await getExerciseTimeline(ctx, id, request.messages);
    const follow = await chooseTimelineFollow(ctx, principal, exercise, lastEventId);
    if (follow.mode === 'live') {
      void reply.header(
        'content-security-policy',
        `script-src 'nonce-${follow.nonce}'; frame-ancestors 'none'`,
      );
    }
    const content = renderControllerPage(
      request.messages,
      exercise,
      timeline,
      request.csrfToken,
      follow,
    );

    return sendPage(request, reply, exercise.title, content);
  });

  app.post('/exercises/:id/injects/:injectId/release', async (request, reply) => {
    const principal = requirePrincipal(request);
    requireController(principal);
    const params = parseInput(ExerciseParams, request.params, 'path');
    await releaseInject(ctx, params.id, requireInjectId(params), principal.accountId);

    return reply.redirect(`/exercises/${params.id}`, 303);
  });

  app.get('/exercises/:id/report', async (request, reply) => {
    requireController(requirePrincipal(request));
    const { id } = parseInput(ExerciseParams, request.params, 'path');
    const report = await getAfterActionReport(ctx, id, request.messages);
    const title = request.messages.exercises.pages.reportTitle(report.title);

    return sendPage(request, reply, title, renderReportPage(request.messages, report));
  });
}
