import { html } from '../web/html.ts';
import { renderPage, type PageContext } from '../web/layout.ts';
import type { getDirectoryHealth } from './health.service.ts';
import { KEY_EXPIRY_WARNING_DAYS } from './openpgp-key.ts';

type Health = Awaited<ReturnType<typeof getDirectoryHealth>>;

function sortLink(label: string, column: string, current: string) {
  const active = current.replace(/^-/, '') === column;
  const next = active && !current.startsWith('-') ? `-${column}` : column;
  const descending = current.startsWith('-');
  let arrow = '';
  let sorted = 'none';
  if (active) {
    arrow = descending ? ' ▼' : ' ▲';
    sorted = descending ? 'descending' : 'ascending';
  }

  return html`<th scope="col" aria-sort="${sorted}">
    <a href="?sort=${next}">${label}${arrow}</a>
  </th>`;
}

/** Renders the secretariat's directory health page in the language of `page.catalogue`. */
export function renderHealthPage(health: Health, sort: string, page: PageContext) {
  const m = page.catalogue.directory;
  const { counts } = health;
  const rows = health.states.map(
    (state) =>
      html`<tr>
        <th scope="row">${state.name} <span class="muted">${state.code}</span></th>
        <td>${state.missingLevels.map((level) => m.levels[level]).join(', ') || '—'}</td>
        <td>${state.levelsWithoutAlternate.map((level) => m.levels[level]).join(', ') || '—'}</td>
        <td>${state.staleEntries}</td>
        <td>${state.bouncedAddresses.join(', ') || '—'}</td>
        <td>${m.healthKeyCell(state.expiredKeys, state.keysExpiringSoon)}</td>
      </tr>`,
  );
  const content = html`<h1>${m.healthTitle}</h1>
    <ul>
      <li>${m.healthStatesWithoutPoc(counts.statesWithoutAnyPoc, counts.states)}</li>
      <li>${m.healthStatesMissingLevel(counts.statesMissingALevel)}</li>
      <li>${m.healthStatesWithoutAlternate(counts.statesWithoutAlternate)}</li>
      <li>${m.healthStaleEntries(counts.staleEntries)}</li>
      <li>${m.healthBounced(counts.bouncedAddresses)}</li>
      <li>${m.healthExpiredKeys(counts.expiredKeys)}</li>
      <li>${m.healthKeysExpiringSoon(counts.keysExpiringSoon, KEY_EXPIRY_WARNING_DAYS)}</li>
    </ul>
    <table>
      <caption>
        ${m.healthCaption}
      </caption>
      <thead>
        <tr>
          ${sortLink(m.state, 'name', sort)}${sortLink(m.missingLevels, 'missing', sort)}
          ${sortLink(m.withoutAlternate, 'alternates', sort)}${sortLink(m.staleCount, 'stale', sort)}
          ${sortLink(m.bouncedAddresses, 'bounced', sort)}${sortLink(m.openpgpKeys, 'keys', sort)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;

  return renderPage({ ...page, title: m.healthTitle }, content);
}
