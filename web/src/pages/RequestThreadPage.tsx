import { useState, type SubmitEvent } from 'react';

import { callApi, toApiError, type ApiError } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading, SeverityBadge, TlpBadge } from '../components.tsx';
import { useLiveEvent } from '../events.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { useSession } from '../session.tsx';
import { formatSender } from './request-sender.ts';
import { RequestThread, SentRequest, type RequestMessage } from './requests.schemas.ts';

const text = messages.requests;

/** Formats a duration in seconds as hours and minutes, such as `1 h 05 min`. */
function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null) return messages.none;
  const minutes = Math.round(seconds / 60);

  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Renders one thread between states with Acknowledge and Reply for its participants. */
export function RequestThreadPage({ reference }: { reference: string }) {
  const me = useSession();
  const path = `/api/v1/requests/${encodeURIComponent(reference)}`;
  const thread = useResource(() => callApi({ path, schema: RequestThread }));
  const [reply, setReply] = useState({ type: 'response', description: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  useLiveEvent('request', () => {
    thread.reload();
  });

  const messagesInThread = thread.data?.messages ?? [];
  const root = messagesInThread[0];
  const last = messagesInThread.at(-1);

  async function act(run: () => Promise<unknown>) {
    setIsBusy(true);
    try {
      await run();
      setError(null);
      thread.reload();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setIsBusy(false);
    }
  }

  function handleReply(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (last === undefined) return;
    void act(async () => {
      await callApi({
        method: 'POST',
        path: `/api/v1/requests/${encodeURIComponent(last.reference)}/replies`,
        body: reply,
        schema: SentRequest,
        csrfToken: me.csrfToken,
      });
      setReply({ type: 'response', description: '' });
    });
  }

  const title = root === undefined ? reference : `${root.reference}: ${root.subject}`;

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <ErrorSummary error={thread.error ?? error} />
      {thread.data === null && thread.error === null && <p>{messages.loading}</p>}
      {messagesInThread.map((message) => (
        <MessageCard
          key={message.id}
          message={message}
          isBusy={isBusy}
          onAcknowledge={() =>
            void act(() =>
              callApi({
                method: 'POST',
                path: `/api/v1/requests/${encodeURIComponent(message.reference)}/acknowledge`,
                csrfToken: me.csrfToken,
              }),
            )
          }
        />
      ))}
      {last !== undefined && (
        <form onSubmit={handleReply} noValidate>
          <h2>{text.replyHeading}</h2>
          <label htmlFor="reply-type">{text.fields.type}</label>
          <select
            id="reply-type"
            value={reply.type}
            onChange={(event) => {
              setReply({ ...reply, type: event.target.value });
            }}
          >
            {(['response', 'acknowledgement', 'request-for-information'] as const).map((type) => (
              <option key={type} value={type}>
                {text.types[type]}
              </option>
            ))}
          </select>
          <label htmlFor="reply-description">{text.fields.description}</label>
          <textarea
            id="reply-description"
            rows={5}
            value={reply.description}
            onChange={(event) => {
              setReply({ ...reply, description: event.target.value });
            }}
          />
          <p>
            <button type="submit" disabled={isBusy}>
              {text.reply}
            </button>
          </p>
        </form>
      )}
    </>
  );
}

function MessageCard(props: {
  message: RequestMessage;
  isBusy: boolean;
  onAcknowledge: () => void;
}) {
  const { message } = props;
  const mayAcknowledge = !message.isSender && message.acknowledgedAt == null;

  return (
    <article className="card" data-reference={message.reference}>
      <h2>
        {message.exercise && `${text.exercise} `}
        {text.types[message.type] ?? message.type} {message.reference}
      </h2>
      <p>
        <SeverityBadge level={message.severity} /> <TlpBadge tlp={message.tlp} />
        {message.isOverdue && <strong className="overdue"> {text.overdue}</strong>}
      </p>
      <dl>
        <dt>{text.columns.from}</dt>
        <dd>
          {formatSender(message.sender)}, {message.sender.email}
        </dd>
        <dt>{text.fields.sector}</dt>
        <dd>{message.sector}</dd>
        <dt>{text.sentAt}</dt>
        <dd>
          <DateTime iso={message.createdAt} />
        </dd>
        <dt>{text.columns.due}</dt>
        <dd>
          <DateTime iso={message.responseDueAt} />
        </dd>
        <dt>{text.timeToAcknowledge}</dt>
        <dd data-time="acknowledge">{formatDuration(message.timeToAcknowledgeSeconds)}</dd>
        <dt>{text.timeToAnswer}</dt>
        <dd data-time="answer">{formatDuration(message.timeToAnswerSeconds)}</dd>
      </dl>
      <p style={{ whiteSpace: 'pre-wrap' }}>{message.description}</p>
      {message.requestedAction !== '' && (
        <p>
          <strong>{text.fields.requestedAction}:</strong> {message.requestedAction}
        </p>
      )}
      {mayAcknowledge && (
        <button type="button" disabled={props.isBusy} onClick={props.onAcknowledge}>
          {text.acknowledge}
        </button>
      )}
    </article>
  );
}
