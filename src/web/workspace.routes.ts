import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { html } from './html.ts';
import { pageOptions, renderPage } from './layout.ts';

/** Default location of the built workspace (`npm run build:web` writes it). */
export const WORKSPACE_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Options of the workspace routes; tests point `distDir` at a folder of their own. */
export interface WorkspaceOptions {
  distDir?: string;
}

// The bundle loads only its own scripts and styles and talks only to this origin, so the
// policy can forbid inline code and framing outright.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

function setSecurityHeaders(reply: FastifyReply) {
  void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'same-origin');
}

/** Returns true for a client-side route: a GET without a file extension outside `assets/`. */
function isClientRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);

  return !path.startsWith('/app/assets/') && !lastSegment.includes('.');
}

async function serveBuiltWorkspace(app: FastifyInstance, distDir: string) {
  const assetsDir = join(distDir, 'assets') + sep;

  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    // Globbing the files at start-up (instead of one wildcard route) lets the not-found handler
    // below serve client-side routes. A new build therefore needs a server restart.
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders(reply, path) {
      setSecurityHeaders(reply);
      // Vite puts a content hash in every file name under assets/, so those never change.
      // index.html names the current hashes, so browsers must check it again on every visit.
      const isHashedAsset = path.startsWith(assetsDir);
      // TODO: the workspace shows the English strings of src/i18n/workspace.en.ts, built into
      // the bundle, whatever language the request negotiated. A translated workspace would
      // load the catalogue of request.messages.meta.locale here and set this header from it.
      if (path.endsWith('.html')) void reply.header('content-language', 'en');
      void reply.header(
        'cache-control',
        isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });

  app.get('/', (_request, reply) => reply.sendFile('index.html'));

  app.setNotFoundHandler((request, reply) => {
    if (isClientRoute(request)) return reply.sendFile('index.html');

    return reply
      .status(404)
      .type('text/plain; charset=utf-8')
      .send(request.messages.errors.notFoundTitle);
  });
}

function serveMissingBuild(app: FastifyInstance) {
  const answer = (request: FastifyRequest, reply: FastifyReply) => {
    const errorText = request.messages.errors;
    const title = errorText.workspaceNotBuiltTitle;
    const content = html`<h1>${title}</h1>
      <p>${errorText.workspaceNotBuiltText}</p>
      <pre><code>npm run build:web</code></pre>`;

    return reply
      .status(503)
      .header('retry-after', '60')
      .type('text/html; charset=utf-8')
      .send(renderPage(pageOptions(request, title), content));
  };

  app.get('/', answer);
  app.setNotFoundHandler(answer);
}

/**
 * Registers the signed-in React workspace at `/app/`: the built files from `web/dist`, and
 * `index.html` for every client-side route such as `/app/inbox`. Without a build, every
 * `/app/` path returns a 503 page that explains how to build it.
 */
export function registerWorkspaceRoutes(
  app: FastifyInstance,
  ctx: Pick<AppContext, 'logger'>,
  options: WorkspaceOptions = {},
) {
  const distDir = options.distDir ?? WORKSPACE_DIST_DIR;
  const isBuilt = existsSync(join(distDir, 'index.html'));
  if (!isBuilt) ctx.logger.warn({ distDir }, 'workspace build missing');

  void app.register(
    async (workspace) => {
      if (isBuilt) await serveBuiltWorkspace(workspace, distDir);
      else serveMissingBuild(workspace);
    },
    { prefix: '/app' },
  );
}
