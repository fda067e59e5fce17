import { randomUUID } from 'node:crypto';

import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';

type ParserDone = (error: Error | null, body?: unknown) => void;

import { registerAdminRoutes } from '../admin/admin.routes.ts';
import { registerAlertRoutes } from '../alerts/alerts.routes.ts';
import { registerAuditRoutes } from '../audit/audit.routes.ts';
import { recordAudit } from '../audit/audit.ts';
import { registerAuthHooks } from '../auth/auth.hooks.ts';
import { registerAuthRoutes } from '../auth/auth.routes.ts';
import { registerCheckRoutes } from '../checks/checks.routes.ts';
import { registerExerciseRoutes } from '../exercises/exercises.routes.ts';
import { registerLibraryRoutes } from '../library/library.routes.ts';
import { registerReadinessRoutes } from '../readiness/readiness.routes.ts';
import { registerDirectoryRoutes } from '../directory/directory.routes.ts';
import { registerPocRoutes } from '../directory/pocs.routes.ts';
import { registerEventRoutes } from '../events/events.routes.ts';
import { registerRequestRoutes } from '../requests/requests.routes.ts';
import { registerWebhookRoutes } from '../webhooks/webhooks.routes.ts';
import { selectCatalogue } from '../i18n/messages.ts';
import { DomainError } from '../shared/errors.ts';
import { assertJsonStructure } from '../shared/json-structure.ts';
import { registerCommunityRoutes } from '../communities/communities.routes.ts';
import { registerModerationRoutes } from '../sharing/moderation.routes.ts';
import { registerRecipientRoutes } from '../sharing/recipients.routes.ts';
import { registerSharingRoutes } from '../sharing/sharing.routes.ts';
import { registerTaxiiRoutes } from '../taxii/taxii.routes.ts';
import { html } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import { registerLanguageRoutes } from '../web/language.routes.ts';
import { registerWorkspaceRoutes } from '../web/workspace.routes.ts';
import type { AppContext } from './context.ts';
import { registerHealthRoutes } from './health.routes.ts';
import { DEFAULT_BODY_LIMIT } from './body-limits.ts';
import { registerLocaleNegotiation } from './locale.ts';
import { sendClientErrorProblem, sendFrameworkErrorProblem } from './client-errors.ts';
import { parseQueryString, registerQueryStringCheck } from './query-string.ts';
import { explainBodyLimit, sendProblem, toDomainError } from './problem.ts';
import { trackRouteMethods, unmatchedRouteError } from './route-methods.ts';

/** Paths whose errors are JSON problems; every other path is a page for people. */
function wantsJson(request: FastifyRequest): boolean {
  return (
    /^\/(api|taxii2)\b/.test(request.url) || request.url === '/healthz' || request.url === '/readyz'
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Returns the charset parameter of a Content-Type header in lower case, or null when there is
 * none.
 */
function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '');
  if (match === null) return null;

  return (match[1] ?? match[2] ?? '').toLowerCase();
}

/**
 * Decodes a JSON body as UTF-8, the only encoding JSON allows between systems (RFC 8259 §8.1).
 * Throws instead of replacing bytes that do not decode with U+FFFD, which would store a
 * silently corrupted value.
 */
function decodeJsonBody(request: FastifyRequest, body: Buffer): string {
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
    throw new DomainError('unsupported_media_type', (m) =>
      m.problems.http.charsetNotUtf8(charset.slice(0, 40)),
    );
  }
  try {
    return utf8.decode(body);
  } catch {
    throw new DomainError('invalid_request', (m) => m.problems.http.bodyNotUtf8);
  }
}

function registerJsonParser(app: FastifyInstance) {
  app.removeContentTypeParser('application/json');
  // Plain text is no API's format: such a body is a 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  const parse = (request: FastifyRequest, body: string | Buffer, done: ParserDone) => {
    try {
      const text = typeof body === 'string' ? body : decodeJsonBody(request, body);
      assertJsonStructure(text);
      done(null, text === '' ? undefined : JSON.parse(text));
    } catch (error) {
      const err = error instanceof SyntaxError ? Object.assign(error, { statusCode: 400 }) : error;
      done(err as Error, undefined);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parse);
  app.addContentTypeParser(/^application\/[\w.+-]+\+json/, { parseAs: 'buffer' }, parse);
}

