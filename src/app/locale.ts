import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';

import type { Config } from '../config/config.ts';
import { findOfferedLocale } from '../i18n/locale-choice.ts';
import { selectCatalogue, type Catalogue } from '../i18n/messages.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The catalogue of the request's language, negotiated on first read. */
    messages: Catalogue;
    /** Tags of the catalogues that the reader may choose, the server default first. */
    offeredLocales: readonly string[];
  }
}

/** Name of the cookie that keeps the language a reader chose in the language switcher. */
export const LANGUAGE_COOKIE = 'lang';

/** The settings that locale negotiation reads. */
export type LocaleSettings = Pick<Config, 'locale' | 'offeredLocales'>;

/**
 * Chooses the locale of a request, first match wins: the `lang` cookie, then `Accept-Language`
 * (q-values, `*` and the language of a regional tag such as `fr-CH`, parsed by negotiator), then
 * the server default. Only offered locales are chosen.
 */
export function negotiateLocale(
  cookieValue: string | undefined,
  acceptLanguage: string | undefined,
  settings: LocaleSettings,
): string {
  const offered = settings.offeredLocales;
  const chosen = cookieValue === undefined ? null : findOfferedLocale(cookieValue, offered);
  if (chosen !== null) return chosen;

  if (acceptLanguage !== undefined && acceptLanguage !== '') {
    const negotiator = new Negotiator({ headers: { 'accept-language': acceptLanguage } });
    // `*` picks the first offered locale, which is the server default.
    const accepted = negotiator.language(offered);
    if (accepted !== undefined) return accepted;
  }

  return settings.locale;
}

function readLanguageCookie(request: FastifyRequest): string | undefined {
  // Errors raised while routing reach their handler before @fastify/cookie parsed the cookies.
  const cookies = request.cookies as Partial<Record<string, string>> | undefined;

  return cookies?.[LANGUAGE_COOKIE];
}

/** Adds header names to `Vary`, keeping the names already there. */
export function appendVary(reply: FastifyReply, names: readonly string[]) {
  const current = String(reply.getHeader('vary') ?? '');
  const fields = current
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.includes('*')) return;
  const known = new Set(fields.map((field) => field.toLowerCase()));
  const added = names.filter((name) => !known.has(name.toLowerCase()));
  if (added.length === 0) return;

  void reply.header('vary', [...fields, ...added].join(', '));
}

// Responses whose text comes from the request's catalogue.
const LOCALISED_TYPES = /^(text\/html|text\/plain|application\/problem\+json)\b/;

/**
 * Decorates each request with the catalogue of its language (`request.messages`), and marks
 * localised responses with `Content-Language` and `Vary: Accept-Language, Cookie`. A route that
 * sets `Content-Language` itself keeps it.
 */
export function registerLocaleNegotiation(app: FastifyInstance, settings: LocaleSettings) {
  const chosen = new WeakMap<FastifyRequest, Catalogue>();

  app.decorateRequest('messages', {
    getter(this: FastifyRequest): Catalogue {
      const known = chosen.get(this);
      if (known !== undefined) return known;
      const acceptLanguage = this.headers['accept-language'];
      const locale = negotiateLocale(readLanguageCookie(this), acceptLanguage, settings);
      const catalogue = selectCatalogue(locale);
      chosen.set(this, catalogue);

      return catalogue;
    },
  });
  app.decorateRequest('offeredLocales', {
    getter: () => settings.offeredLocales,
  });

  app.addHook('onSend', async (request, reply) => {
    // Requests that failed in routing are built without this decorator and set the header.
    const catalogue = request.messages as Catalogue | undefined;
    if (catalogue === undefined || reply.hasHeader('content-language')) return;
    if (!LOCALISED_TYPES.test(String(reply.getHeader('content-type') ?? ''))) return;

    void reply.header('content-language', catalogue.meta.locale);
    appendVary(reply, ['Accept-Language', 'Cookie']);
  });
}
