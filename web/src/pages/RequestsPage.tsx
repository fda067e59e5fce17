import { useRef } from 'react';

import { loadPages } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading, SeverityBadge } from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
import { DataTable, ResourceList } from '../tables.tsx';
import { formatSender } from './request-sender.ts';
import { RequestList, type RequestMessage } from './requests.schemas.ts';

const text = messages.requests;

// Messages shown at first and added by each "Show more requests".
const PAGE_SIZE = 100;

/** Renders a PoC's inbox or outbox of messages between states, most urgent first. */
export function RequestsPage({ box }: { box: 'inbox' | 'outbox' }) {
  // A ref, not state, so that a reload right after "Show more requests" already requests more.
  const wanted = useRef(PAGE_SIZE);
  const list = useResource(() =>
    loadPages(
      `/api/v1/requests?box=${box}`,
      RequestList,
      (page) => ({ items: page.requests, next: page.next }),
      wanted.current,
    ),
  );
  useLiveEvent('request', () => {
    list.reload();
  });
  useLiveEvent('resync', () => {
    list.reload();
  });
  const title = box === 'inbox' ? messages.pages.requestsInbox : messages.pages.requestsOutbox;

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p>
        <Link href={paths.requests}>{messages.pages.requestsInbox}</Link>
        {' · '}
        <Link href={paths.requestsOutbox}>{messages.pages.requestsOutbox}</Link>
        {' · '}
        <Link href={paths.newRequest}>{messages.pages.newRequest}</Link>
      </p>
      <ErrorSummary error={list.error} />
      <ResourceList items={list.data?.items ?? null} error={list.error} empty={text.empty}>
        {(items) => <RequestTable requests={items} box={box} />}
      </ResourceList>
      {list.data?.hasMore === true && (
        <button
          type="button"
          onClick={() => {
            wanted.current += PAGE_SIZE;
            list.reload();
          }}
        >
          {text.showMore}
        </button>
      )}
    </>
  );
}

function RequestTable({ requests, box }: { requests: RequestMessage[]; box: string }) {
  const columns = text.columns;

  return (
    <DataTable
      caption={text.caption}
      rows={requests}
      rowKey={(request) => request.id}
      rowAttributes={(request) => ({ 'data-reference': request.reference })}
      columns={[
        {
          key: 'reference',
          header: columns.reference,
          isRowHeader: true,
          cell: (request) => (
            <Link href={paths.requestThread(request.threadReference)}>{request.reference}</Link>
          ),
        },
        {
          key: 'subject',
          header: columns.subject,
          cell: (request) => (
            <>
              {request.exercise && `${text.exercise} `}
              {text.types[request.type] ?? request.type}: {request.subject}
            </>
          ),
        },
        {
          key: 'party',
          header: box === 'inbox' ? columns.from : columns.to,
          cell: (request) => (box === 'inbox' ? formatSender(request.sender) : request.toState),
        },
        {
          key: 'severity',
          header: columns.severity,
          cell: (request) => <SeverityBadge level={request.severity} />,
        },
        {
          key: 'due',
          header: columns.due,
          cell: (request) => (
            <>
              <DateTime iso={request.responseDueAt} />
              {request.isOverdue && <strong className="overdue"> {text.overdue}</strong>}
            </>
          ),
        },
        {
          key: 'acknowledged',
          header: columns.acknowledged,
          cell: (request) => <DateTime iso={request.acknowledgedAt} />,
        },
      ]}
    />
  );
}
