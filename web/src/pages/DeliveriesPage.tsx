import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading } from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Deliveries, type DeliveryRecipient } from '../schemas.ts';

type WebhookCall = Deliveries['webhooks'][number];

const text = messages.deliveries;

const countKeys = [
  'recipients',
  'queued',
  'sent',
  'delivered',
  'failed',
  'liveDelivered',
  'opened',
  'acknowledged',
  'reminded',
  'escalated',
  'webhooks',
  'webhooksDelivered',
] as const;

/** Renders the delivery report of one sent alert and reloads it on each live change. */
export function DeliveriesPage({ alertId }: { alertId: string }) {
  const deliveries = useResource(() =>
    callApi({
      path: `/api/v1/alerts/${encodeURIComponent(alertId)}/deliveries`,
      schema: Deliveries,
    }),
  );

  // NOTE: the stream sends `delivery` for delivered, failed, reminded and escalated, not for the
  // short step from queued to sent, which appears with the next change or Refresh.
  useLiveEvent('delivery', (event) => {
    if (event.alertId === alertId) deliveries.reload();
  });
  useLiveEvent('acknowledgement', (event) => {
    if (event.alertId === alertId) deliveries.reload();
  });
  useLiveEvent('resync', () => {
    deliveries.reload();
  });

  const report = deliveries.data;

  return (
    <>
      <PageHeading title={messages.pages.deliveries}>{messages.pages.deliveries}</PageHeading>
      <p>
        {text.alertId} <code className="mono">{alertId}</code>
      </p>
      <p>
        {text.liveHint}{' '}
        <button type="button" className="secondary" onClick={deliveries.reload}>
          {messages.refresh}
        </button>
      </p>
      <ErrorSummary error={deliveries.error} />
      {report === null && deliveries.error === null && <p>{messages.loading}</p>}
      {report !== null && (
        <>
          <h2>{text.countsHeading}</h2>
          <dl className="counts">
            {countKeys.map((key) => (
              <div key={key}>
                <dt>{text.counts[key]}</dt>
                <dd data-count={key}>{report.counts[key]}</dd>
              </div>
            ))}
          </dl>
          {report.exercise && <p className="exercise">{text.exercise}</p>}
          {report.recipients.length === 0 ? (
            <p>{text.empty}</p>
          ) : (
            <RecipientTable recipients={report.recipients} />
          )}
          {report.webhooks.length > 0 && <WebhookTable calls={report.webhooks} />}
        </>
      )}
    </>
  );
}

function RecipientTable({ recipients }: { recipients: DeliveryRecipient[] }) {
  const columns = text.columns;

  return (
    <table>
      <caption>{text.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{columns.email}</th>
          <th scope="col">{columns.state}</th>
          <th scope="col">{columns.level}</th>
          <th scope="col">{columns.status}</th>
          <th scope="col">{columns.attempts}</th>
          <th scope="col">{columns.sentAt}</th>
          <th scope="col">{columns.openedAt}</th>
          <th scope="col">{columns.acknowledgedAt}</th>
          <th scope="col">{columns.channels}</th>
          <th scope="col">{columns.escalation}</th>
        </tr>
      </thead>
      <tbody>
        {recipients.map((recipient) => (
          <tr key={recipient.email} data-recipient={recipient.email}>
            <th scope="row">{recipient.email}</th>
            <td>{recipient.state ?? messages.none}</td>
            <td>{recipient.level ?? messages.none}</td>
            <td>
              {recipient.failureReason == null
                ? recipient.status
                : text.failedBecause(recipient.failureReason)}
            </td>
            <td>{recipient.attempts}</td>
            <td>
              <DateTime iso={recipient.sentAt} />
            </td>
            <td>
              <DateTime iso={recipient.openedAt} />
            </td>
            <td>
              <DateTime iso={recipient.acknowledgedAt} />
              {recipient.acknowledgedVia != null &&
                ` ${text.acknowledgedVia(recipient.acknowledgedVia)}`}
            </td>
            <td>
              {recipient.channels
                .map((channel) => `${channel.channel}: ${channel.status}`)
                .join(', ')}
            </td>
            <td>
              {[
                recipient.remindedAt == null ? null : text.remindedAt(recipient.remindedAt),
                recipient.escalatedAt == null ? null : text.escalatedAt(recipient.escalatedAt),
                recipient.escalatedFrom == null
                  ? null
                  : text.escalatedFrom(recipient.escalatedFrom),
              ]
                .filter((part) => part !== null)
                .join('; ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function WebhookTable({ calls }: { calls: WebhookCall[] }) {
  const columns = text.webhookColumns;

  return (
    <table>
      <caption>{text.webhooksCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{columns.url}</th>
          <th scope="col">{columns.owner}</th>
          <th scope="col">{columns.status}</th>
          <th scope="col">{columns.attempts}</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((call) => (
          <tr key={call.url}>
            <th scope="row">{call.url}</th>
            <td>{call.owner}</td>
            <td>
              {call.failureReason == null ? call.status : text.failedBecause(call.failureReason)}
            </td>
            <td>{call.attempts}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
