import { useRef } from 'react';

import { loadPages } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading, SeverityBadge } from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
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
      {list.data === null && list.error === null && <p>{messages.loading}</p>}
      {list.data?.items.length === 0 && <p>{text.empty}</p>}
      {list.data !== null && list.data.items.length > 0 && (
        <RequestTable requests={list.data.items} box={box} />
      )}
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
    <table>
      <caption>{text.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{columns.reference}</th>
          <th scope="col">{columns.subject}</th>
          <th scope="col">{box === 'inbox' ? columns.from : columns.to}</th>
          <th scope="col">{columns.severity}</th>
          <th scope="col">{columns.due}</th>
          <th scope="col">{columns.acknowledged}</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((request) => (
          <tr key={request.id} data-reference={request.reference}>
            <th scope="row">
              <Link href={paths.requestThread(request.threadReference)}>{request.reference}</Link>
            </th>
            <td>
              {request.exercise && `${text.exercise} `}
              {text.types[request.type] ?? request.type}: {request.subject}
            </td>
            <td>{box === 'inbox' ? formatSender(request.sender) : request.toState}</td>
            <td>
              <SeverityBadge level={request.severity} />
            </td>
            <td>
              <DateTime iso={request.responseDueAt} />
              {request.isOverdue && <strong className="overdue"> {text.overdue}</strong>}
            </td>
            <td>
              <DateTime iso={request.acknowledgedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
