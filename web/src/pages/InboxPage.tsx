import { useRef, useState } from 'react';

import { callApi, loadPages, toApiError, type ApiError } from '../api.ts';
import {
  DateTime,
  ErrorSummary,
  PageHeading,
  SeverityBadge,
  StatusMessage,
  TlpBadge,
} from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
import { AlertList, type Alert } from '../schemas.ts';
import { useSession } from '../session.tsx';
import { DataTable, ResourceList } from '../tables.tsx';

const text = messages.inbox;

// Alerts shown at first and added by each "Show older alerts".
const PAGE_SIZE = 100;

function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Renders the alert inbox, which updates live and lets a recipient acknowledge alerts. */
export function InboxPage() {
  const me = useSession();
  // A ref, not state, so that a reload right after "Show older alerts" already requests more.
  const wanted = useRef(PAGE_SIZE);
  const pages = useResource(() =>
    loadPages(
      '/api/v1/alerts',
      AlertList,
      (page) => ({ items: page.alerts, next: page.next }),
      wanted.current,
    ),
  );
  const alerts = {
    ...pages,
    data: pages.data?.items ?? null,
    setData: (update: (current: Alert[] | null) => Alert[] | null) => {
      pages.setData((current) =>
        current === null ? null : { ...current, items: update(current.items) ?? [] },
      );
    },
  };
  const [announcement, setAnnouncement] = useState('');
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [pendingId, setPendingId] = useState<string | null>(null);

  // A new alert is fetched with the whole list, so the order and the fields stay the server's.
  useLiveEvent('alert', (event) => {
    setAnnouncement(text.newAlert(event.title));
    alerts.reload();
  });
  useLiveEvent('acknowledgement', (event) => {
    // Other recipients' acknowledgements do not change this inbox.
    if (!sameEmail(event.email, me.email)) return;
    alerts.setData((current) =>
      (current ?? []).map((alert) =>
        alert.id === event.alertId ? { ...alert, acknowledgedAt: event.acknowledgedAt } : alert,
      ),
    );
  });
  useLiveEvent('resync', () => {
    alerts.reload();
  });

  async function handleAcknowledge(alert: Alert) {
    setPendingId(alert.id);
    setActionError(null);
    try {
      await callApi({
        method: 'POST',
        path: `/api/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge`,
        body: { via: 'web' },
        csrfToken: me.csrfToken,
      });
      setAnnouncement(text.acknowledgedAlert(alert.title));
      alerts.reload();
    } catch (caught) {
      setActionError(toApiError(caught));
    } finally {
      setPendingId(null);
    }
  }

  return (
    <>
      <PageHeading title={messages.pages.inbox}>{messages.pages.inbox}</PageHeading>
      <StatusMessage>{announcement}</StatusMessage>
      <ErrorSummary error={actionError ?? alerts.error} />
      <ResourceList items={alerts.data} error={alerts.error} empty={text.empty}>
        {(items) => (
          <AlertTable
            alerts={items}
            pendingId={pendingId}
            onAcknowledge={(alert) => void handleAcknowledge(alert)}
          />
        )}
      </ResourceList>
      {pages.data?.hasMore === true && (
        <button
          type="button"
          onClick={() => {
            wanted.current += PAGE_SIZE;
            pages.reload();
          }}
        >
          {text.showOlder}
        </button>
      )}
    </>
  );
}

function AlertTable({
  alerts,
  pendingId,
  onAcknowledge,
}: {
  alerts: Alert[];
  pendingId: string | null;
  onAcknowledge: (alert: Alert) => void;
}) {
  return (
    <DataTable
      caption={text.caption}
      rows={alerts}
      rowKey={(alert) => alert.id}
      rowAttributes={(alert) => ({ 'data-alert-id': alert.id })}
      columns={[
        {
          key: 'severity',
          header: text.columns.severity,
          cell: (alert) => <SeverityBadge level={alert.severity} />,
        },
        { key: 'tlp', header: text.columns.tlp, cell: (alert) => <TlpBadge tlp={alert.tlp} /> },
        {
          key: 'title',
          header: text.columns.title,
          cell: (alert) => (
            <details>
              <summary>{alert.title}</summary>
              <p className="alert-body">{alert.body}</p>
            </details>
          ),
        },
        {
          key: 'from',
          header: text.columns.from,
          cell: (alert) => alert.senderState ?? text.fromUnknown,
        },
        {
          key: 'received',
          header: text.columns.received,
          cell: (alert) => <DateTime iso={alert.createdAt} />,
        },
        {
          key: 'status',
          header: text.columns.status,
          cell: (alert) => (
            <AlertStatus
              alert={alert}
              isPending={pendingId === alert.id}
              onAcknowledge={onAcknowledge}
            />
          ),
        },
      ]}
    />
  );
}

function AlertStatus({
  alert,
  isPending,
  onAcknowledge,
}: {
  alert: Alert;
  isPending: boolean;
  onAcknowledge: (alert: Alert) => void;
}) {
  if (alert.isSender) {
    return (
      <>
        {text.sentByYou}{' '}
        <Link href={paths.deliveries(alert.id)} aria-label={text.viewDeliveriesOf(alert.title)}>
          {text.viewDeliveries}
        </Link>
      </>
    );
  }
  if (alert.acknowledgedAt != null) {
    return (
      <>
        {text.acknowledged} <DateTime iso={alert.acknowledgedAt} />
      </>
    );
  }

  return (
    <button
      type="button"
      disabled={isPending}
      aria-label={text.acknowledgeAlert(alert.title)}
      onClick={() => {
        onAcknowledge(alert);
      }}
    >
      {isPending ? text.acknowledging : text.acknowledge}
    </button>
  );
}
