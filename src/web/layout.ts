import type { Principal } from '../accounts/principal.ts';
import { messages } from '../i18n/messages.ts';
import { html, type SafeHtml } from './html.ts';

const t = messages.layout;
const { locale, direction } = messages.meta;

/** Options for a server-rendered page. */
export interface PageOptions {
  title: string;
  principal?: Principal | null;
  /** CSRF token for forms on the page (the sign-out form needs it). */
  csrfToken?: string | null;
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
.error { color: #a4000f; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
`;

/** Wraps page content in the site's HTML document. */
export function renderPage(options: PageOptions, content: SafeHtml): string {
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
          <nav>${nav}</nav>
        </header>
        <main id="main">${content}</main>
      </body>
    </html> `.value;
}
