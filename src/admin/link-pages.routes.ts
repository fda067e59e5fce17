import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { signIn } from '../accounts/accounts.service.ts';
import type { AppContext } from '../app/context.ts';
import { isSecure, setSessionCookie } from '../auth/auth.routes.ts';
import { newSecret, safeEqual } from '../shared/crypto.ts';
import { DomainError } from '../shared/errors.ts';
import { toFieldErrors } from '../shared/validation.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';
import type { AdminDeps } from './admin.access.ts';
import { PasswordForm } from './admin.schema.ts';
import { acceptInvitation, findInvitationLink } from './invitations.service.ts';
import type { LinkStatus } from './link-status.ts';
import { completePasswordReset, findResetLink } from './password-resets.service.ts';

// Double-submit cookie that protects the password forms, which have no session yet.
const LINK_CSRF_COOKIE = 'parley_link_csrf';

const TokenParams = z.object({ token: z.string().min(1).max(200) });

type FailedStatus = Exclude<LinkStatus, 'valid'>;

/** One kind of one-time link page: its address, texts and the service calls behind it. */
interface LinkKind {
  path: '/invite' | '/reset';
  title: string;
  button: string;
  problems: Record<FailedStatus, string>;
  /** Returns the link's status and, while it is valid, the introduction above the form. */
  describe(deps: AdminDeps, token: string): Promise<{ status: LinkStatus; intro: SafeHtml }>;
  /** Uses the link; returns the e-mail to sign in with, or why the link cannot be used. */
  use(deps: AdminDeps, token: string, password: string): Promise<FailedStatus | { email: string }>;
}

const roleNames: Record<string, string> = {
  'state-editor': 'a state editor',
  poc: 'a point of contact',
  partner: 'a partner',
};

const invitationKind: LinkKind = {
  path: '/invite',
  title: 'Accept your invitation',
  button: 'Create my account',
  problems: {
    unknown: 'This invitation link is not valid. Check that you copied the whole address.',
    used: 'This invitation was already used. Sign in with the password you chose.',
    expired: 'This invitation has expired. Ask the person who invited you to send a new one.',
    revoked: 'A newer invitation replaced this one. Use the link in the most recent mail.',
  },
  async describe(deps, token) {
    const { status, invitation } = await findInvitationLink(deps, token);
    if (invitation === undefined) return { status, intro: html`` };
    const role = roleNames[invitation.role] ?? invitation.role;
    const of = invitation.state_code === null ? '' : ` of ${invitation.state_code}`;

    return {
      status,
      intro: html`<p>You are invited to Parley as ${role}${of}.</p>
        <p>Choose a password for your account <strong>${invitation.email}</strong>.</p>`,
    };
  },
  async use(deps, token, password) {
    const result = await acceptInvitation(deps, token, password);

    return result.status === 'accepted' ? { email: result.account.email } : result.status;
  },
};

const resetKind: LinkKind = {
  path: '/reset',
  title: 'Choose a new password',
  button: 'Set my password',
  problems: {
    unknown: 'This link is not valid. Check that you copied the whole address.',
    used: 'This link was already used. Sign in with your new password.',
    expired: 'This link has expired. Ask the secretariat or your state editor for a new one.',
    revoked: 'This link no longer works: a newer link was sent, or the account is suspended.',
  },
  async describe(deps, token) {
    const { status } = await findResetLink(deps, token);

    return { status, intro: html`<p>Choose a new password for your Parley account.</p>` };
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
    .send(
      renderPage({ title, principal: request.principal, csrfToken: request.csrfToken }, content),
    );
}

function sendProblemPage(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: LinkKind,
  status: FailedStatus,
) {
  request.log.debug({ path: kind.path, status }, 'one-time link rejected');
  const content = html`<h1>${kind.title}</h1>
    <p role="alert">${kind.problems[status]}</p>`;

  return sendPage(request, reply.status(status === 'unknown' ? 404 : 410), kind.title, content);
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
  const content = html`<h1>${kind.title}</h1>
    ${options.intro} ${alert}
    <form method="post" action="${kind.path}/${encodeURIComponent(options.token)}">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <label for="password">New password (at least 12 characters)</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete="new-password"
        minlength="12"
        required
      />
      <label for="confirm">Repeat the password</label>
      <input id="confirm" name="confirm" type="password" autocomplete="new-password" required />
      <p><button type="submit">${kind.button}</button></p>
    </form>`;

  return sendPage(request, reply, kind.title, content);
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
    const token = readToken(request);
    const { status, intro } = await kind.describe(deps(request), token);
    if (status !== 'valid') return sendProblemPage(request, reply, kind, status);
    if (request.principal !== null) {
      const content = html`<h1>${kind.title}</h1>
        <p>
          You are signed in as ${request.principal.email}. Sign out, then open this link again.
        </p>`;
      return sendPage(request, reply.status(409), kind.title, content);
    }

    return sendForm(request, reply, ctx, kind, { token, intro });
  });

  app.post(`${kind.path}/:token`, async (request, reply) => {
    const token = readToken(request);
    const { status, intro } = await kind.describe(deps(request), token);
    if (status !== 'valid') return sendProblemPage(request, reply, kind, status);

    const body: unknown = request.body ?? {};
    const submittedCsrf = (body as { _csrf?: unknown })._csrf;
    const expected = request.cookies[LINK_CSRF_COOKIE] ?? '';
    const isCsrfValid =
      expected !== '' && typeof submittedCsrf === 'string' && safeEqual(expected, submittedCsrf);
    if (!isCsrfValid) {
      request.log.debug({ path: kind.path }, 'link form csrf check failed');
      const errors = ['The form expired. Please enter your password again.'];
      return sendForm(request, reply.status(403), ctx, kind, { token, intro, errors });
    }
    const form = PasswordForm.safeParse(body);
    if (!form.success) {
      const errors = toFieldErrors(form.error).map((e) => `${e.field}: ${e.message}`);
      return sendForm(request, reply.status(422), ctx, kind, { token, intro, errors });
    }

    return completeLink(request, reply, ctx, deps(request), kind, token, form.data.password);
  });
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
    const content = html`<h1>${kind.title}</h1>
      <p role="alert">${error.message}. Sign in, or ask for a password reset.</p>`;
    return sendPage(request, reply.status(409), kind.title, content);
  }
  if (typeof result === 'string') return sendProblemPage(request, reply, kind, result);

  const session = await signIn(ctx, result.email, password);
  if (session === null) throw new Error('Sign-in failed right after the password was set');
  request.log.info({ userId: session.principal.accountId }, 'signed in');
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
