import { useState } from 'react';

import { callApi, toApiError, type ApiError } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading, StatusMessage } from '../components.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Poc, PocList } from '../schemas.ts';
import { useSession } from '../session.tsx';
import { emptyPocForm, PocForm, toPocFormValues, type PocFormValues } from './PocForm.tsx';

const text = messages.pocs;

async function loadPocs(): Promise<Poc[]> {
  const reply = await callApi({ path: '/api/v1/pocs', schema: PocList });

  return reply.pocs;
}

/** Body of `POST /api/v1/pocs`; an empty telephone is left out because it is optional. */
function toCreateBody(values: PocFormValues): Record<string, string> {
  const { phone, ...required } = values;

  return phone.trim() === '' ? required : { ...required, phone };
}

/** Body of `PATCH /api/v1/pocs/{id}`: only the fields the user changed. */
function toPatchBody(poc: Poc, values: PocFormValues): Record<string, string | null> {
  const before = toPocFormValues(poc);
  const body: Record<string, string | null> = {};
  for (const key of Object.keys(values) as (keyof PocFormValues)[]) {
    if (values[key] !== before[key]) body[key] = values[key];
  }
  // The API removes a telephone when it receives null; an empty string would be invalid.
  if (body.phone === '') body.phone = null;

  return body;
}

/** Renders the PoCs of the state editor's own state, with forms to add, change and delete them. */
export function PocsPage() {
  const me = useSession();
  const pocs = useResource(loadPocs);
  const [editing, setEditing] = useState<Poc | null>(null);
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [status, setStatus] = useState('');
  // Changing the key gives the form fresh values after a save or when another PoC is edited.
  const [formKey, setFormKey] = useState(0);

  function resetForm(poc: Poc | null) {
    setEditing(poc);
    setFormError(null);
    setFormKey((key) => key + 1);
  }

  async function handleSubmit(values: PocFormValues) {
    setIsBusy(true);
    setFormError(null);
    try {
      if (editing === null) {
        const body = toCreateBody(values);
        const created = await callApi({
          method: 'POST',
          path: '/api/v1/pocs',
          body,
          schema: Poc,
          csrfToken: me.csrfToken,
        });
        setStatus(text.added(created.name));
      } else {
        const body = toPatchBody(editing, values);
        if (Object.keys(body).length === 0) {
          setStatus(text.noChanges);
        } else {
          const saved = await callApi({
            method: 'PATCH',
            path: `/api/v1/pocs/${encodeURIComponent(editing.id)}`,
            body,
            schema: Poc,
            csrfToken: me.csrfToken,
          });
          setStatus(text.saved(saved.name));
        }
      }
      resetForm(null);
      pocs.reload();
    } catch (caught) {
      setFormError(toApiError(caught));
    } finally {
      setIsBusy(false);
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
      });
      setStatus(text.deleted(poc.name));
      if (editing?.id === poc.id) resetForm(null);
      pocs.reload();
    } catch (caught) {
      setActionError(toApiError(caught));
    }
  }

  return (
    <>
      <PageHeading title={messages.pages.pocs}>{messages.pages.pocs}</PageHeading>
      {me.stateCode !== null && <p>{text.intro(me.stateCode)}</p>}
      <StatusMessage>{status}</StatusMessage>
      <ErrorSummary error={actionError ?? pocs.error} />
      {pocs.data === null && pocs.error === null && <p>{messages.loading}</p>}
      {pocs.data?.length === 0 && <p>{text.empty}</p>}
      {pocs.data !== null && pocs.data.length > 0 && (
        <PocTable
          pocs={pocs.data}
          onEdit={(poc) => {
            resetForm(poc);
          }}
          onDelete={(poc) => void handleDelete(poc)}
        />
      )}
      <PocForm
        key={formKey}
        heading={editing === null ? text.addHeading : text.editHeading(editing.name)}
        submitLabel={editing === null ? text.add : text.save}
        initial={editing === null ? emptyPocForm : toPocFormValues(editing)}
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

function PocTable({
  pocs,
  onEdit,
  onDelete,
}: {
  pocs: Poc[];
  onEdit: (poc: Poc) => void;
  onDelete: (poc: Poc) => void;
}) {
  const columns = text.columns;

  return (
    <table>
      <caption>{text.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{columns.level}</th>
          <th scope="col">{columns.name}</th>
          <th scope="col">{columns.designation}</th>
          <th scope="col">{columns.organisation}</th>
          <th scope="col">{columns.email}</th>
          <th scope="col">{columns.phone}</th>
          <th scope="col">{columns.updated}</th>
          <th scope="col">{columns.actions}</th>
        </tr>
      </thead>
      <tbody>
        {pocs.map((poc) => (
          <tr key={poc.id}>
            <td>{text.levels[poc.level]}</td>
            <th scope="row">{poc.name}</th>
            <td>{poc.designation}</td>
            <td>{poc.organisation}</td>
            <td>{poc.email}</td>
            <td>{poc.phone ?? messages.none}</td>
            <td>
              <DateTime iso={poc.updatedAt} />
            </td>
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  className="secondary"
                  aria-label={text.editPoc(poc.name)}
                  onClick={() => {
                    onEdit(poc);
                  }}
                >
                  {text.edit}
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={text.deletePoc(poc.name)}
                  onClick={() => {
                    onDelete(poc);
                  }}
                >
                  {text.delete}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
