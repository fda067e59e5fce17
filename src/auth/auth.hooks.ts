import type { FastifyInstance, FastifyRequest } from 'fastify';

import { authenticateToken, resolveSession } from '../accounts/accounts.service.ts';
import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { safeEqual } from '../shared/crypto.ts';
import { normaliseEmail } from '../shared/email.ts';
import { DomainError } from '../shared/errors.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'parley_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, or null for the public. */
    principal: Principal | null;
    /** Means by which the caller authenticated. */
    authVia: 'session' | 'token' | null;
    /** CSRF token of the caller's session, null without a session. */
    csrfToken: string | null;
    /** Expiry time (ISO 8601) of the caller's session, null without a session. */
    sessionExpiresAt: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// RFC 9110 §11.4: an auth scheme, one or more spaces, then one token68 value and nothing else.
const AUTHORIZATION = /^([!#$%&'*+.^_`|~\w-]+) +([\w.~+/-]+=*)$/;

async function principalFromAuthorization(ctx: AppContext, header: string) {
  const match = AUTHORIZATION.exec(header.trim());
  if (match === null) {
    throw new DomainError('unauthenticated', (m) => m.problems.http.authorizationMalformed);
  }
  const scheme = match[1] ?? '';
  const value = match[2] ?? '';
  if (scheme.toLowerCase() === 'bearer') return authenticateToken(ctx, value);
  if (scheme.toLowerCase() !== 'basic') return null;

  // HTTP Basic: the user name is the account's e-mail, the password one of its API tokens.
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const principal = await authenticateToken(ctx, decoded.slice(colon + 1));
  const emailKey = normaliseEmail(decoded.slice(0, colon));

  return principal !== null && principal.emailKey === emailKey ? principal : null;
}

/**
 * Resolves the caller of every request from the `Authorization` header (Bearer or Basic) or the
 * session cookie, and rejects cookie-authenticated unsafe requests without the session's CSRF
 * token. A wrong credential is a 401, never a silent fall back to the public.
 */
export function registerAuthHooks(app: FastifyInstance, ctx: AppContext) {
  app.decorateRequest('principal', null);
  app.decorateRequest('authVia', null);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionExpiresAt', null);

  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined && authorization !== '') {
      const principal = await principalFromAuthorization(ctx, authorization);
      if (principal === null) {
        throw new DomainError('unauthenticated', (m) => m.problems.http.credentialsInvalid);
      }
      request.principal = principal;
      request.authVia = 'token';
      return;
    }

    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId === undefined || sessionId === '') return;
    const session = await resolveSession(ctx, sessionId);
    if (session === null) return;
    request.principal = session.principal;
    request.authVia = 'session';
    request.csrfToken = session.csrfToken;
    request.sessionExpiresAt = session.expiresAt;
  });

  app.addHook('preHandler', (request, _reply, done) => {
    if (request.authVia !== 'session' || SAFE_METHODS.has(request.method)) {
      done();
      return;
    }
    const given = readCsrfToken(request);
    if (given === null || request.csrfToken === null || !safeEqual(given, request.csrfToken)) {
      done(new DomainError('csrf_failed', (m) => m.problems.http.csrfFailed));
      return;
    }
    removeJsonCsrfField(request);
    done();
  });
}

/**
 * Removes a checked `_csrf` field from a JSON body, so that the route's strict schema receives
 * only its own fields. Form bodies keep it, because the forms' own schemas declare it.
 */
function removeJsonCsrfField(request: FastifyRequest) {
  const body = request.body;
  const isJson = /^application\/([\w.+-]+\+)?json\b/i.test(request.headers['content-type'] ?? '');
  if (!isJson || body === null || typeof body !== 'object' || Array.isArray(body)) return;
  if (Object.hasOwn(body, '_csrf')) delete (body as Record<string, unknown>)._csrf;
}

function readCsrfToken(request: FastifyRequest): string | null {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string' && header !== '') return header;
  const body = request.body as Record<string, unknown> | null | undefined;
  const field = body !== null && typeof body === 'object' ? body._csrf : undefined;

  return typeof field === 'string' ? field : null;
}

/**
 * Resolves the credentials of `request` again and returns true while they still belong to
 * `principal`'s account: the token is not revoked, the session not ended or expired, and the
 * account not suspended. A long-lived response such as the live stream calls it after its start.
 */
export async function isStillAuthenticated(
  ctx: AppContext,
  request: FastifyRequest,
  principal: Principal,
): Promise<boolean> {
  const authorization = request.headers.authorization;
  let current: Principal | null = null;
  if (authorization !== undefined && authorization !== '') {
    current = await principalFromAuthorization(ctx, authorization).catch(() => null);
  } else {
    const sessionId = request.cookies[SESSION_COOKIE];
    const session =
      sessionId === undefined || sessionId === '' ? null : await resolveSession(ctx, sessionId);
    current = session?.principal ?? null;
  }

  return current !== null && current.accountId === principal.accountId;
}

/** Returns the caller, or throws `unauthenticated` for the public. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === null) {
    throw new DomainError('unauthenticated', (m) => m.problems.http.signInRequired);
  }

  return request.principal;
}
