import { useState } from 'react';

import { ApiError, callApi, toApiError } from '../api.ts';
import { ErrorSummary, PageHeading, StatusMessage } from '../components.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Poc, PocList } from '../schemas.ts';
import { useSession } from '../session.tsx';
import { DuplicatePocs, isLikelyDuplicate } from './DuplicatePocs.tsx';
import {
  emptyPocForm,
  toCreateBody,
  toPatchBody,
  toPocFormValues,
  type PocFormValues,
} from './poc-form-values.ts';
import { PocForm, StoredKeyFacts, type StoredKey } from './PocForm.tsx';
import { PocTable } from './PocTable.tsx';
import { isStaleEntry, StalePocPanel } from './StalePocPanel.tsx';

const text = messages.pocs;

async function loadPocs(): Promise<Poc[]> {
  const reply = await callApi({ path: '/api/v1/pocs', schema: PocList });

  return reply.pocs;
}

function storedKeyOf(poc: Poc): StoredKey | null {
  if (poc.pgpFingerprint == null) return null;

  return { fingerprint: poc.pgpFingerprint, expiresAt: poc.pgpExpiresAt ?? null };
}

/**
 * Returns the error with text for the editor in place of the API's detail of a rejected
 * `If-Match`, because the editor sent no header themselves.
 */
function explainStale(error: ApiError, poc: Poc): ApiError {
  if (!isStaleEntry(error)) return error;

  return new ApiError(error.status, error.code, text.changedElsewhere(poc.name));
}

/** A new entry the API flagged as a likely duplicate, kept so it can be sent again. */
interface PendingDuplicate {
  values: PocFormValues;
  error: ApiError;
}

/**
 * Renders the PoCs of the state editor's own state, with forms to add, change, confirm and delete
 * them, and links to each entry's history.
 */
