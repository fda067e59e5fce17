import { useState, type SubmitEvent } from 'react';

import { callApi, toApiError, type ApiError } from '../api.ts';
import {
  DateTime,
  ErrorSummary,
  Field,
  fieldErrorsFor,
  PageHeading,
  StatusMessage,
  SubmitButton,
} from '../components.tsx';
import { useResource, useSubmission } from '../hooks.ts';
import { messages } from '../messages.ts';
import { useSession } from '../session.tsx';
import { DataTable, ResourceList } from '../tables.tsx';
import { ApiKeyList, CreatedApiKey, type ApiKey } from './tokens.schemas.ts';

const text = messages.tokens;

const fieldIds = { label: 'token-label' } as const;

// The caller's own keys live under their account; the server lets only the owner create one.
function keysPath(accountId: string): string {
  return `/api/v1/users/${encodeURIComponent(accountId)}/api-keys`;
}

/** Renders the caller's API tokens: the list, a creation form and a revoke button per token. */
export function TokensPage() {
  const me = useSession();
  const keys = useResource(
    async () => (await callApi({ path: keysPath(me.accountId), schema: ApiKeyList })).apiKeys,
  );
  const [label, setLabel] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const submission = useSubmission();
  const { error, isBusy } = submission;
  const errors = fieldErrorsFor(error, fieldIds);

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreated(null);
    await submission.run(async () => {
      const key = await callApi({
        method: 'POST',
        path: keysPath(me.accountId),
        body: { label },
        schema: CreatedApiKey,
        csrfToken: me.csrfToken,
      });
      setCreated(key);
      setLabel('');
      keys.reload();
    });
  }

  async function handleRevoke(key: ApiKey) {
    if (!window.confirm(text.confirmRevoke(key.label))) return;
    setListError(null);
    try {
      await callApi({
        method: 'DELETE',
        path: `${keysPath(me.accountId)}/${encodeURIComponent(key.id)}`,
        csrfToken: me.csrfToken,
      });
      setStatus(text.revoked(key.label));
      if (created?.id === key.id) setCreated(null);
      keys.reload();
    } catch (caught) {
      setListError(toApiError(caught));
    }
  }

  return (
    <>
      <PageHeading title={messages.pages.tokens}>{messages.pages.tokens}</PageHeading>
      <p>{text.intro}</p>
      <section aria-labelledby="token-create-heading">
        <h2 id="token-create-heading">{text.createHeading}</h2>
        <form onSubmit={(event) => void handleSubmit(event)} noValidate>
          <ErrorSummary error={error} fieldIds={fieldIds} />
          <Field
            id={fieldIds.label}
            label={text.fields.label}
            hint={text.labelHint}
            error={errors.label}
          >
            {(aria) => (
              <input
                {...aria}
                name="label"
                type="text"
                autoComplete="off"
                maxLength={100}
                required
                value={label}
                onChange={(event) => {
                  setLabel(event.target.value);
                }}
              />
            )}
          </Field>
          <SubmitButton isBusy={isBusy} label={text.create} busyLabel={text.creating} />
        </form>
        {created !== null && <NewTokenPanel created={created} />}
      </section>
      <section aria-labelledby="token-list-heading">
        <h2 id="token-list-heading">{text.listHeading}</h2>
        <StatusMessage>{status}</StatusMessage>
        <ErrorSummary error={listError ?? keys.error} />
        <ResourceList items={keys.data} error={keys.error} empty={text.empty}>
          {(items) => <TokenTable keys={items} onRevoke={(key) => void handleRevoke(key)} />}
        </ResourceList>
      </section>
    </>
  );
}

function TokenTable({ keys, onRevoke }: { keys: ApiKey[]; onRevoke: (key: ApiKey) => void }) {
  const columns = text.columns;

  return (
    <DataTable
      caption={text.caption}
      rows={keys}
      rowKey={(key) => key.id}
      rowAttributes={(key) => ({ 'data-token-id': key.id })}
      columns={[
        { key: 'label', header: columns.label, isRowHeader: true, cell: (key) => key.label },
        {
          key: 'created',
          header: columns.created,
          cell: (key) => <DateTime iso={key.createdAt} />,
        },
        {
          key: 'lastUsed',
          header: columns.lastUsed,
          cell: (key) =>
            key.lastUsedAt === null ? text.neverUsed : <DateTime iso={key.lastUsedAt} />,
        },
        {
          key: 'status',
          header: columns.status,
          cell: (key) =>
            key.revokedAt === null ? (
              text.active
            ) : (
              <>
                {text.revokedStatus} <DateTime iso={key.revokedAt} />
              </>
            ),
        },
        {
          key: 'actions',
          header: columns.actions,
          cell: (key) =>
            key.revokedAt === null && (
              <button
                type="button"
                className="danger"
                aria-label={text.revokeToken(key.label)}
                onClick={() => {
                  onRevoke(key);
                }}
              >
                {text.revoke}
              </button>
            ),
        },
      ]}
    />
  );
}

// The secret is shown once, here, because the server keeps only its hash.
function NewTokenPanel({ created }: { created: CreatedApiKey }) {
  const [copyStatus, setCopyStatus] = useState('');

  async function handleCopy() {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopyStatus(text.copied);
    } catch {
      setCopyStatus(text.copyFailed);
    }
  }

  return (
    <section className="warning-panel" aria-labelledby="token-secret-heading" role="alert">
      <h3 id="token-secret-heading">{text.secretHeading(created.label)}</h3>
      <p>{text.secretWarning}</p>
      <p>
        <label htmlFor="token-secret">{text.secretLabel}</label>
      </p>
      <div className="inline-input">
        <input
          id="token-secret"
          className="mono"
          type="text"
          readOnly
          size={50}
          value={created.token}
          onFocus={(event) => {
            event.target.select();
          }}
        />
        <button type="button" className="secondary" onClick={() => void handleCopy()}>
          {text.copy}
        </button>
      </div>
      <StatusMessage>{copyStatus}</StatusMessage>
    </section>
  );
}
