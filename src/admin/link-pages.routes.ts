import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { signIn } from '../accounts/accounts.service.ts';
import type { AppContext } from '../app/context.ts';
import { isSecure, setSessionCookie } from '../auth/auth.routes.ts';
import { announceAccessChange } from '../events/events.service.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { newSecret, safeEqual } from '../shared/crypto.ts';
import { DomainError } from '../shared/errors.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import type { AdminDeps } from './admin.access.ts';
import { PasswordForm } from './admin.schema.ts';
import { acceptInvitation, findInvitationLink } from './invitations.service.ts';
import type { LinkStatus } from './link-status.ts';
import { completePasswordReset, findResetLink } from './password-resets.service.ts';

// Double-submit cookie that protects the password forms, which have no session yet.
const LINK_CSRF_COOKIE = 'parley_link_csrf';

const TokenParams = z.object({ token: z.string().min(1).max(200) });

type FailedStatus = Exclude<LinkStatus, 'valid'>;

type LinkPagesText = Catalogue['admin']['linkPages'];

/** The texts of one kind of link page in one language. */
interface LinkKindText {
  title: string;
  button: string;
  problems: Readonly<Record<FailedStatus, string>>;
}

/** One kind of one-time link page: its address, texts and the service calls behind it. */
interface LinkKind {
  path: '/invite' | '/reset';
  /** Returns the page's texts from the catalogue of the request's language. */
  text(m: LinkPagesText): LinkKindText;
  /** Returns the link's status and, while it is valid, the introduction above the form. */
  describe(
    deps: AdminDeps,
    token: string,
    m: LinkPagesText,
  ): Promise<{ status: LinkStatus; intro: SafeHtml }>;
  /** Uses the link; returns the e-mail to sign in with, or why the link cannot be used. */
  use(deps: AdminDeps, token: string, password: string): Promise<FailedStatus | { email: string }>;
}

const invitationKind: LinkKind = {
  path: '/invite',
  text: (m) => m.invitation,
  async describe(deps, token, m) {
    const { status, invitation } = await findInvitationLink(deps, token);
    if (invitation === undefined) return { status, intro: html`` };
    const role = m.roleNames[invitation.role] ?? invitation.role;

    return {
      status,
      intro: html`<p>${m.invitation.invited(role, invitation.state_code)}</p>
        <p>${m.invitation.choosePassword} <strong>${invitation.email}</strong>.</p>`,
    };
  },
  async use(deps, token, password) {
    const result = await acceptInvitation(deps, token, password);

    return result.status === 'accepted' ? { email: result.account.email } : result.status;
  },
};

const resetKind: LinkKind = {
  path: '/reset',
  text: (m) => m.reset,
  async describe(deps, token, m) {
    const { status } = await findResetLink(deps, token);

    return { status, intro: html`<p>${m.reset.intro}</p>` };
  },
  async use(deps, token, password) {
    const result = await completePasswordReset(deps, token, password);

    return result.status === 'changed' ? { email: result.email } : result.status;
  },
};

function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, content: SafeHtml) {
  // The address contains a one-time token: keep it out of caches and out of Referer headers.
  return reply
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(renderPage(pageOptions(request, title), content));
}

function sendProblemPage(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: LinkKind,
  status: FailedStatus,
) {
  request.log.debug({ path: kind.path, status }, 'one-time link rejected');
  const text = kind.text(request.messages.admin.linkPages);
  const content = html`<h1>${text.title}</h1>
    <p role="alert">${text.problems[status]}</p>`;

  return sendPage(request, reply.status(status === 'unknown' ? 404 : 410), text.title, content);
}

interface FormOptions {
  token: string;
  intro: SafeHtml;
  errors?: string[];
}

function sendForm(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  kind: LinkKind,
  options: FormOptions,
) {
  const m = request.messages.admin.linkPages;
  const text = kind.text(m);
  const csrf = newSecret();
  void reply.setCookie(LINK_CSRF_COOKIE, csrf, {
    path: kind.path,
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecure(ctx),
  });
  const errors = options.errors ?? [];
  const alert =
    errors.length === 0
      ? null
      : html`<ul class="error" role="alert">
          ${errors.map((error) => html`<li>${error}</li>`)}
        </ul>`;
  const content = html`<h1>${text.title}</h1>
    ${options.intro} ${alert}
    <form method="post" action="${kind.path}/${encodeURIComponent(options.token)}">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <label for="password">${m.newPassword}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="new-password"
        minlength="12"
        required
      />
      <label for="confirm">${m.repeatPassword}</label>
      <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
      <p><button type="submit">${text.button}</button></p>
    </form>`;

  return sendPage(request, reply, text.title, content);
}