/** Keeps every refused action (403) in the audit trail, whichever route refused it. */
function registerRefusalAudit(app: FastifyInstance, ctx: AppContext) {
  app.addHook('onError', async (request, _reply, error) => {
    if (!(error instanceof DomainError)) return;
    if (error.code !== 'forbidden' && error.code !== 'csrf_failed') return;
    try {
      await recordAudit(ctx.db, ctx.clock, {
        accountId: request.principal?.accountId ?? null,
        action: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0] ?? ''}`,
        target: request.url.split('?')[0] ?? null,
        outcome: 'denied',
        details: { code: error.code, reason: error.message },
      });
    } catch (auditError) {
      request.log.error({ err: auditError }, 'audit entry not written');
    }
  });
}

function registerErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    if (wantsJson(request)) return sendProblem(request, reply, error);

    const errorText = request.messages.errors;
    const domainError = explainBodyLimit(request, toDomainError(error), error);
    if (domainError.code === 'internal') request.log.error({ err: error }, 'request failed');
    const content = html`<h1>${domainError.status}</h1>
      <p>${errorText.explanations[domainError.code]}</p>
      <p class="muted">${domainError.detail(request.messages)}</p>`;

    return reply
      .status(domainError.status)
      .type('text/html; charset=utf-8')
      .send(renderPage(pageOptions(request, errorText.pageTitle), content));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = unmatchedRouteError(request, reply, (m) =>
      m.problems.http.noRoute(request.method, request.url.split('?')[0] ?? ''),
    );
    if (wantsJson(request)) return sendProblem(request, reply, error);
    const errorText = request.messages.errors;
    if (error.code === 'method_not_allowed') {
      const allowed = String(reply.getHeader('allow') ?? '');
      const content = html`<h1>${error.status}</h1>
        <p>${errorText.methodNotAllowedText(request.method, allowed)}</p>`;
      const title = errorText.methodNotAllowedTitle;
      return reply
        .status(error.status)
        .type('text/html; charset=utf-8')
        .send(renderPage(pageOptions(request, title), content));
    }
    const content = html`<h1>${errorText.notFoundTitle}</h1>
      <p>${errorText.notFoundText}</p>`;

    return reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send(renderPage(pageOptions(request, errorText.notFoundTitle), content));
  });
}

/** Builds the HTTP application with every route; the caller listens and closes it. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const defaultCatalogue = selectCatalogue(ctx.config.locale);
  const app: FastifyInstance = Fastify({
    // pino's Logger is what Fastify logs with; the cast keeps FastifyInstance's default generics.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- see above
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Routes that take STIX bundles raise this limit for themselves.
    bodyLimit: DEFAULT_BODY_LIMIT,
    // A caller's X-Request-ID is kept only when it is a short token, so logs stay clean.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    trustProxy: false,
    clientErrorHandler: (error, socket) => {
      sendClientErrorProblem(error, socket, defaultCatalogue);
    },
    frameworkErrors: (error, request, reply) => {
      sendFrameworkErrorProblem(error, request, reply, defaultCatalogue);
    },
    routerOptions: { querystringParser: parseQueryString },
  });

  app.decorate('allowedMethods', trackRouteMethods(app));
  registerJsonParser(app);
  registerLocaleNegotiation(app, ctx.config);
  await app.register(cookie);
  await app.register(formbody);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    // No page may be framed (clickjacking); routes with their own policy keep it.
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', "frame-ancestors 'none'");
    }
  });
  registerErrorHandlers(app);
  registerQueryStringCheck(app);
  registerRefusalAudit(app, ctx);
  registerAuthHooks(app, ctx);

  registerHealthRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerLanguageRoutes(app, ctx);
  registerDirectoryRoutes(app, ctx);
  registerPocRoutes(app, ctx);
  registerSharingRoutes(app, ctx);
  registerRecipientRoutes(app, ctx);
  registerTaxiiRoutes(app, ctx);
  registerModerationRoutes(app, ctx);
  registerCommunityRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerRequestRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerCheckRoutes(app, ctx);
  registerLibraryRoutes(app, ctx);
  registerExerciseRoutes(app, ctx);
  registerReadinessRoutes(app, ctx);
  registerWorkspaceRoutes(app, ctx);

  return app;
}
