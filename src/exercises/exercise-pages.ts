import { formatRate, renderBarChart } from '../checks/svg-charts.ts';
import { messages } from '../i18n/messages.ts';
import { html, type SafeHtml } from '../web/html.ts';
import type { getAfterActionReport, TimelineEntry } from './after-action.service.ts';
import type { getExercise } from './exercises.service.ts';
import { timelineLabels, timelineScript } from './timeline-script.ts';

const m = messages.exercises;

/** How the controller's page follows new timeline entries. */
export type TimelineFollow =
  { mode: 'live'; nonce: string; lastEventId: number } | { mode: 'reload' } | { mode: 'finished' };

type Exercise = Awaited<ReturnType<typeof getExercise>>;
type Report = Awaited<ReturnType<typeof getAfterActionReport>>;

/** Banner at the top and bottom of every exercise page. */
export const exerciseBanner = html`<p class="badge" role="note">
  <strong>EXERCISE</strong> - everything on this page belongs to a drill
</p>`;

function renderTimeline(
  exercise: Exercise,
  timeline: readonly TimelineEntry[],
  follow: TimelineFollow,
): SafeHtml {
  const entries = timeline.map(
    (entry) =>
      html`<li>
        <time>${entry.at}</time> ${entry.stateCode === null ? '' : `[${entry.stateCode}]`}
        ${entry.text}
      </li>`,
  );
  const reload = html`<p><a href="/exercises/${exercise.id}">${m.reload}</a></p>`;
  if (follow.mode !== 'live') {
    return html`<ol id="exercise-timeline" aria-live="polite">
        ${entries}
      </ol>
      ${
        follow.mode === 'reload'
          ? html`<p class="muted">${m.notLive}</p>
              ${reload}`
          : ''
      }`;
  }

  // Without JavaScript the list stays as rendered, and the link reloads it.
  return html`<p class="muted">${m.liveTimeline}</p>
    <ol
      id="exercise-timeline"
      aria-live="polite"
      data-exercise-id="${exercise.id}"
      data-last-event-id="${follow.lastEventId}"
      data-labels="${JSON.stringify(timelineLabels())}"
    >
      ${entries}
    </ol>
    ${reload}
    <script nonce="${follow.nonce}">
      ${timelineScript};
    </script>`;
}

/**
 * Renders the controller's page: injects with release buttons and the timeline, which follows
 * new entries live for the exercise's controller while it runs.
 */
export function renderControllerPage(
  exercise: Exercise,
  timeline: readonly TimelineEntry[],
  csrfToken: string | null,
  follow: TimelineFollow,
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
    ${renderTimeline(exercise, timeline, follow)}
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
