import { useState } from 'react';

import { callApi, toApiError, type ApiError } from '../api.ts';
import { DateTime, ErrorSummary, StatusMessage } from '../components.tsx';
import { formatTlp } from '../format.ts';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { tlpLevels, type TlpLevel } from '../schemas.ts';
import { DataTable, ResourceList } from '../tables.tsx';
import { Organisation, OrganisationList as OrganisationListReply } from './admin.schemas.ts';

const text = messages.admin;

async function loadOrganisations(): Promise<Organisation[]> {
  return (await callApi({ path: '/api/v1/organisations', schema: OrganisationListReply }))
    .organisations;
}

/** Renders the partner organisations with a clearance choice per organisation (secretariat). */
export function OrganisationList({ csrfToken }: { csrfToken: string | null }) {
  const organisations = useResource(loadOrganisations);
  // Clearances chosen but not saved yet, by organisation id.
  const [chosen, setChosen] = useState<Record<string, TlpLevel>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState('');
  const [busyId, setBusyId] = useState<string | null>(null);

  async function save(organisation: Organisation) {
    const clearance = chosen[organisation.id] ?? organisation.clearance;
    setError(null);
    setBusyId(organisation.id);
    try {
      const saved = await callApi({
        method: 'PATCH',
        path: `/api/v1/organisations/${encodeURIComponent(organisation.id)}`,
        body: { clearance },
        schema: Organisation,
        csrfToken,
      });
      setStatus(text.clearanceSaved(saved.name, formatTlp(saved.clearance)));
      organisations.reload();
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusyId(null);
    }
  }

  const columns = text.organisationColumns;

  return (
    <section aria-labelledby="organisations-heading">
      <h2 id="organisations-heading">{text.organisationsHeading}</h2>
      <StatusMessage>{status}</StatusMessage>
      <ErrorSummary error={error ?? organisations.error} />
      <ResourceList
        items={organisations.data}
        error={organisations.error}
        empty={text.organisationsEmpty}
      >
        {(items) => (
          <DataTable
            caption={text.organisationsCaption}
            rows={items}
            rowKey={(organisation) => organisation.id}
            columns={[
              {
                key: 'name',
                header: columns.name,
                isRowHeader: true,
                cell: (organisation) => organisation.name,
              },
              {
                key: 'clearance',
                header: columns.clearance,
                cell: (organisation) => (
                  <div className="inline-input">
                    <select
                      aria-label={text.clearanceOf(organisation.name)}
                      value={chosen[organisation.id] ?? organisation.clearance}
                      onChange={(event) => {
                        const level = event.target.value as TlpLevel;
                        setChosen({ ...chosen, [organisation.id]: level });
                      }}
                    >
                      {tlpLevels.map((level) => (
                        <option key={level} value={level}>
                          {formatTlp(level)}
                        </option>
                      ))}
                    </select>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={text.saveClearanceOf(organisation.name)}
                      disabled={busyId === organisation.id}
                      onClick={() => void save(organisation)}
                    >
                      {text.saveClearance}
                    </button>
                  </div>
                ),
              },
              {
                key: 'created',
                header: columns.created,
                cell: (organisation) => <DateTime iso={organisation.createdAt} />,
              },
            ]}
          />
        )}
      </ResourceList>
    </section>
  );
}
