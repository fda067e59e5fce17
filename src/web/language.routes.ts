import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { LANGUAGE_COOKIE } from '../app/locale.ts';
import { findOfferedLocale } from '../i18n/locale-choice.ts';
import type { AppContext } from '../app/context.ts';
import { isSecure } from '../auth/auth.routes.ts';
import { invalidFields } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { redirectTargetOr } from './redirect-target.ts';

const LanguageForm = z.object({ lang: z.string().max(35), _csrf: z.string().optional() });

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Returns the path of the page the form was posted from, when it is on this server; else `/`. */
function returnPath(request: FastifyRequest): string {
  const referer = request.headers.referer;
  if (referer === undefined) return '/';
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return '/';
  }
  if (url.hostname !== request.hostname) return '/';

  return redirectTargetOr(`${url.pathname}${url.search}`, url.origin, '/');
}

/**
 * Registers `POST /language`, the target of the language switcher: it keeps the chosen language
 * in the `lang` cookie for a year and returns to the page the form was on.
 */
export function registerLanguageRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/language', (request, reply) => {
    const form = parseInput(LanguageForm, request.body ?? {}, 'form');
    const locale = findOfferedLocale(form.lang, request.offeredLocales);
    if (locale === null) {
      const offered = request.offeredLocales.join(', ');
      throw invalidFields(
        (m) => m.problems.http.invalidInput.form,
        [{ field: 'lang', message: (m) => m.problems.http.languageNotOffered(offered) }],
      );
    }
    void reply.setCookie(LANGUAGE_COOKIE, locale, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: isSecure(ctx),
      maxAge: ONE_YEAR_SECONDS,
    });

    return reply.redirect(returnPath(request), 303);
  });
}
