import type { FastifyRequest } from 'fastify';

import type { Principal } from '../accounts/principal.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { html, type SafeHtml } from './html.ts';

/** Options for a server-rendered page. */
export interface PageOptions {
  title: string;
  /** Catalogue of the page's language; also sets `<html lang dir>`. */
  catalogue: Catalogue;
  principal?: Principal | null;
  /** CSRF token for forms on the page (the sign-out and language forms need it). */
  csrfToken?: string | null;
  /** Tags of the languages the reader may switch to; the switcher shows when there are two. */
  offeredLocales?: readonly string[];
}

/** The options of a page that come from its request, all but the title. */
export type PageContext = Omit<PageOptions, 'title'>;

/** Returns the page options that a request decides: catalogue, caller, CSRF token, languages. */
export function pageContext(request: FastifyRequest): PageContext {
  return {
    catalogue: request.messages,
    principal: request.principal,
    csrfToken: request.csrfToken,
    offeredLocales: request.offeredLocales,
  };
}

/** Returns the options of a page with this title for a request. */
export function pageOptions(request: FastifyRequest, title: string): PageOptions {
  return { ...pageContext(request), title };
}

/** Returns the name of a language in that language, such as `français` for `fr`. */
function nameLanguage(locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
}

/**
 * Renders the language switcher: a form that posts the chosen tag to `/language`, which keeps
 * it in the `lang` cookie. With a single language there is nothing to choose, so it is hidden.
 */
function languageSwitcher(options: PageOptions): SafeHtml {
  const offered = options.offeredLocales ?? [];
  if (offered.length < 2) return html``;
  const t = options.catalogue.layout;
  const current = options.catalogue.meta.locale;
  const csrfToken = options.csrfToken ?? null;
  const choices = offered.map(
    (locale) =>
      html`<option value="${locale}" lang="${locale}" ${locale === current ? html`selected` : null}>
        ${nameLanguage(locale)}
      </option>`,
  );

  return html`<form class="inline" method="post" action="/language">
    ${
      csrfToken === null || csrfToken === ''
        ? null
        : html`<input type="hidden" name="_csrf" value="${csrfToken}" />`
    }
    <label class="inline" for="language">${t.language}</label>
    <select id="language" name="lang">
      ${choices}
    </select>
    <button type="submit">${t.changeLanguage}</button>
  </form>`;
}

const styles = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0b4f8a; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--ink); margin: 0; background: #fff; }
header.site { display: flex; gap: 1rem; align-items: center; justify-content: space-between;
  padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); }
header.site a { color: var(--accent); }
main { padding: 1rem 1.5rem; max-width: 72rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
caption { text-align: left; font-weight: 600; }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
.muted { color: var(--muted); }
.badge.stale { border-color: #a4000f; color: #a4000f; }
.badge { display: inline-block; padding: 0 .4rem; border: 1px solid var(--line); border-radius: 3px;
  font-size: .85rem; }
form.inline { display: inline; }
label { display: block; margin: .5rem 0 .2rem; font-weight: 600; }
input, select, button { font: inherit; padding: .35rem .5rem; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 3px; cursor: pointer; }
label.inline { display: inline; margin: 0 .25rem 0 0; }
.error { color: #a4000f; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
`;

/** Wraps page content in the site's HTML document. */
export function renderPage(options: PageOptions, content: SafeHtml): string {
  const t = options.catalogue.layout;
  const { locale, direction } = options.catalogue.meta;
  const principal = options.principal ?? null;
  const csrfToken = options.csrfToken ?? null;
  // Only a browser session can sign out, and only with its CSRF token: a caller with an API token
  // has no session, so its pages show no sign-out form.
  const signOut =
    csrfToken === null || csrfToken === ''
      ? html``
      : html`<form class="inline" method="post" action="/signout">
          <input type="hidden" name="_csrf" value="${csrfToken}" />
          <button type="submit">${t.signOut}</button>
        </form>`;
  const nav =
    principal === null
      ? html`<a href="/signin">${t.signIn}</a>`
      : html`<span>${principal.email}</span> <a href="/app/">${t.workspace}</a> ${signOut}`;

  return html`<!doctype html>
    <html lang="${locale}" dir="${direction}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>${options.title} · ${t.siteName}</title>
        <style>
          ${styles}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">${t.skipToContent}</a>
        <header class="site">
          <a href="/"><strong>${t.siteName}</strong></a>
          <nav>${nav} ${languageSwitcher(options)}</nav>
        </header>
        <main id="main">${content}</main>
      </body>
    </html> `.value;
}
