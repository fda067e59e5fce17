import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import type { AppContext } from '../app/context.ts';
import type { Catalogue } from '../i18n/messages.ts';
import type { AlertsTable } from '../db/schema.ts';
import { parseInput } from '../shared/validation.ts';
import { isTlpLevel, tlpLabel } from '../sharing/tlp.ts';
import { html } from '../web/html.ts';
import { pageOptions, renderPage } from '../web/layout.ts';
import { formatSeverity } from './alert-mail.compose.ts';
import { acknowledgeByToken, openAlertByToken } from './alerts.service.ts';
import { renderLinkAction } from '../web/link-action.ts';

const TokenParams = z.object({ token: z.string().min(1).max(200) });

function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  content: ReturnType<typeof html>,
) {
  // The address contains a personal token, so keep it out of caches and out of Referer headers.
  return reply
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(renderPage(pageOptions(request, title), content));
}

function renderAlert(
  c: Catalogue,
  alert: Pick<AlertsTable, 'title' | 'severity' | 'tlp' | 'body' | 'sender_state' | 'created_at'>,
) {
  const m = c.alerts;
  const label = isTlpLevel(alert.tlp) ? tlpLabel(alert.tlp) : alert.tlp;

  return html`<h1>${alert.title}</h1>
    <p>
      <span class="badge">${label}</span>
      <span class="badge">${m.ackPage.severity(formatSeverity(c, alert.severity))}</span>
    </p>
    <p class="muted">
      ${m.ackPage.fromAndSent(alert.sender_state ?? m.theSecretariat, alert.created_at)}
    </p>
    <pre style="white-space: pre-wrap">${alert.body}</pre>`;
}

/**
 * Renders the page of a link that went out in a notice without the alert's content. The link
 * travelled in clear text, so the page shows no title or text either and asks the reader to sign
 * in.
 */
function renderWithheld(c: Catalogue, alert: Pick<AlertsTable, 'tlp'>) {
  const m = c.alerts;
  const label = isTlpLevel(alert.tlp) ? tlpLabel(alert.tlp) : alert.tlp;

  return html`<h1>${m.ackPage.withheldTitle}</h1>
    <p><span class="badge">${label}</span></p>
    <p>${m.ackPage.withheldSignIn}</p>
    <p><a href="/signin?next=/app/inbox">${m.ackPage.signIn}</a></p>`;
}

/**
 * Registers the personal acknowledgement link of alert mails. GET shows the alert and records the
 * opening only, because mail scanners fetch links; acknowledging takes the POST of the button.
 */
export function registerAckPageRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/alerts/ack/:token', async (request, reply) => {
    const m = request.messages.alerts;
    const { token } = parseInput(TokenParams, request.params, 'link');
    const { alert, recipient, contentWithheld } = await openAlertByToken(ctx, token);

    const action = renderLinkAction({
      path: `/alerts/ack/${encodeURIComponent(token)}`,
      csrfToken: request.csrfToken,
      buttonLabel: m.ackPage.acknowledge,
      doneText:
        recipient.acknowledged_at === null
          ? null
          : m.ackPage.alreadyAcknowledged(recipient.acknowledged_at),
    });

    if (contentWithheld) {
      const title = m.ackPage.withheldTitle;
      const content = html`${renderWithheld(request.messages, alert)}${action}`;
      return sendPage(request, reply, title, content);
    }
    const content = html`${renderAlert(request.messages, alert)}${action}`;

    return sendPage(request, reply, alert.title, content);
  });

  app.post('/alerts/ack/:token', async (request, reply) => {
    const m = request.messages.alerts;
    const { token } = parseInput(TokenParams, request.params, 'link');
    const result = await acknowledgeByToken(ctx, token);
    const content = html`<h1>${m.ackPage.acknowledgedTitle}</h1>
      <p role="status">${m.ackPage.acknowledgedStatus(result.acknowledgedAt)}</p>`;

    return sendPage(request, reply, m.ackPage.acknowledgedTitle, content);
  });
}
