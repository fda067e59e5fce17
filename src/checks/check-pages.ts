import type { Catalogue } from '../i18n/messages.ts';
import { html, renderDataTable, type SafeHtml } from '../web/html.ts';
import type { getCheckResults, StateOutcome } from './check-results.service.ts';
import type { CheckSummary } from './checks.schema.ts';
import { pocLevels } from '../directory/pocs.schema.ts';
import { unRegions } from './checks.schema.ts';
import { gridStyles, renderBarChart, renderGrid, type GridCell } from './svg-charts.ts';

type Results = Awaited<ReturnType<typeof getCheckResults>>;

type ChecksText = Catalogue['checks'];

const outcomeTone: Record<StateOutcome, GridCell['tone']> = {
  answered: 'good',
  'answered-after-escalation': 'warn',
  unanswered: 'bad',
  pending: 'none',
};

// A region is good from 80% answers, weak from 50%, and poor below.
function rateTone(rate: number | null): GridCell['tone'] {
  if (rate === null) return 'none';
  if (rate >= 0.8) return 'good';
  if (rate >= 0.5) return 'warn';

  return 'bad';
}

/** Banner shown on every page about an exercise check. */
export function exerciseBanner(c: Catalogue, isExercise: boolean): SafeHtml {
  const m = c.checks;

  return isExercise
    ? html`<p class="badge exercise" role="note">
        <strong>${m.exerciseMark}</strong> ${m.exerciseNote}
      </p>`
    : html``;
}

function rateCaption(
  m: ChecksText,
  rate: { answered: number; recipients: number; rate: number | null },
) {
  return m.rateCaption(rate.rate, rate.answered, rate.recipients);
}

function regionName(m: ChecksText, region: string): string {
  return m.regionNames[region] ?? region;
}

/** Renders the aggregates anyone may see: rates per level and region, with charts. */
export function renderSummary(c: Catalogue, summary: CheckSummary): SafeHtml {
  const m = c.checks;
  const levelBars = Object.entries(summary.byLevel).map(([level, rate]) => ({
    label: m.levels[level] ?? level,
    value: rate.rate ?? 0,
    caption: rateCaption(m, rate),
  }));
  const regionBars = Object.entries(summary.byRegion).map(([region, rate]) => ({
    label: regionName(m, region),
    value: rate.rate ?? 0,
    caption: rateCaption(m, rate),
  }));
  const regionCells: GridCell[] = [...unRegions, 'observer']
    .filter((region) => summary.byRegion[region] !== undefined)
    .map((region) => {
      const rate = summary.byRegion[region];
      const value = rate?.rate ?? null;
      const tone = rateTone(value);
      return { label: regionName(m, region), tone, detail: rate ? rateCaption(m, rate) : '' };
    });
  const t = m.summary;
  const median =
    summary.medianMinutesToAnswer === null ? t.noMedian : t.minutes(summary.medianMinutesToAnswer);
  const { overall } = summary;

  return html`<section aria-labelledby="summary-heading">
    <h2 id="summary-heading">${t.heading}</h2>
    <dl>
      <dt>${t.responseRate}</dt>
      <dd data-testid="overall-rate">${rateCaption(m, overall)}</dd>
      <dt>${t.medianTime}</dt>
      <dd>${median}</dd>
      <dt>${t.deliveryHeading}</dt>
      <dd>${t.delivery(overall.delivered, overall.opened, overall.escalations)}</dd>
    </dl>
    ${renderBarChart(t.rateByLevel, levelBars)} ${renderBarChart(t.rateByRegion, regionBars)}
    ${gridStyles} ${renderGrid(t.regions, regionCells)}
    <p><a href="/api/v1/checks/${summary.id}/summary.csv">${t.downloadCsv}</a></p>
  </section>`;
}

/** Renders the recipient rows and the grid of states for the secretariat or one state. */
export function renderResults(c: Catalogue, results: Results): SafeHtml {
  const m = c.checks;
  const cells: GridCell[] = Object.entries(results.states).map(([state, outcome]) => ({
    label: state,
    tone: outcomeTone[outcome],
    detail: m.outcomes[outcome],
  }));
  const t = m.results;
  const rows = results.recipients.map((row) => {
    const role = m.contactRoles[row.contactRole] ?? row.contactRole;
    const delivered =
      row.deliveredAt ?? (row.deliveryFailedAt === null ? t.notYet : t.deliveryFailed);
    const via =
      row.answeredVia === null
        ? ''
        : t.answeredVia(m.answeredVia[row.answeredVia] ?? row.answeredVia);

    return html`<tr>
      <td>${row.stateCode}</td>
      <td>${m.levels[row.level] ?? row.level}</td>
      <td>${role}${row.isEscalation ? html` ${t.escalation}` : ''}</td>
      <td>${row.email}</td>
      <td>${delivered}</td>
      <td>${row.openedAt ?? t.notYet}</td>
      <td>${row.answeredAt ?? t.notYet} ${via}</td>
      <td>${row.remindersSent}</td>
      <td>${row.escalatedAt ?? t.notYet}</td>
    </tr>`;
  });

  return html`<section aria-labelledby="results-heading">
    <h2 id="results-heading">${t.heading}</h2>
    ${gridStyles} ${renderGrid(t.states, cells)}
    ${renderDataTable(t.caption, [t.state, t.level, t.role, t.email, t.delivered, t.opened, t.answered, t.reminders, t.escalated], rows)}
    <p><a href="/api/v1/checks/${results.id}/results.csv">${t.downloadCsv}</a></p>
  </section>`;
}

/** Renders the form that starts a check. */
export function renderNewCheckForm(c: Catalogue, csrfToken: string | null): SafeHtml {
  const m = c.checks;
  const levelNames = c.directory.levels;
  const t = m.form;
  const levelOptions = pocLevels.map(
    (level) => html`<option value="${level}">${levelNames[level]}</option>`,
  );
  const regionOptions = unRegions.map(
    (region) => html`<option value="${region}">${regionName(m, region)}</option>`,
  );

  return html`<form method="post" action="/checks">
    <input type="hidden" name="_csrf" value="${csrfToken ?? ''}" />
    <label for="check-title">${t.title}</label>
    <input id="check-title" name="title" required maxlength="200" />
    <label for="check-states">${t.states}</label>
    <input id="check-states" name="states" placeholder="${t.statesPlaceholder}" />
    <label for="check-levels">${t.levels}</label>
    <select id="check-levels" name="levels" multiple>
      ${levelOptions}
    </select>
    <label for="check-regions">${t.regions}</label>
    <select id="check-regions" name="regions" multiple>
      ${regionOptions}
    </select>
    <label for="check-window">${t.window}</label>
    <input id="check-window" name="windowMinutes" type="number" min="5" value="1440" required />
    <label for="check-reminders">${t.reminders}</label>
    <input id="check-reminders" name="reminderMinutes" placeholder="${t.remindersPlaceholder}" />
    <label for="check-repeat">${t.repeat}</label>
    <input id="check-repeat" name="repeatEveryDays" type="number" min="1" max="366" />
    <p><button type="submit">${t.submit}</button></p>
  </form>`;
}
