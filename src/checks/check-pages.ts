import { html, type SafeHtml } from '../web/html.ts';
import type { getCheckResults, StateOutcome } from './check-results.service.ts';
import type { CheckSummary } from './checks.schema.ts';
import { unRegions } from './checks.schema.ts';
import { formatRate, gridStyles, renderBarChart, renderGrid, type GridCell } from './svg-charts.ts';

type Results = Awaited<ReturnType<typeof getCheckResults>>;

/** English names of the UN regional groups. */
export const regionNames: Record<string, string> = {
  african: 'African Group',
  'asia-pacific': 'Asia-Pacific Group',
  'eastern-european': 'Eastern European Group',
  'latin-american-caribbean': 'Latin American and Caribbean Group',
  'western-european-others': 'Western European and Others Group',
  observer: 'Observer states',
};

const outcomeTone: Record<StateOutcome, GridCell['tone']> = {
  answered: 'good',
  'answered-after-escalation': 'warn',
  unanswered: 'bad',
  pending: 'none',
};

const outcomeText: Record<StateOutcome, string> = {
  answered: 'Answered',
  'answered-after-escalation': 'Answered by an alternate',
  unanswered: 'No answer',
  pending: 'Waiting for an answer',
};

// A region is good from 80% answers, weak from 50%, and poor below.
function rateTone(rate: number | null): GridCell['tone'] {
  if (rate === null) return 'none';
  if (rate >= 0.8) return 'good';
  if (rate >= 0.5) return 'warn';

  return 'bad';
}

/** Banner shown on every page about an exercise check. */
export function exerciseBanner(isExercise: boolean): SafeHtml {
  return isExercise
    ? html`<p class="badge exercise" role="note"><strong>EXERCISE</strong> - not a real check</p>`
    : html``;
}

function rateCaption(rate: { answered: number; recipients: number; rate: number | null }) {
  return `${formatRate(rate.rate)} (${rate.answered} of ${rate.recipients})`;
}

/** Renders the aggregates anyone may see: rates per level and region, with charts. */
export function renderSummary(summary: CheckSummary): SafeHtml {
  const levelBars = Object.entries(summary.byLevel).map(([level, rate]) => ({
    label: level,
    value: rate.rate ?? 0,
    caption: rateCaption(rate),
  }));
  const regionBars = Object.entries(summary.byRegion).map(([region, rate]) => ({
    label: regionNames[region] ?? region,
    value: rate.rate ?? 0,
    caption: rateCaption(rate),
  }));
  const regionCells: GridCell[] = [...unRegions, 'observer']
    .filter((region) => summary.byRegion[region] !== undefined)
    .map((region) => {
      const rate = summary.byRegion[region];
      const value = rate?.rate ?? null;
      const tone = rateTone(value);
      return { label: regionNames[region] ?? region, tone, detail: rate ? rateCaption(rate) : '' };
    });
  const median =
    summary.medianMinutesToAnswer === null ? '–' : `${summary.medianMinutesToAnswer} minutes`;
  const { overall } = summary;

  return html`<section aria-labelledby="summary-heading">
    <h2 id="summary-heading">Aggregate results</h2>
    <dl>
      <dt>Response rate</dt>
      <dd data-testid="overall-rate">${rateCaption(overall)}</dd>
      <dt>Median time to answer</dt>
      <dd>${median}</dd>
      <dt>Delivered, opened, escalations</dt>
      <dd>
        ${overall.delivered} delivered, ${overall.opened} opened, ${overall.escalations} escalated
      </dd>
    </dl>
    ${renderBarChart('Response rate per level', levelBars)}
    ${renderBarChart('Response rate per UN regional group', regionBars)} ${gridStyles}
    ${renderGrid('Regions', regionCells)}
    <p><a href="/api/v1/checks/${summary.id}/summary.csv">Download the aggregates as CSV</a></p>
  </section>`;
}

/** Renders the recipient rows and the grid of states for the secretariat or one state. */
export function renderResults(results: Results): SafeHtml {
  const cells: GridCell[] = Object.entries(results.states).map(([state, outcome]) => ({
    label: state,
    tone: outcomeTone[outcome],
    detail: outcomeText[outcome],
  }));
  const rows = results.recipients.map(
    (row) =>
      html`<tr>
        <td>${row.stateCode}</td>
        <td>${row.level}</td>
        <td>${row.contactRole}${row.isEscalation ? ' (escalation)' : ''}</td>
        <td>${row.email}</td>
        <td>${row.deliveredAt ?? (row.deliveryFailedAt === null ? '–' : 'failed')}</td>
        <td>${row.openedAt ?? '–'}</td>
        <td>${row.answeredAt ?? '–'} ${row.answeredVia === null ? '' : `(${row.answeredVia})`}</td>
        <td>${row.remindersSent}</td>
        <td>${row.escalatedAt ?? '–'}</td>
      </tr>`,
  );

  return html`<section aria-labelledby="results-heading">
    <h2 id="results-heading">Results per recipient</h2>
    ${gridStyles} ${renderGrid('States', cells)}
    <table>
      <caption>
        Recipients
      </caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Level</th>
          <th scope="col">Role</th>
          <th scope="col">E-mail</th>
          <th scope="col">Delivered</th>
          <th scope="col">Opened</th>
          <th scope="col">Answered</th>
          <th scope="col">Reminders</th>
          <th scope="col">Escalated</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    <p><a href="/api/v1/checks/${results.id}/results.csv">Download these results as CSV</a></p>
  </section>`;
}

/** Renders the form that starts a check. */
export function renderNewCheckForm(csrfToken: string | null): SafeHtml {
  return html`<form method="post" action="/checks">
    <input type="hidden" name="_csrf" value="${csrfToken ?? ''}" />
    <label for="check-title">Title</label>
    <input id="check-title" name="title" required maxlength="200" />
    <label for="check-states">States (ISO codes separated by commas; empty for all)</label>
    <input id="check-states" name="states" placeholder="FR, DE, JP" />
    <label for="check-levels">Levels</label>
    <select id="check-levels" name="levels" multiple>
      <option value="diplomatic">Diplomatic</option>
      <option value="policy">Policy</option>
      <option value="technical">Technical</option>
    </select>
    <label for="check-regions">UN regional groups</label>
    <select id="check-regions" name="regions" multiple>
      ${unRegions.map((region) => html`<option value="${region}">${regionNames[region]}</option>`)}
    </select>
    <label for="check-window">Response window in minutes</label>
    <input id="check-window" name="windowMinutes" type="number" min="5" value="1440" required />
    <label for="check-reminders">Reminders, in minutes before the window closes (commas)</label>
    <input id="check-reminders" name="reminderMinutes" placeholder="60, 10" />
    <label for="check-repeat">Repeat every how many days (empty for once)</label>
    <input id="check-repeat" name="repeatEveryDays" type="number" min="1" max="366" />
    <p><button type="submit">Start check</button></p>
  </form>`;
}