function readToken(request: FastifyRequest): string {
  const params = TokenParams.safeParse(request.params);

  // A malformed token cannot match any stored hash; it gets the page of an unknown link.
  return params.success ? params.data.token : '';
}

function registerLinkKind(
  app: FastifyInstance,
  ctx: AppContext,
  deps: (request: FastifyRequest) => AdminDeps,
  kind: LinkKind,
) {
  app.get(`${kind.path}/:token`, async (request, reply) => {
    const m = request.messages.admin.linkPages;
    const token = readToken(request);
    const { status, intro } = await kind.describe(deps(request), token, m);
    if (status !== 'valid') return sendProblemPage(request, reply, kind, status);
    if (request.principal !== null) {
      const { title } = kind.text(m);
      const content = html`<h1>${title}</h1>
        <p>${m.signedIn(request.principal.email)}</p>`;
      return sendPage(request, reply.status(409), title, content);
    }

    return sendForm(request, reply, ctx, kind, { token, intro });
  });

  app.post(`${kind.path}/:token`, async (request, reply) => {
    const m = request.messages.admin.linkPages;
    const token = readToken(request);
    const { status, intro } = await kind.describe(deps(request), token, m);
    if (status !== 'valid') return sendProblemPage(request, reply, kind, status);

    const body: unknown = request.body ?? {};
    const submittedCsrf = (body as { _csrf?: unknown })._csrf;
    const expected = request.cookies[LINK_CSRF_COOKIE] ?? '';
    const isCsrfValid =
      expected !== '' && typeof submittedCsrf === 'string' && safeEqual(expected, submittedCsrf);
    if (!isCsrfValid) {
      request.log.debug({ path: kind.path }, 'link form csrf check failed');
      const errors = [m.formExpired];
      return sendForm(request, reply.status(403), ctx, kind, { token, intro, errors });
    }
    const form = PasswordForm.safeParse(body);
    if (!form.success) {
      const errors = form.error.issues.map((issue) => describeFormIssue(m, issue));
      return sendForm(request, reply.status(422), ctx, kind, { token, intro, errors });
    }

    return completeLink(request, reply, ctx, deps(request), kind, token, form.data.password);
  });
}

/**
 * Describes one problem of the password form with catalogue text, chosen by the zod issue code,
 * because the schema's own messages are English.
 */
function describeFormIssue(m: LinkPagesText, issue: z.core.$ZodIssue): string {
  const field = String(issue.path[0] ?? '');
  const problems = m.formProblems;
  let problem: string = problems.invalid;
  if (issue.code === 'invalid_type') problem = problems.missing;
  if (issue.code === 'too_small') problem = problems.tooShort(Number(issue.minimum));
  if (issue.code === 'too_big') problem = problems.tooLong(Number(issue.maximum));
  if (issue.code === 'custom' && field === 'confirm') problem = problems.mismatch;
  if (issue.code === 'custom' && field === 'password') problem = problems.guessable;

  return m.fieldError(m.formFields[field] ?? field, problem);
}

async function completeLink(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  deps: AdminDeps,
  kind: LinkKind,
  token: string,
  password: string,
) {
  let result: Awaited<ReturnType<LinkKind['use']>>;
  try {
    result = await kind.use(deps, token, password);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'conflict') throw error;
    request.log.debug({ path: kind.path, detail: error.message }, 'one-time link conflict');
    const m = request.messages.admin.linkPages;
    const { title } = kind.text(m);
    const content = html`<h1>${title}</h1>
      <p role="alert">${m.conflict(error.detail(request.messages))}</p>`;
    return sendPage(request, reply.status(409), title, content);
  }
  if (typeof result === 'string') return sendProblemPage(request, reply, kind, result);

  const session = await signIn(ctx, result.email, password);
  if (session === null) throw new Error('Sign-in failed right after the password was set');
  request.log.info({ userId: session.principal.accountId }, 'signed in');
  // A password reset ended the account's other sessions, so their open live streams close.
  await announceAccessChange(ctx, session.principal.accountId);
  void reply.clearCookie(LINK_CSRF_COOKIE, { path: kind.path });
  setSessionCookie(reply, ctx, session.sessionId);

  return reply.redirect('/app/', 303);
}

/** Registers the pages behind the one-time links of invitation and password-reset mails. */
export function registerLinkPageRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  deps: (request: FastifyRequest) => AdminDeps,
) {
  registerLinkKind(app, ctx, deps, invitationKind);
  registerLinkKind(app, ctx, deps, resetKind);
}
