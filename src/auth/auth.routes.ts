import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { getAccountSettings, updateAccountSettings } from '../accounts/account-settings.service.ts';
import { SESSION_TTL_MS, signIn, signOut } from '../accounts/accounts.service.ts';
import type { AppContext } from '../app/context.ts';
import { announceAccessChange } from '../events/events.service.ts';
import { newSecret, safeEqual } from '../shared/crypto.ts';
import { html } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import { redirectTargetOr } from '../web/redirect-target.ts';
import { requirePrincipal, SESSION_COOKIE } from './auth.hooks.ts';
import { isSignInThrottled, recordSignInFailure, SIGNIN_WINDOW_MS } from './signin-throttle.ts';

// Double-submit cookie that protects the sign-in form, which has no session yet.
const SIGNIN_CSRF_COOKIE = 'parley_signin_csrf';

// Page opened after sign-in when the form names none, or names one that is not on this server.
const DEFAULT_NEXT = '/app/';

const SignInForm = z.object({
  email: z.string().default(''),
  password: z.string().default(''),
  next: z.string().default(DEFAULT_NEXT),
  _csrf: z.string().default(''),
});

/** Returns true when the public URL is HTTPS, so cookies get the `Secure` attribute. */
export function isSecure(ctx: AppContext) {
  return ctx.config.publicUrl.startsWith('https:');
}

/** Sets the session cookie of a session that `signIn` opened. */
export function setSessionCookie(reply: FastifyReply, ctx: AppContext, sessionId: string) {
  void reply.setCookie(SESSION_COOKIE, sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecure(ctx),
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** Returns the page to open after sign-in: `next` when it is a path on this server. */
function safeNext(ctx: AppContext, next: unknown): string {
  return redirectTargetOr(next, ctx.config.publicUrl, DEFAULT_NEXT);
}

function renderSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  next: string,
  error?: string,
) {
  const t = request.messages.signIn;
  const token = newSecret();
  void reply.setCookie(SIGNIN_CSRF_COOKIE, token, {
    path: '/signin',
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecure(ctx),
  });
  const message = error === undefined ? null : html`<p class="error" role="alert">${error}</p>`;

  return reply.type('text/html; charset=utf-8').send(
    renderPage(
      pageOptions(request, t.title),
      html`<h1>${t.title}</h1>
        ${message}
        <form method="post" action="/signin">
          <input type="hidden" name="_csrf" value="${token}" />
          <input type="hidden" name="next" value="${next}" />
          <label for="email">${t.email}</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
          <label for="password">${t.password}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
          <p><button type="submit">${t.submit}</button></p>
        </form>`,
    ),
  );
}

/** Registers sign-in, sign-out and the `me` endpoints, which read and change the caller's account. */
export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/signin', (request, reply) => {
    const query = request.query as Record<string, unknown>;
    // A rejected `next` is not echoed into the form, so the page never carries it on.
    const next = safeNext(ctx, query.next);

    return renderSignIn(request, reply, ctx, next);
  });

  app.post('/signin', async (request, reply) => {
    const t = request.messages.signIn;
    const parsed = SignInForm.safeParse(request.body ?? {});
    if (!parsed.success) {
      return renderSignIn(request, reply.status(400), ctx, DEFAULT_NEXT, t.invalidForm);
    }
    const form = parsed.data;
    const next = safeNext(ctx, form.next);
    const expected = request.cookies[SIGNIN_CSRF_COOKIE] ?? '';
    if (expected === '' || !safeEqual(expected, form._csrf)) {
      return renderSignIn(request, reply.status(403), ctx, next, t.formExpired);
    }

    if (await isSignInThrottled(ctx, form.email, request.ip)) {
      request.log.warn({ ip: request.ip }, 'sign-in throttled');
      void reply.header('retry-after', String(SIGNIN_WINDOW_MS / 1000));
      return renderSignIn(request, reply.status(429), ctx, next, t.throttled);
    }
    const session = await signIn(ctx, form.email, form.password);
    if (session === null) {
      await recordSignInFailure(ctx, form.email, request.ip);
      request.log.info({ ip: request.ip }, 'sign-in rejected');
      return renderSignIn(request, reply.status(401), ctx, next, t.wrongCredentials);
    }
    request.log.info({ userId: session.principal.accountId }, 'signed in');
    setSessionCookie(reply, ctx, session.sessionId);

    return reply.redirect(next, 303);
  });

  app.post('/signout', async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    const accountId = sessionId === undefined ? null : await signOut(ctx, sessionId);
    if (accountId !== null) await announceAccessChange(ctx, accountId);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });

    return reply.redirect('/', 303);
  });

  app.get('/api/v1/me', async (request) => {
    const principal = requirePrincipal(request);
    const settings = await getAccountSettings(ctx, principal);

    return { ...principal, ...settings, csrfToken: request.csrfToken };
  });

  app.patch('/api/v1/me', async (request) => {
    const principal = requirePrincipal(request);
    const settings = await updateAccountSettings(ctx, principal, request.body ?? {});

    return { ...principal, ...settings, csrfToken: request.csrfToken };
  });
}
