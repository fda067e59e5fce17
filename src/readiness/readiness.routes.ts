import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import { requirePrincipal } from '../auth/auth.hooks.ts';
import { renderBarChart } from '../checks/svg-charts.ts';
import { processMessages, type Catalogue } from '../i18n/messages.ts';
import { parseInput } from '../shared/validation.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import {
  getOverallReadiness,
  getStateReadiness,
  type StateReadiness,
} from './readiness.service.ts';

const StateParams = z.object({
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
    .transform((code) => code.toUpperCase()),
});

function sendPage(request: FastifyRequest, reply: FastifyReply, title: string, content: SafeHtml) {
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderPage(pageOptions(request, title), content));
}

function trendChart(
  c: Catalogue,
  title: string,
  trend: readonly { at: string; rate: number }[],
): SafeHtml {
  const formatRate = c.checks.rate;
  const bars = trend.map((point) => ({
    label: point.at.slice(0, 10),
    value: point.rate,
    caption: formatRate(point.rate),
  }));

  return bars.length === 0
    ? html`<p>${c.readiness.noClosedCheck}</p>`
    : renderBarChart(title, bars);
}

function renderState(c: Catalogue, state: StateReadiness): SafeHtml {
  const m = c.readiness;
  const formatRate = c.checks.rate;
  const bars = [
    {
      label: m.levelsDesignated,
      value: state.levelsDesignated / 3,
      caption: m.ofLevels(state.levelsDesignated),
    },
    {
      label: m.levelsWithAlternate,
      value: state.levelsWithAlternate / 3,
      caption: m.ofLevels(state.levelsWithAlternate),
    },
    { label: m.freshEntries, value: state.freshness ?? 0, caption: formatRate(state.freshness) },
    {
      label: m.lastCheckAnswered,
      value: state.lastCheckRate ?? 0,
      caption: formatRate(state.lastCheckRate),
    },
  ];

  return html`<h1>${m.stateTitle(state.name)}</h1>
    <p>${m.indexLine(formatRate(state.index), state.exercisesJoined)}</p>
    ${renderBarChart(m.chartOfState(state.code), bars)}
    ${trendChart(c, m.recentChecks, state.trend)}`;
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
    const m = request.messages.readiness;
    const regionNames = request.messages.checks.regionNames;
    const formatRate = request.messages.checks.rate;
    const overall = await getOverallReadiness(ctx, request.principal);
    const regionBars = Object.entries(overall.byRegion).map(([region, figures]) => ({
      label: regionNames[region] ?? region,
      value: figures.meanIndex ?? 0,
      caption: m.regionCaption(
        formatRate(figures.meanIndex),
        figures.allLevelsDesignated,
        figures.states,
      ),
    }));
    const rows = (overall.perState ?? []).map(
      (state) =>
        html`<tr>
          <th scope="row"><a href="/readiness/${state.code}">${state.name}</a></th>
          <td>${m.levelsCell(state.levelsDesignated)}</td>
          <td>${m.levelsCell(state.levelsWithAlternate)}</td>
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
              ${m.table.caption}
            </caption>
            <thead>
              <tr>
                <th scope="col">${m.table.state}</th>
                <th scope="col">${m.table.levels}</th>
                <th scope="col">${m.table.alternates}</th>
                <th scope="col">${m.table.fresh}</th>
                <th scope="col">${m.table.lastCheck}</th>
                <th scope="col">${m.table.exercises}</th>
                <th scope="col">${m.table.index}</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`;
    const content = html`<h1>${m.title}</h1>
      <ul>
        <li>${m.statesWithAnyPoc(overall.statesWithAnyPoc, overall.states)}</li>
        <li>${m.statesWithAllLevels(overall.statesWithAllLevels)}</li>
        <li>${m.statesWithAlternates(overall.statesWithAlternates)}</li>
        <li>${m.meanFreshness(formatRate(overall.meanFreshness))}</li>
      </ul>
      ${renderBarChart(m.indexByRegion, regionBars)}
      ${trendChart(request.messages, m.recentChecksAllStates, overall.trend)} ${table}`;

    return sendPage(request, reply, m.title, content);
  });

  app.get('/readiness/:state', async (request, reply) => {
    const principal = requirePrincipal(request);
    const { state } = parseInput(StateParams, request.params, 'path');
    const readiness = await getStateReadiness(ctx, principal, state);

    const title = request.messages.readiness.stateTitle(readiness.name);

    return sendPage(request, reply, title, renderState(request.messages, readiness));
  });
}
