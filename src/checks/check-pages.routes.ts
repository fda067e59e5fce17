import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { DomainError } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import { exerciseBanner, renderNewCheckForm, renderResults, renderSummary } from './check-pages.ts';
import { getCheckResults, getCheckSummary, listRecentChecks } from './check-results.service.ts';
import { listRecipientsByEmail } from './checks.queries.ts';
import { CheckParams, NewCheckSchema, TokenParams } from './checks.schema.ts';
import {
  answerCheckAsRecipient,
  answerCheckByToken,
  openCheckByToken,
  requireCheckSender,
  startCheck,
} from './checks.service.ts';
import { renderLinkAction } from '../web/link-action.ts';

function statusName(m: Catalogue['checks'], status: string): string {
  return m.statuses[status] ?? status;
}

function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, content: SafeHtml) {
  // Pages can show a personal token or a state's results, so keep them out of shared caches.
  return reply
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(renderPage(pageOptions(request, title), content));
}

/** Splits a form field of comma-separated values, or takes a repeated field as it is. */
function listField(value: unknown, transform: (item: string) => unknown = (item) => item): unknown {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string' || value.trim() === '') return [];

  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(transform);
}

/** Converts the fields of the new-check form into the JSON body the API takes. */
function formToCheck(body: Record<string, unknown>) {
  const toNumber = (item: string) => (/^\d+$/.test(item) ? Number(item) : item);
  const windowMinutes = typeof body.windowMinutes === 'string' ? body.windowMinutes : '';
  const reminders = listField(body.reminderMinutes, toNumber);
  const repeat = typeof body.repeatEveryDays === 'string' ? body.repeatEveryDays.trim() : '';

  return {
    title: body.title,
    states: listField(body.states),
    levels: typeof body.levels === 'string' ? [body.levels] : listField(body.levels),
    regions: typeof body.regions === 'string' ? [body.regions] : listField(body.regions),
    windowMinutes: /^\d+$/.test(windowMinutes) ? Number(windowMinutes) : windowMinutes,
    reminderMinutes: Array.isArray(reminders) ? reminders.map(String).map(toNumber) : reminders,
    ...(repeat === '' ? {} : { repeatEveryDays: toNumber(repeat) }),
  };
}

/**
 * Registers the pages of checks: the personal answer link (GET records the opening only,
 * because mail scanners fetch links; the answer is the POST of its button), the list with the
 * form that starts a check, and the page of one check.
 */
export function registerCheckPageRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/checks/answer/:token', async (request, reply) => {
    const c = request.messages;
    const t = c.checks.pages;
    const { token } = parseInput(TokenParams, request.params, 'link');
    const { check, recipient } = await openCheckByToken(ctx, token);
    const action = renderLinkAction({
      path: `/checks/answer/${encodeURIComponent(token)}`,
      csrfToken: request.csrfToken,
      buttonLabel: t.answerButton,
      doneText: recipient.answered_at === null ? null : t.answeredAt(recipient.answered_at),
    });
    const content = html`${exerciseBanner(c, check.exercise_id !== null)}
      <h1>${t.checkTitle(check.title)}</h1>
      <p>${t.answerIntro(recipient.due_at)}</p>
      ${action}`;

    return sendPage(request, reply, check.title, content);
  });

  app.post('/checks/answer/:token', async (request, reply) => {
    const c = request.messages;
    const t = c.checks.pages;
    const { token } = parseInput(TokenParams, request.params, 'link');
    const result = await answerCheckByToken(ctx, token);
    const content = html`<h1>${t.answerRecorded}</h1>
      <p role="status">${t.answerRecordedAt(result.answeredAt)}</p>`;

    return sendPage(request, reply, t.answerRecorded, content);
  });

  app.get('/checks', async (request, reply) => {
    const c = request.messages;
    const t = c.checks.pages;
    const principal = requirePrincipal(request);
    const checks = await listRecentChecks(ctx, principal);
    const items = checks.map(
      (check) =>
        html`<li>
          <a href="/checks/${check.id}">${check.title}</a> ${check.isExercise ? t.exerciseTag : ''}
          <span class="muted"
            >${t.listMeta(statusName(c.checks, check.status), check.createdAt)}</span
          >
        </li>`,
    );
    const canStart = principal.role === 'secretariat' || principal.role === 'state-editor';
    const content = html`<h1>${t.listTitle}</h1>
      ${
        canStart
          ? html`<h2>${c.checks.form.heading}</h2>
              ${renderNewCheckForm(c, request.csrfToken)}`
          : ''
      }
      <h2>${t.recent}</h2>
      <ul>
        ${items}
      </ul>`;

    return sendPage(request, reply, t.listTitle, content);
  });

  app.post('/checks', async (request, reply) => {
    const principal = requirePrincipal(request);
    const sender = requireCheckSender(principal);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const input = parseInput(NewCheckSchema, formToCheck(body), 'check');
    const created = await startCheck(ctx, sender, input);

    return reply.redirect(`/checks/${created.id}`, 303);
  });

  app.get('/checks/:id', async (request, reply) => {
    const c = request.messages;
    const t = c.checks.pages;
    const { id } = parseInput(CheckParams, request.params, 'path');
    const summary = await getCheckSummary(ctx, id);
    const principal = request.principal;
    const results =
      principal === null
        ? null
        : await getCheckResults(ctx, principal, id).catch((error: unknown) => {
            if (error instanceof DomainError && error.code === 'not_found') return null;
            throw error;
          });
    const own =
      principal === null ? [] : await listRecipientsByEmail(ctx.db, id, principal.emailKey);
    const pending = own.some((row) => row.answered_at === null) && summary.status !== 'closed';
    const answer = pending
      ? html`<form method="post" action="/checks/${id}/answer">
          <input type="hidden" name="_csrf" value="${request.csrfToken ?? ''}" />
          <p>${t.youAreRecipient} <button type="submit">${t.answerButton}</button></p>
        </form>`
      : '';
    const content = html`${exerciseBanner(c, summary.isExercise)}
      <h1>${t.checkTitle(summary.title)}</h1>
      <p class="muted">
        ${t.statusLine(statusName(c.checks, summary.status), summary.createdAt, summary.closesAt)}
      </p>
      ${answer} ${renderSummary(c, summary)} ${results === null ? '' : renderResults(c, results)}`;

    return sendPage(request, reply, summary.title, content);
  });

  app.post('/checks/:id/answer', async (request, reply) => {
    const principal = requirePrincipal(request);
    const { id } = parseInput(CheckParams, request.params, 'path');
    await answerCheckAsRecipient(ctx, principal, id, 'web');

    return reply.redirect(`/checks/${id}`, 303);
  });
}
