import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading } from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Deliveries, type DeliveryRecipient } from '../schemas.ts';
import { DataTable } from '../tables.tsx';

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
    <DataTable
      caption={text.caption}
      rows={recipients}
      rowKey={(recipient) => recipient.email}
      rowAttributes={(recipient) => ({ 'data-recipient': recipient.email })}
      columns={[
        {
          key: 'email',
          header: columns.email,
          isRowHeader: true,
          cell: (recipient) => recipient.email,
        },
        {
          key: 'state',
          header: columns.state,
          cell: (recipient) => recipient.state ?? messages.none,
        },
        {
          key: 'level',
          header: columns.level,
          cell: (recipient) => recipient.level ?? messages.none,
        },
        {
          key: 'status',
          header: columns.status,
          cell: (recipient) =>
            recipient.failureReason == null
              ? recipient.status
              : text.failedBecause(recipient.failureReason),
        },
        { key: 'attempts', header: columns.attempts, cell: (recipient) => recipient.attempts },
        {
          key: 'sentAt',
          header: columns.sentAt,
          cell: (recipient) => <DateTime iso={recipient.sentAt} />,
        },
        {
          key: 'openedAt',
          header: columns.openedAt,
          cell: (recipient) => <DateTime iso={recipient.openedAt} />,
        },
        {
          key: 'acknowledgedAt',
          header: columns.acknowledgedAt,
          cell: (recipient) => (
            <>
              <DateTime iso={recipient.acknowledgedAt} />
              {recipient.acknowledgedVia != null &&
                ` ${text.acknowledgedVia(recipient.acknowledgedVia)}`}
            </>
          ),
        },
        {
          key: 'channels',
          header: columns.channels,
          cell: (recipient) =>
            recipient.channels.map((channel) => `${channel.channel}: ${channel.status}`).join(', '),
        },
        {
          key: 'escalation',
          header: columns.escalation,
          cell: (recipient) =>
            [
              recipient.remindedAt == null ? null : text.remindedAt(recipient.remindedAt),
              recipient.escalatedAt == null ? null : text.escalatedAt(recipient.escalatedAt),
              recipient.escalatedFrom == null ? null : text.escalatedFrom(recipient.escalatedFrom),
            ]
              .filter((part) => part !== null)
              .join('; '),
        },
      ]}
    />
  );
}

function WebhookTable({ calls }: { calls: WebhookCall[] }) {
  const columns = text.webhookColumns;

  return (
    <DataTable
      caption={text.webhooksCaption}
      rows={calls}
      rowKey={(call) => call.url}
      columns={[
        { key: 'url', header: columns.url, isRowHeader: true, cell: (call) => call.url },
        { key: 'owner', header: columns.owner, cell: (call) => call.owner },
        {
          key: 'status',
          header: columns.status,
          cell: (call) =>
            call.failureReason == null ? call.status : text.failedBecause(call.failureReason),
        },
        { key: 'attempts', header: columns.attempts, cell: (call) => call.attempts },
      ]}
    />
  );
}
