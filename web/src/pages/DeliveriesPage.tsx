import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading } from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Deliveries, type DeliveryRecipient } from '../schemas.ts';

const text = messages.deliveries;

const countKeys = ['recipients', 'queued', 'sent', 'failed', 'acknowledged'] as const;

/** Renders the delivery report of one sent alert and reloads it on each acknowledgement. */
export function DeliveriesPage({ alertId }: { alertId: string }) {
  const deliveries = useResource(() =>
    callApi({
      path: `/api/v1/alerts/${encodeURIComponent(alertId)}/deliveries`,
      schema: Deliveries,
    }),
  );

  // TODO: the stream has no event for delivery status changes (queued to sent or failed), so
  // those appear only after Refresh or the next acknowledgement.
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
          {report.recipients.length === 0 ? (
            <p>{text.empty}</p>
          ) : (
            <RecipientTable recipients={report.recipients} />
          )}
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
