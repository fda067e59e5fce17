import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { DOCUMENT_BODY_LIMIT } from '../app/body-limits.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { parseInput } from '../shared/validation.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import {
  DocumentParams,
  DocumentPatchSchema,
  LibraryQuerySchema,
  NewDocumentSchema,
  type DocumentView,
} from './library.schema.ts';
import {
  createDocument,
  editDocument,
  getDocument,
  getDocumentVersions,
  searchLibrary,
} from './library.service.ts';
import { renderMarkdown } from './markdown.ts';

function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, content: SafeHtml) {
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderPage(pageOptions(request, title), content));
}

/** Shows a stored TLP level by its TLP 2.0 label, such as `TLP:GREEN`. */
function versionTlp(tlp: string): string {
  return isTlpLevel(tlp) ? tlpLabel(tlp) : tlp;
}

const tlpOptions = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];

/** Renders the form that adds a document, or edits `doc` when it is given. */
function renderDocumentForm(
  m: Catalogue['library'],
  csrfToken: string | null,
  doc?: DocumentView,
): SafeHtml {
  const current = doc === undefined ? 'GREEN' : tlpLabel(doc.tlp).replace('TLP:', '');
  const options = tlpOptions.map(
    (option) => html`<option ${option === current ? 'selected' : ''}>${option}</option>`,
  );
  const action = doc === undefined ? '/library' : `/library/${doc.id}`;

  return html`<h2>${doc === undefined ? m.addHeading : m.editHeading}</h2>
    <form method="post" action="${action}">
      <input type="hidden" name="_csrf" value="${csrfToken ?? ''}" />
      ${doc === undefined ? '' : html`<input type="hidden" name="baseVersion" value="${doc.version}" />`}
      <label for="doc-title">${m.documentTitle}</label>
      <input id="doc-title" name="title" required maxlength="200" value="${doc?.title ?? ''}" />
      <label for="doc-tags">${m.tags}</label>
      <input id="doc-tags" name="tags" value="${doc?.tags.join(', ') ?? ''}" />
      <label for="doc-tlp">${m.tlp}</label>
      <select id="doc-tlp" name="tlp">
        ${options}
      </select>
      <label for="doc-body">${m.body}</label>
      <textarea id="doc-body" name="body" rows="12" cols="80" required>${doc?.body ?? ''}</textarea>
      <p><button type="submit">${doc === undefined ? m.add : m.saveVersion}</button></p>
    </form>`;
}

/** Converts the fields of the document form into the JSON body the API takes. */
function formToDocument(body: Record<string, unknown>) {
  const tags = typeof body.tags === 'string' ? body.tags.split(',').filter((t) => t.trim()) : [];

  return { title: body.title, body: body.body, tlp: body.tlp, tags };
}

/** Registers the API and pages of the guidance library. */
export function registerLibraryRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/api/v1/library', { bodyLimit: DOCUMENT_BODY_LIMIT }, async (request, reply) => {
    const principal = requirePrincipal(request);
    const input = parseInput(NewDocumentSchema, request.body ?? {}, 'document');

    return reply.status(201).send(await createDocument(ctx, principal, input));
  });

  app.get('/api/v1/library', async (request) => {
    const query = parseInput(LibraryQuerySchema, request.query, 'query');

    return { documents: await searchLibrary(ctx, request.principal, query) };
  });

  app.get('/api/v1/library/:id', async (request) => {
    const { id } = parseInput(DocumentParams, request.params, 'path');

    return getDocument(ctx, request.principal, id);
  });

  app.patch('/api/v1/library/:id', { bodyLimit: DOCUMENT_BODY_LIMIT }, async (request) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(DocumentParams, request.params, 'path');
    const patch = parseInput(DocumentPatchSchema, request.body ?? {}, 'document');

    return editDocument(ctx, principal, id, patch);
  });

  app.get('/api/v1/library/:id/versions', async (request) => {
    const { id } = parseInput(DocumentParams, request.params, 'path');

    return { versions: await getDocumentVersions(ctx, request.principal, id) };
  });

  app.get('/library', async (request, reply) => {
    const m = request.messages.library;
    const query = parseInput(LibraryQuerySchema, request.query, 'query');
    const documents = await searchLibrary(ctx, request.principal, query);
    const items = documents.map(
      (doc) =>
        html`<li>
          <a href="/library/${doc.id}">${doc.title}</a>
          <span class="badge">${tlpLabel(doc.tlp)}</span>
          <span class="muted">${doc.tags.join(', ')} · ${m.listVersion(doc.version)}</span>
        </li>`,
    );
    const content = html`<h1>${m.title}</h1>
      <form method="get" action="/library" role="search">
        <label for="library-q">${m.search}</label>
        <input id="library-q" name="q" value="${query.q ?? ''}" />
        <button type="submit">${m.search}</button>
      </form>
      <ul>
        ${items}
      </ul>
      ${request.principal === null ? '' : renderDocumentForm(m, request.csrfToken)}`;

    return sendPage(request, reply, m.title, content);
  });

  app.post('/library', { bodyLimit: DOCUMENT_BODY_LIMIT }, async (request, reply) => {
    const principal = requirePrincipal(request);
    const fields = formToDocument((request.body ?? {}) as Record<string, unknown>);
    const input = parseInput(NewDocumentSchema, fields, 'document');
    const created = await createDocument(ctx, principal, input);

    return reply.redirect(`/library/${created.id}`, 303);
  });

  app.post('/library/:id', { bodyLimit: DOCUMENT_BODY_LIMIT }, async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(DocumentParams, request.params, 'path');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const baseVersion = typeof body.baseVersion === 'string' ? Number(body.baseVersion) : undefined;
    const patch = parseInput(
      DocumentPatchSchema,
      { ...formToDocument(body), baseVersion },
      'document',
    );
    await editDocument(ctx, principal, id, patch);

    return reply.redirect(`/library/${id}`, 303);
  });

  app.get('/library/:id', async (request, reply) => {
    const m = request.messages.library;
    const { id } = parseInput(DocumentParams, request.params, 'path');
    const doc = await getDocument(ctx, request.principal, id);
    const versions = await getDocumentVersions(ctx, request.principal, id);
    const principal = request.principal;
    const canEdit =
      principal !== null &&
      (principal.accountId === doc.authorId || principal.role === 'secretariat');
    const history = versions.map(
      (version) =>
        html`<li>
          ${m.versionLine(version.version, version.editedAt, version.title, versionTlp(version.tlp))}
        </li>`,
    );
    const content = html`<p><span class="badge">${tlpLabel(doc.tlp)}</span></p>
      <h1>${doc.title}</h1>
      <p class="muted">${m.documentMeta(doc.version, doc.updatedAt, doc.tags)}</p>
      <article>${renderMarkdown(doc.body)}</article>
      <h2>${m.versions}</h2>
      <ol>
        ${history}
      </ol>
      <p><a href="/api/v1/library/${doc.id}/versions">${m.allVersions}</a></p>
      ${canEdit ? renderDocumentForm(m, request.csrfToken, doc) : ''}`;

    return sendPage(request, reply, doc.title, content);
  });
}
