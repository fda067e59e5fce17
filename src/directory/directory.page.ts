import type { Principal } from '../accounts/principal.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';
import type { DirectoryPoc, DirectoryState } from './directory.service.ts';
import { pocLevels } from './pocs.schema.ts';

const levelNames = { diplomatic: 'Diplomatic', policy: 'Policy', technical: 'Technical' } as const;

function coverageTable(states: DirectoryState[]): SafeHtml {
  const rows = states.map(
    (state) =>
      html`<tr>
        <th scope="row">
          <a href="#state-${state.code}">${state.name}</a> <span class="muted">${state.code}</span>
        </th>
        ${pocLevels.map((level) =>
          state.levels.includes(level) ? html`<td>Designated</td>` : html`<td class="muted">—</td>`,
        )}
      </tr>`,
  );

  return html`<table>
    <caption>
      Coverage: which levels each state has designated
    </caption>
    <thead>
      <tr>
        <th scope="col">State</th>
        ${pocLevels.map((level) => html`<th scope="col">${levelNames[level]}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function pocRow(poc: DirectoryPoc, showPhone: boolean): SafeHtml {
  const phone = showPhone ? html`<td>${poc.phone ?? '—'}</td>` : null;

  return html`<tr>
    <td>${levelNames[poc.level]}</td>
    <td>${poc.name}</td>
    <td>${poc.designation}</td>
    <td>${poc.organisation}</td>
    <td><a href="mailto:${poc.email}">${poc.email}</a></td>
    ${phone}
  </tr>`;
}

function stateSection(state: DirectoryState, showPhone: boolean): SafeHtml {
  return html`<section id="state-${state.code}">
    <h3>${state.name} <span class="muted">(${state.code})</span></h3>
    <table>
      <thead>
        <tr>
          <th scope="col">Level</th>
          <th scope="col">Name</th>
          <th scope="col">Designation</th>
          <th scope="col">Organisation</th>
          <th scope="col">E-mail</th>
          ${showPhone ? html`<th scope="col">Telephone</th>` : null}
        </tr>
      </thead>
      <tbody>
        ${state.pocs.map((poc) => pocRow(poc, showPhone))}
      </tbody>
    </table>
  </section>`;
}

/** Renders the public directory page; members also see members-only fields. */
export function renderDirectoryPage(
  states: DirectoryState[],
  query: string,
  principal: Principal | null,
  csrfToken: string | null,
): string {
  const showPhone = principal !== null;
  const withPocs = states.filter((state) => state.pocs.length > 0);
  const designatedCount = states.filter((state) => state.levels.length > 0).length;
  const summary =
    query === ''
      ? html`<p>
          ${designatedCount} of ${states.length} states have designated points of contact.
        </p>`
      : html`<p>${states.length} states match “${query}”. <a href="/">Show all</a></p>`;

  const content = html`<h1>Directory of cyber points of contact</h1>
    <form method="get" action="/" role="search">
      <label for="q">Search by state or name</label>
      <input id="q" name="q" type="search" value="${query}" />
      <button type="submit">Search</button>
    </form>
    ${summary}
    <p>Download: <a href="/api/v1/directory">JSON</a> · <a href="/api/v1/directory.csv">CSV</a></p>
    <h2>Points of contact</h2>
    ${withPocs.length === 0 ? html`<p>No points of contact match.</p>` : null}
    ${withPocs.map((state) => stateSection(state, showPhone))}
    <h2>Coverage</h2>
    ${coverageTable(states)}`;

  return renderPage({ title: 'Directory', principal, csrfToken }, content);
}