export function PocsPage() {
  const me = useSession();
  const pocs = useResource(loadPocs);
  const [editing, setEditing] = useState<Poc | null>(null);
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [duplicate, setDuplicate] = useState<PendingDuplicate | null>(null);
  // True when saving the entry being edited failed because someone else changed it first.
  const [isStale, setIsStale] = useState(false);
  const [saved, setSaved] = useState<Poc | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  // Changing the key gives the form fresh values after a save or when another PoC is edited.
  const [formKey, setFormKey] = useState(0);

  function resetForm(poc: Poc | null) {
    setEditing(poc);
    setFormError(null);
    setDuplicate(null);
    setIsStale(false);
    setFormKey((key) => key + 1);
  }

  function finishSave(poc: Poc, message: string) {
    setStatus(message);
    setSaved(poc);
    resetForm(null);
    pocs.reload();
  }

  async function create(values: PocFormValues, confirmDuplicate: boolean) {
    const query = confirmDuplicate ? '?confirmDuplicate=true' : '';
    try {
      const created = await callApi({
        method: 'POST',
        path: `/api/v1/pocs${query}`,
        body: toCreateBody(values),
        schema: Poc,
        csrfToken: me.csrfToken,
      });
      finishSave(created, text.added(created.name));
    } catch (caught) {
      const error = toApiError(caught);
      if (!confirmDuplicate && isLikelyDuplicate(error)) {
        setDuplicate({ values, error });
      } else {
        setDuplicate(null);
        setFormError(error);
      }
    }
  }

  async function update(poc: Poc, values: PocFormValues) {
    const body = toPatchBody(poc, values);
    if (Object.keys(body).length === 0) {
      setStatus(text.noChanges);
      resetForm(null);
      return;
    }
    try {
      const changed = await callApi({
        method: 'PATCH',
        path: `/api/v1/pocs/${encodeURIComponent(poc.id)}`,
        body,
        schema: Poc,
        csrfToken: me.csrfToken,
        ifMatch: poc.etag,
      });
      finishSave(changed, text.saved(changed.name));
    } catch (caught) {
      const error = toApiError(caught);
      if (isStaleEntry(error)) {
        setIsStale(true);
        pocs.reload();
      } else {
        setFormError(error);
      }
    }
  }

  // Loads the current version of the entry into the form. The editor's unsaved values are
  // replaced, because they were based on the version that someone else changed.
  async function handleReloadEntry(poc: Poc) {
    setIsBusy(true);
    setActionError(null);
    try {
      const current = await callApi({
        path: `/api/v1/pocs/${encodeURIComponent(poc.id)}`,
        schema: Poc,
      });
      resetForm(current);
      setStatus(text.reloaded(current.name));
    } catch (caught) {
      // Most likely deleted in the meantime: the reloaded list no longer shows it.
      resetForm(null);
      setActionError(toApiError(caught));
    } finally {
      setIsBusy(false);
      pocs.reload();
    }
  }

  async function handleSubmit(values: PocFormValues, confirmDuplicate = false) {
    setIsBusy(true);
    setFormError(null);
    setSaved(null);
    try {
      await (editing === null ? create(values, confirmDuplicate) : update(editing, values));
    } finally {
      setIsBusy(false);
    }
  }

  async function handleConfirm(poc: Poc) {
    setActionError(null);
    setConfirmingId(poc.id);
    try {
      await callApi({
        method: 'POST',
        path: `/api/v1/pocs/${encodeURIComponent(poc.id)}/confirm`,
        schema: Poc,
        csrfToken: me.csrfToken,
        ifMatch: poc.etag,
      });
      setStatus(text.confirmed(poc.name));
      pocs.reload();
    } catch (caught) {
      const error = toApiError(caught);
      setActionError(explainStale(error, poc));
      if (isStaleEntry(error)) pocs.reload();
    } finally {
      setConfirmingId(null);
    }
  }

  async function handleDelete(poc: Poc) {
    if (!window.confirm(text.confirmDelete(poc.name))) return;
    setActionError(null);
    try {
      await callApi({
        method: 'DELETE',
        path: `/api/v1/pocs/${encodeURIComponent(poc.id)}`,
        csrfToken: me.csrfToken,
        ifMatch: poc.etag,
      });
      setStatus(text.deleted(poc.name));
      if (editing?.id === poc.id) resetForm(null);
      pocs.reload();
    } catch (caught) {
      const error = toApiError(caught);
      setActionError(explainStale(error, poc));
      if (isStaleEntry(error)) pocs.reload();
    }
  }

  const savedKey = saved === null ? null : storedKeyOf(saved);

  return (
    <>
      <PageHeading title={messages.pages.pocs}>{messages.pages.pocs}</PageHeading>
      {me.stateCode !== null && <p>{text.intro(me.stateCode)}</p>}
      <StatusMessage>{status}</StatusMessage>
      {saved !== null && savedKey !== null && (
        <section aria-labelledby="saved-key-heading">
          <h2 id="saved-key-heading">{text.savedKeyHeading(saved.name)}</h2>
          <StoredKeyFacts storedKey={savedKey} />
          {(saved.warnings ?? []).map((warning) => (
            <p className="warning-panel" role="alert" key={warning.code}>
              {warning.message}
            </p>
          ))}
        </section>
      )}
      <ErrorSummary error={actionError ?? pocs.error} />
      {pocs.data === null && pocs.error === null && <p>{messages.loading}</p>}
      {pocs.data?.length === 0 && <p>{text.empty}</p>}
      {pocs.data !== null && pocs.data.length > 0 && (
        <PocTable
          pocs={pocs.data}
          busyId={confirmingId}
          onEdit={(poc) => {
            resetForm(poc);
          }}
          onConfirm={(poc) => void handleConfirm(poc)}
          onDelete={(poc) => void handleDelete(poc)}
        />
      )}
      {duplicate !== null && (
        <DuplicatePocs
          error={duplicate.error}
          pocs={pocs.data ?? []}
          isBusy={isBusy}
          onAddAnyway={() => void handleSubmit(duplicate.values, true)}
          onCancel={() => {
            setDuplicate(null);
          }}
        />
      )}
      {isStale && editing !== null && (
        <StalePocPanel
          name={editing.name}
          isBusy={isBusy}
          onReload={() => void handleReloadEntry(editing)}
        />
      )}
      <PocForm
        key={formKey}
        heading={editing === null ? text.addHeading : text.editHeading(editing.name)}
        submitLabel={editing === null ? text.add : text.save}
        initial={editing === null ? emptyPocForm : toPocFormValues(editing)}
        storedKey={editing === null ? null : storedKeyOf(editing)}
        error={formError}
        isBusy={isBusy}
        onSubmit={(values) => void handleSubmit(values)}
        {...(editing === null
          ? {}
          : {
              onCancel: () => {
                resetForm(null);
              },
            })}
      />
    </>
  );
}
