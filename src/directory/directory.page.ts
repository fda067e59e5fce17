import { html, type SafeHtml } from '../web/html.ts';
import { renderPage, type PageContext } from '../web/layout.ts';
import { formatHours } from './directory.csv.ts';
import type { DirectoryPoc, DirectoryState } from './directory.service.ts';
import { formatFingerprint } from './openpgp-key.ts';
import { pocLevels } from './pocs.schema.ts';
import type { Catalogue } from '../i18n/messages.ts';

type DirectoryText = Catalogue['directory'];

function date(m: DirectoryText, value: string | null): string {
  return value === null ? m.never : value.slice(0, 10);
}

function freshness(
  m: DirectoryText,
  item: { lastConfirmedAt: string | null; stale: boolean },
): SafeHtml {
  const badge = item.stale ? html` <span class="badge stale">${m.stale}</span>` : null;

  return html`${date(m, item.lastConfirmedAt)}${badge}`;
}

function coverageTable(m: DirectoryText, states: DirectoryState[]): SafeHtml {
  const rows = states.map(
    (state) =>
      html`<tr>
        <th scope="row">
          ${
            state.pocs.length > 0
              ? html`<a href="#state-${state.code}">${state.name}</a>`
              : state.name
          } <span class="muted">${state.code}</span>
        </th>
        ${pocLevels.map((level) =>
          state.levels.includes(level)
            ? html`<td>${m.designated}</td>`
            : html`<td class="muted">${m.notDesignated}</td>`,
        )}
        <td>${state.pocs.length > 0 ? freshness(m, state) : html`<span class="muted">—</span>`}</td>
      </tr>`,
  );

  return html`<table>
    <caption>
      ${m.coverageCaption}
    </caption>
    <thead>
      <tr>
        <th scope="col">${m.state}</th>
        ${pocLevels.map((level) => html`<th scope="col">${m.levels[level]}</th>`)}
        <th scope="col">${m.lastConfirmed}</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function cell(m: DirectoryText, value: string | null | undefined): SafeHtml {
  if (value === undefined) return html`<td class="muted">${m.membersOnly}</td>`;

  return html`<td>${value === null || value === '' ? '—' : value}</td>`;
}

/** Renders the key cell: fingerprint, expiry, an "Expired" badge and the .asc download. */
function keyCell(m: DirectoryText, poc: DirectoryPoc): SafeHtml {
  if (poc.pgpKey === undefined) return cell(m, undefined);
  if (poc.pgpKey === null || poc.pgpFingerprint == null) return cell(m, null);
  const expiry =
    poc.pgpExpiresAt == null ? m.keyNeverExpires : m.keyExpires(date(m, poc.pgpExpiresAt));
  const badge =
    poc.pgpKeyExpired === true ? html` <span class="badge stale">${m.keyExpired}</span>` : null;

  return html`<td>
    <code>${formatFingerprint(poc.pgpFingerprint)}</code><br />${expiry}${badge}<br />
    <a href="/api/v1/directory/pocs/${poc.id}.asc">${m.downloadKey}</a>
  </td>`;
}

function pocRow(m: DirectoryText, poc: DirectoryPoc, showMembersFields: boolean): SafeHtml {
  const email =
    poc.email === undefined
      ? cell(m, undefined)
      : html`<td><a href="mailto:${poc.email}">${poc.email}</a></td>`;
  const membersCells = showMembersFields
    ? html`${cell(m, poc.phone)}${cell(m, poc.emergencyPhone)}${cell(m, formatHours(poc.hours))}`
    : null;

  return html`<tr>
    <td>${m.levels[poc.level]}${poc.role === 'alternate' ? html` (${m.alternate})` : null}</td>
    ${cell(m, poc.name)}${cell(m, poc.designation)}${cell(m, poc.organisation)}${email}
    ${membersCells}${cell(m, poc.languages?.join(', '))}${cell(m, poc.timeZone)} ${keyCell(m, poc)}
    <td>${freshness(m, poc)}</td>
    <td><a href="/api/v1/directory/pocs/${poc.id}.vcf">${m.vcard}</a></td>
  </tr>`;
}

/**
 * Returns true when the state's telephone and hours columns have something to show: every field to
 * members, and to the public only when the state made a telephone or its hours public.
 */
function hasContactColumns(state: DirectoryState, isMember: boolean): boolean {
  if (isMember) return true;

  return state.pocs.some(
    (poc) => poc.phone !== undefined || poc.emergencyPhone !== undefined || poc.hours !== undefined,
  );
}

function stateSection(m: DirectoryText, state: DirectoryState, isMember: boolean): SafeHtml {
  const showMembersFields = hasContactColumns(state, isMember);
  const membersHeaders = showMembersFields
    ? html`<th scope="col">${m.phone}</th>
        <th scope="col">${m.emergencyPhone}</th>
        <th scope="col">${m.hours}</th>`
    : null;

  return html`<section id="state-${state.code}">
    <h3>${state.name} <span class="muted">(${state.code})</span></h3>
    <p><a href="/api/v1/directory/states/${state.code}.vcf">${m.downloadStateVcards}</a></p>
    <table>
      <thead>
        <tr>
          <th scope="col">${m.level}</th>
          <th scope="col">${m.name}</th>
          <th scope="col">${m.designation}</th>
          <th scope="col">${m.organisation}</th>
          <th scope="col">${m.email}</th>
          ${membersHeaders}
          <th scope="col">${m.languages}</th>
          <th scope="col">${m.timeZone}</th>
          <th scope="col">${m.openpgpKey}</th>
          <th scope="col">${m.lastConfirmed}</th>
          <th scope="col">${m.contactCard}</th>
        </tr>
      </thead>
      <tbody>
        ${state.pocs.map((poc) => pocRow(m, poc, showMembersFields))}
      </tbody>
    </table>
  </section>`;
}

/** A search that could not run: the text as typed (made safe to show) and what is wrong. */
export interface SearchError {
  value: string;
  error: string;
}

function searchForm(
  m: DirectoryText,
  query: string,
  searchError: SearchError | undefined,
): SafeHtml {
  const input =
    searchError === undefined
      ? html`<input id="q" name="q" type="search" value="${query}" />`
      : html`<input
            id="q"
            name="q"
            type="search"
            value="${searchError.value}"
            aria-invalid="true"
            aria-describedby="q-error"
          />
          <p id="q-error" class="error">${m.searchError(searchError.error)}</p>`;

  return html`<form method="get" action="/" role="search">
    <label for="q">${m.searchLabel}</label>
    ${input}
    <button type="submit">${m.search}</button>
  </form>`;
}

/**
 * Renders the public directory page in the language of `page.catalogue`; members also see
 * members-only fields. With `searchError` the search box shows the rejected text and its error,
 * and the page lists the whole directory.
 */
export function renderDirectoryPage(
  states: DirectoryState[],
  query: string,
  page: PageContext,
  searchError?: SearchError,
): string {
  const m = page.catalogue.directory;
  const isMember = (page.principal ?? null) !== null;
  const withPocs = states.filter((state) => state.pocs.length > 0);
  const designatedCount = states.filter((state) => state.levels.length > 0).length;
  const summary =
    query === '' || searchError !== undefined
      ? html`<p>${m.designatedSummary(designatedCount, states.length)}</p>`
      : html`<p>${m.matchSummary(states.length, query)} <a href="/">${m.showAll}</a></p>`;

  const content = html`<h1>${m.title}</h1>
    ${searchForm(m, query, searchError)} ${summary}
    <p>
      ${m.download}: <a href="/api/v1/directory">${m.json}</a> ·
      <a href="/api/v1/directory.csv">${m.csv}</a>
    </p>
    <h2>${m.pointsOfContact}</h2>
    ${withPocs.length === 0 ? html`<p>${m.noMatch}</p>` : null}
    ${withPocs.map((state) => stateSection(m, state, isMember))}
    <h2>${m.coverage}</h2>
    ${coverageTable(m, states)}`;

  return renderPage({ ...page, title: m.pageTitle }, content);
}
