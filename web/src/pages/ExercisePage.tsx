import { useState } from 'react';

import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading, StatusMessage, TlpBadge } from '../components.tsx';
import { useResource, useSubmission } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
import { useSession } from '../session.tsx';
import { DataTable } from '../tables.tsx';
import { OrganisationList } from './admin.schemas.ts';
import { Exercise, ReleaseResult, type Inject } from './exercises.schemas.ts';

const text = messages.exercises;

async function loadOrganisationNames(): Promise<Map<string, string>> {
  const reply = await callApi({ path: '/api/v1/organisations', schema: OrganisationList });

  return new Map(reply.organisations.map((organisation) => [organisation.id, organisation.name]));
}

/**
 * Renders one exercise for its controller: the plan, start and end buttons, a release button per
 * inject, and links to the server-rendered timeline and after-action report.
 */
export function ExercisePage({ exerciseId }: { exerciseId: string }) {
  const me = useSession();
  const path = `/api/v1/exercises/${encodeURIComponent(exerciseId)}`;
  const exercise = useResource(() => callApi({ path, schema: Exercise }));
  const organisations = useResource(loadOrganisationNames);
  const [status, setStatus] = useState('');
  const submission = useSubmission();
  const { error, isBusy } = submission;

  async function act(suffix: string, done: string) {
    await submission.run(async () => {
      const updated = await callApi({
        method: 'POST',
        path: `${path}${suffix}`,
        schema: Exercise,
        csrfToken: me.csrfToken,
      });
      exercise.setData(() => updated);
      setStatus(done);
    });
  }

  async function release(inject: Inject) {
    await submission.run(async () => {
      const result = await callApi({
        method: 'POST',
        path: `${path}/injects/${encodeURIComponent(inject.id)}/release`,
        schema: ReleaseResult,
        csrfToken: me.csrfToken,
      });
      setStatus(result.released ? text.released(inject.title) : text.alreadyReleased(inject.title));
      exercise.reload();
    });
  }

  const data = exercise.data;
  const title = data === null ? messages.pages.exercise : text.pageTitle(data.title);

  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <p>
        <Link href={paths.exercises}>{text.back}</Link>
      </p>
      <StatusMessage>{status}</StatusMessage>
      <ErrorSummary error={error ?? exercise.error} />
      {data === null && exercise.error === null && <p>{messages.loading}</p>}
      {data !== null && (
        <>
          <p className="exercise-mark">{text.marking}</p>
          <dl className="key-facts">
            <dt>{text.facts.status}</dt>
            <dd data-status={data.status}>{text.statuses[data.status] ?? data.status}</dd>
            <dt>{text.facts.states}</dt>
            <dd>{data.states.join(', ')}</dd>
            <dt>{text.facts.levels}</dt>
            <dd>
              {data.levels.length === 0
                ? text.allLevels
                : data.levels.map((level) => text.levels[level] ?? level).join(', ')}
            </dd>
            <dt>{text.facts.partners}</dt>
            <dd>
              {data.partnerOrgIds.length === 0
                ? messages.none
                : data.partnerOrgIds.map((id) => organisations.data?.get(id) ?? id).join(', ')}
            </dd>
            <dt>{text.facts.started}</dt>
            <dd>
              <DateTime iso={data.startedAt} />
            </dd>
            <dt>{text.facts.ended}</dt>
            <dd>
              <DateTime iso={data.endedAt} />
            </dd>
          </dl>
          <h2>{text.scenarioHeading}</h2>
          <p className="alert-body">{data.scenario}</p>
          <p className="actions">
            {data.status === 'planned' && (
              <button
                type="button"
                disabled={isBusy}
                onClick={() => void act('/start', text.started)}
              >
                {text.start}
              </button>
            )}
            {data.status === 'running' && (
              <button
                type="button"
                className="danger"
                disabled={isBusy}
                onClick={() => {
                  if (window.confirm(text.confirmEnd)) void act('/end', text.ended);
                }}
              >
                {text.end}
              </button>
            )}
            <a href={paths.exerciseTimeline(data.id)}>{text.timelineLink}</a>
            <a href={paths.exerciseReport(data.id)}>{text.reportLink}</a>
          </p>
          <InjectTable
            exercise={data}
            isBusy={isBusy}
            onRelease={(inject) => void release(inject)}
          />
        </>
      )}
    </>
  );
}

function InjectTable({
  exercise,
  isBusy,
  onRelease,
}: {
  exercise: Exercise;
  isBusy: boolean;
  onRelease: (inject: Inject) => void;
}) {
  const columns = text.injectColumns;
  if (exercise.injects.length === 0) return <p>{text.noInjects}</p>;

  return (
    <DataTable
      caption={text.injectsCaption}
      rows={exercise.injects}
      rowKey={(inject) => inject.id}
      rowAttributes={(inject) => ({ 'data-inject-id': inject.id })}
      columns={[
        { key: 'title', header: columns.title, isRowHeader: true, cell: (inject) => inject.title },
        {
          key: 'kind',
          header: columns.kind,
          cell: (inject) => text.kinds[inject.kind] ?? inject.kind,
        },
        {
          key: 'tlp',
          header: columns.tlp,
          cell: (inject) => (inject.tlp == null ? messages.none : <TlpBadge tlp={inject.tlp} />),
        },
        {
          key: 'offset',
          header: columns.offset,
          cell: (inject) => text.minutes(inject.offsetMinutes),
        },
        {
          key: 'window',
          header: columns.window,
          cell: (inject) => text.minutes(inject.windowMinutes),
        },
        {
          key: 'released',
          header: columns.released,
          cell: (inject) =>
            inject.releasedAt === null ? (
              text.notReleased
            ) : (
              <>
                <DateTime iso={inject.releasedAt} />
                {inject.releasedBy === 'schedule' && ` ${text.bySchedule}`}
              </>
            ),
        },
        {
          key: 'actions',
          header: columns.actions,
          cell: (inject) =>
            exercise.status === 'running' &&
            inject.releasedAt === null && (
              <button
                type="button"
                className="secondary"
                aria-label={text.releaseInject(inject.title)}
                disabled={isBusy}
                onClick={() => {
                  onRelease(inject);
                }}
              >
                {text.release}
              </button>
            ),
        },
      ]}
    />
  );
}
