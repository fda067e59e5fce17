import { renderBarChart } from '../checks/svg-charts.ts';
import type { Catalogue } from '../i18n/messages.ts';
import { html, renderDataTable, type SafeHtml } from '../web/html.ts';
import type { getAfterActionReport, TimelineEntry } from './after-action.service.ts';
import type { getExercise } from './exercises.service.ts';
import { timelineLabels, timelineScript } from './timeline-script.ts';

/** Mode in which the controller's page follows new timeline entries. */
export type TimelineFollow =
  { mode: 'live'; nonce: string; lastEventId: number } | { mode: 'reload' } | { mode: 'finished' };

type Exercise = Awaited<ReturnType<typeof getExercise>>;
type Report = Awaited<ReturnType<typeof getAfterActionReport>>;

/** Renders the banner at the top and bottom of every exercise page. */
export function renderExerciseBanner(c: Catalogue): SafeHtml {
  const p = c.exercises.pages;

  return html`<p class="badge" role="note"><strong>${p.bannerMark}</strong> ${p.bannerNote}</p>`;
}

function renderTimeline(
  c: Catalogue,
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
  const m = c.exercises;
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
      data-labels="${JSON.stringify(timelineLabels(c))}"
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
  c: Catalogue,
  exercise: Exercise,
  timeline: readonly TimelineEntry[],
  csrfToken: string | null,
  follow: TimelineFollow,
): SafeHtml {
  const p = c.exercises.pages;
  const injects = exercise.injects.map((inject) => {
    const action =
      inject.releasedAt === null && exercise.status === 'running'
        ? html`<form
            class="inline"
            method="post"
            action="/exercises/${exercise.id}/injects/${inject.id}/release"
          >
            <input type="hidden" name="_csrf" value="${csrfToken ?? ''}" />
            <button type="submit">${p.releaseNow}</button>
          </form>`
        : html`<span class="muted"
            >${inject.releasedAt === null ? p.notReleased : p.releasedAt(inject.releasedAt)}</span
          >`;
    return html`<tr>
      <td>${p.offset(inject.offsetMinutes)}</td>
      <td>${p.injectKinds[inject.kind] ?? inject.kind}</td>
      <td>${inject.title}</td>
      <td>${action}</td>
    </tr>`;
  });

  return html`${renderExerciseBanner(c)}
    <h1>${exercise.title}</h1>
    <p class="muted">
      ${p.statusLine(p.statuses[exercise.status] ?? exercise.status, exercise.states)}
    </p>
    <p>${exercise.scenario}</p>
    ${renderDataTable(p.injects, [p.when, p.kind, p.title, p.release], injects)}
    <h2>${p.timelineHeading}</h2>
    ${renderTimeline(c, exercise, timeline, follow)}
    <p><a href="/exercises/${exercise.id}/report">${p.reportLink}</a></p>`;
}

/** Renders the printable after-action report with its charts. */
export function renderReportPage(c: Catalogue, report: Report): SafeHtml {
  const p = c.exercises.pages;
  const levelNames = c.checks.levels;
  const formatRate = c.checks.rate;
  const banner = renderExerciseBanner(c);
  const levelBars = Object.entries(report.byLevel).map(([level, figures]) => {
    const rate = figures.participants === 0 ? null : figures.reached / figures.participants;
    return {
      label: levelNames[level] ?? level,
      value: rate ?? 0,
      caption: p.reachedCaption(formatRate(rate), figures.reached, figures.participants),
    };
  });
  const timeBars = Object.entries(report.byLevel).map(([level, figures]) => ({
    label: levelNames[level] ?? level,
    value: figures.medianMinutesToRespond ?? 0,
    caption:
      figures.medianMinutesToRespond === null
        ? p.noResponse
        : p.minutes(figures.medianMinutesToRespond),
  }));
  const maxMinutes = Math.max(1, ...timeBars.map((bar) => bar.value));
  const rows = report.results.map(
    (row) =>
      html`<tr>
        <td>${row.stateCode}</td>
        <td>${levelNames[row.level] ?? row.level}</td>
        <td>${row.email}</td>
        <td>${p.injectWithKind(row.inject, p.injectKinds[row.kind] ?? row.kind)}</td>
        <td>${row.minutesToAcknowledge ?? '–'}</td>
        <td>${row.minutesToRespond ?? '–'}</td>
      </tr>`,
  );
  const gaps = report.gaps.map(
    (gap) =>
      html`<li>
        <strong>${c.exercises.gaps.kinds[gap.kind]}</strong> ${gap.stateCode} ${gap.level ?? ''}:
        ${gap.detail}
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
    ${banner}
    <h1>${p.reportTitle(report.title)}</h1>
    <p class="muted">${p.reportDates(report.startedAt, report.endedAt)}</p>
    <p>${p.statesReached(report.reachedStates, report.states)}</p>
    ${renderBarChart(p.respondedByLevel, levelBars)}
    ${renderBarChart(p.medianByLevel, timeBars, maxMinutes)}
    ${renderDataTable(p.timesCaption, [p.state, p.level, p.email, p.inject, p.toAcknowledge, p.toRespond], rows)}
    <h2>${p.gapsHeading}</h2>
    <ul>
      ${gaps}
    </ul>
    ${banner}`;
}
