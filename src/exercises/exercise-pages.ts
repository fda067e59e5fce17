import { formatRate, renderBarChart } from '../checks/svg-charts.ts';
import { html, type SafeHtml } from '../web/html.ts';
import type { getAfterActionReport, TimelineEntry } from './after-action.service.ts';
import type { getExercise } from './exercises.service.ts';

type Exercise = Awaited<ReturnType<typeof getExercise>>;
type Report = Awaited<ReturnType<typeof getAfterActionReport>>;

/** Banner at the top and bottom of every exercise page. */
export const exerciseBanner = html`<p class="badge" role="note">
  <strong>EXERCISE</strong> - everything on this page belongs to a drill
</p>`;

/** Renders the controller's page: injects with release buttons and the live timeline. */
export function renderControllerPage(
  exercise: Exercise,
  timeline: readonly TimelineEntry[],
  csrfToken: string | null,
): SafeHtml {
  const injects = exercise.injects.map((inject) => {
    const action =
      inject.releasedAt === null && exercise.status === 'running'
        ? html`<form
            class="inline"
            method="post"
            action="/exercises/${exercise.id}/injects/${inject.id}/release"
          >
            <input type="hidden" name="_csrf" value="${csrfToken ?? ''}" />
            <button type="submit">Release now</button>
          </form>`
        : html`<span class="muted"
            >${inject.releasedAt === null ? 'not released' : `released ${inject.releasedAt}`}</span
          >`;
    return html`<tr>
      <td>+${inject.offsetMinutes} min</td>
      <td>${inject.kind}</td>
      <td>${inject.title}</td>
      <td>${action}</td>
    </tr>`;
  });
  const entries = timeline.map(
    (entry) =>
      html`<li>
        <time>${entry.at}</time> ${entry.stateCode === null ? '' : `[${entry.stateCode}]`}
        ${entry.text}
      </li>`,
  );

  return html`${exerciseBanner}
    <h1>${exercise.title}</h1>
    <p class="muted">Status ${exercise.status}; states ${exercise.states.join(', ')}</p>
    <p>${exercise.scenario}</p>
    <table>
      <caption>
        Injects
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Kind</th>
          <th scope="col">Title</th>
          <th scope="col">Release</th>
        </tr>
      </thead>
      <tbody>
        ${injects}
      </tbody>
    </table>
    <h2>Timeline</h2>
    <ol aria-live="polite">
      ${entries}
    </ol>
    <p><a href="/exercises/${exercise.id}/report">After-action report</a></p>`;
}

/** Renders the printable after-action report with its charts. */
export function renderReportPage(report: Report): SafeHtml {
  const levelBars = Object.entries(report.byLevel).map(([level, figures]) => ({
    label: level,
    value: figures.participants === 0 ? 0 : figures.reached / figures.participants,
    caption: `${formatRate(figures.participants === 0 ? null : figures.reached / figures.participants)} (${figures.reached} of ${figures.participants})`,
  }));
  const timeBars = Object.entries(report.byLevel).map(([level, figures]) => ({
    label: level,
    value: figures.medianMinutesToRespond ?? 0,
    caption:
      figures.medianMinutesToRespond === null
        ? 'no response'
        : `${figures.medianMinutesToRespond} min`,
  }));
  const maxMinutes = Math.max(1, ...timeBars.map((bar) => bar.value));
  const rows = report.results.map(
    (row) =>
      html`<tr>
        <td>${row.stateCode}</td>
        <td>${row.level}</td>
        <td>${row.email}</td>
        <td>${row.inject} (${row.kind})</td>
        <td>${row.minutesToAcknowledge ?? '–'}</td>
        <td>${row.minutesToRespond ?? '–'}</td>
      </tr>`,
  );
  const gaps = report.gaps.map(
    (gap) =>
      html`<li>
        <strong>${gap.kind}</strong> ${gap.stateCode} ${gap.level ?? ''}: ${gap.detail}
      </li>`,
  );

  return html`<style>
      @media print {
        header.site,
        nav,
        .no-print {
          display: none;
        }
      }
    </style>
    ${exerciseBanner}
    <h1>After-action report: ${report.title}</h1>
    <p class="muted">
      Started ${report.startedAt ?? '–'}; ended ${report.endedAt ?? 'still running'}
    </p>
    <p>
      States reached: ${report.reachedStates.join(', ') || 'none'} of ${report.states.join(', ')}
    </p>
    ${renderBarChart('Participants who responded, per level', levelBars)}
    ${renderBarChart('Median minutes to respond, per level', timeBars, maxMinutes)}
    <table>
      <caption>
        Times per participant (minutes)
      </caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Level</th>
          <th scope="col">E-mail</th>
          <th scope="col">Inject</th>
          <th scope="col">To acknowledge</th>
          <th scope="col">To respond</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <h2>Gaps found</h2>
    <ul>
      ${gaps}
    </ul>
    ${exerciseBanner}`;
}
