import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { regionNames } from '../checks/check-pages.ts';
import { formatRate, renderBarChart } from '../checks/svg-charts.ts';
import { parseInput } from '../shared/validation.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { renderPage } from '../web/layout.ts';
import {
  getOverallReadiness,
  getStateReadiness,
  type StateReadiness,
} from './readiness.service.ts';

const StateParams = z.object({
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .transform((code) => code.toUpperCase()),
});

function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, content: SafeHtml) {
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      renderPage({ title, principal: request.principal, csrfToken: request.csrfToken }, content),
    );
}

function trendChart(title: string, trend: readonly { at: string; rate: number }[]): SafeHtml {
  const bars = trend.map((point) => ({
    label: point.at.slice(0, 10),
    value: point.rate,
    caption: formatRate(point.rate),
  }));

  return bars.length === 0 ? html`<p>No closed check yet.</p>` : renderBarChart(title, bars);
}

function renderState(state: StateReadiness): SafeHtml {
  const bars = [
    {
      label: 'Levels designated',
      value: state.levelsDesignated / 3,
      caption: `${state.levelsDesignated} of 3`,
    },
    {
      label: 'Levels with alternate',
      value: state.levelsWithAlternate / 3,
      caption: `${state.levelsWithAlternate} of 3`,
    },
    { label: 'Fresh entries', value: state.freshness ?? 0, caption: formatRate(state.freshness) },
    {
      label: 'Last check answered',
      value: state.lastCheckRate ?? 0,
      caption: formatRate(state.lastCheckRate),
    },
  ];

  return html`<h1>Readiness of ${state.name}</h1>
    <p>Readiness index ${formatRate(state.index)}; exercises joined: ${state.exercisesJoined}</p>
    ${renderBarChart(`Readiness of ${state.code}`, bars)}
    ${trendChart('Response rate in recent checks', state.trend)}`;
}

/** Registers the readiness dashboard: overall aggregates for anyone, one state for its own. */
export function registerReadinessRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/api/v1/readiness', async (request) => getOverallReadiness(ctx, request.principal));

  app.get('/api/v1/readiness/:state', async (request) => {
    const principal = requirePrincipal(request);
    const { state } = parseInput(StateParams, request.params, 'path');

    return getStateReadiness(ctx, principal, state);
  });

  app.get('/readiness', async (request, reply) => {
    const overall = await getOverallReadiness(ctx, request.principal);
    const regionBars = Object.entries(overall.byRegion).map(([region, figures]) => ({
      label: regionNames[region] ?? region,
      value: figures.meanIndex ?? 0,
      caption: `${formatRate(figures.meanIndex)}; ${figures.allLevelsDesignated} of ${figures.states} with all levels`,
    }));
    const rows = (overall.perState ?? []).map(
      (state) =>
        html`<tr>
          <th scope="row"><a href="/readiness/${state.code}">${state.name}</a></th>
          <td>${state.levelsDesignated}/3</td>
          <td>${state.levelsWithAlternate}/3</td>
          <td>${formatRate(state.freshness)}</td>
          <td>${formatRate(state.lastCheckRate)}</td>
          <td>${state.exercisesJoined}</td>
          <td>${formatRate(state.index)}</td>
        </tr>`,
    );
    const table =
      rows.length === 0
        ? ''
        : html`<table>
            <caption>
              Readiness per state
            </caption>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Levels</th>
                <th scope="col">Alternates</th>
                <th scope="col">Fresh</th>
                <th scope="col">Last check</th>
                <th scope="col">Exercises</th>
                <th scope="col">Index</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`;
    const content = html`<h1>Readiness</h1>
      <ul>
        <li>${overall.statesWithAnyPoc} of ${overall.states} states list at least one PoC</li>
        <li>${overall.statesWithAllLevels} states have all three levels designated</li>
        <li>${overall.statesWithAlternates} states have an alternate at every level</li>
        <li>Mean share of fresh entries: ${formatRate(overall.meanFreshness)}</li>
      </ul>
      ${renderBarChart('Mean readiness index per UN regional group', regionBars)}
      ${trendChart('Response rate in recent checks, all states', overall.trend)} ${table}`;

    return sendPage(request, reply, 'Readiness', content);
  });

  app.get('/readiness/:state', async (request, reply) => {
    const principal = requirePrincipal(request);
    const { state } = parseInput(StateParams, request.params, 'path');
    const readiness = await getStateReadiness(ctx, principal, state);

    return sendPage(request, reply, `Readiness of ${readiness.name}`, renderState(readiness));
  });
}
