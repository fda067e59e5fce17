import { useCallback } from 'react';

import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
import { DataTable, ResourceList } from '../tables.tsx';
import { PocHistory, type PocHistoryEntry } from './directory.schemas.ts';

const text = messages.pocHistory;

/** Formats one stored value of a history entry: lists joined, hours and objects as JSON. */
function formatValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return messages.none;
  if (field === 'lastConfirmedAt' && typeof value === 'string') return formatDateTime(value);
  if (Array.isArray(value)) return value.length === 0 ? messages.none : value.join(', ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);

  return JSON.stringify(value);
}

/** Returns the PoC's latest name recorded in its history, so a deleted entry is named too. */
function latestName(history: PocHistoryEntry[]): string | null {
  for (const entry of [...history].reverse()) {
    const change = entry.changes.name;
    const name = change?.new ?? change?.old;
    if (typeof name === 'string') return name;
  }

  return null;
}

function ChangeList({ entry }: { entry: PocHistoryEntry }) {
  const changes = Object.entries(entry.changes);
  if (changes.length === 0) return <>{messages.none}</>;

  return (
    <ul className="plain">
      {changes.map(([field, change]) => (
        <li key={field}>
          {text.change(
            text.fieldNames[field] ?? field,
            formatValue(field, change.old),
            formatValue(field, change.new),
          )}
        </li>
      ))}
    </ul>
  );
}

/** Renders the change history of one PoC: who changed which fields when, from what to what. */
export function PocHistoryPage({ pocId }: { pocId: string }) {
  const load = useCallback(async () => {
    const reply = await callApi({
      path: `/api/v1/pocs/${encodeURIComponent(pocId)}/history`,
      schema: PocHistory,
    });

    return reply.history;
  }, [pocId]);
  const history = useResource(load);
  const name = history.data === null ? null : latestName(history.data);
  const title = name === null ? messages.pages.pocHistory : messages.pocs.historyOf(name);

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p>
        <Link href={paths.pocs}>{text.back}</Link>
      </p>
      <ErrorSummary error={history.error} />
      <ResourceList items={history.data} error={history.error} empty={text.empty}>
        {(items) => (
          <DataTable
            caption={text.caption}
            rows={items}
            rowKey={(entry, index) => `${entry.at}-${index}`}
            rowAttributes={(entry) => ({ 'data-action': entry.action })}
            columns={[
              { key: 'at', header: text.columns.at, cell: (entry) => <DateTime iso={entry.at} /> },
              {
                key: 'by',
                header: text.columns.by,
                cell: (entry) => entry.by ?? text.unknownAccount,
              },
              {
                key: 'action',
                header: text.columns.action,
                cell: (entry) => text.actions[entry.action] ?? entry.action,
              },
              {
                key: 'fields',
                header: text.columns.fields,
                cell: (entry) => <ChangeList entry={entry} />,
              },
              {
                key: 'note',
                header: text.columns.note,
                cell: (entry) => entry.note ?? messages.none,
              },
            ]}
          />
        )}
      </ResourceList>
    </>
  );
}
