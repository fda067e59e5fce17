import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading } from '../components.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
import { DataTable, ResourceList } from '../tables.tsx';
import { ExerciseList } from './exercises.schemas.ts';

const text = messages.exercises;

/** Renders the secretariat's exercises, newest first, with a link to plan a new one. */
export function ExercisesPage() {
  const exercises = useResource(
    async () => (await callApi({ path: '/api/v1/exercises', schema: ExerciseList })).exercises,
  );

  return (
    <>
      <PageHeading title={messages.pages.exercises}>{messages.pages.exercises}</PageHeading>
      <p>{text.intro}</p>
      <p>
        <Link href={paths.newExercise}>{text.newLink}</Link>
      </p>
      <ErrorSummary error={exercises.error} />
      <ResourceList items={exercises.data} error={exercises.error} empty={text.empty}>
        {(items) => (
          <DataTable
            caption={text.caption}
            rows={items}
            rowKey={(exercise) => exercise.id}
            rowAttributes={(exercise) => ({ 'data-exercise-id': exercise.id })}
            columns={[
              {
                key: 'title',
                header: text.columns.title,
                isRowHeader: true,
                cell: (exercise) => (
                  <Link href={paths.exercise(exercise.id)}>{exercise.title}</Link>
                ),
              },
              {
                key: 'status',
                header: text.columns.status,
                cell: (exercise) => text.statuses[exercise.status] ?? exercise.status,
              },
              {
                key: 'created',
                header: text.columns.created,
                cell: (exercise) => <DateTime iso={exercise.createdAt} />,
              },
            ]}
          />
        )}
      </ResourceList>
    </>
  );
}
