import { callApi } from '../api.ts';
import { DateTime, ErrorSummary, PageHeading } from '../components.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
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
      {exercises.data === null && exercises.error === null && <p>{messages.loading}</p>}
      {exercises.data?.length === 0 && <p>{text.empty}</p>}
      {exercises.data !== null && exercises.data.length > 0 && (
        <table>
          <caption>{text.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.columns.title}</th>
              <th scope="col">{text.columns.status}</th>
              <th scope="col">{text.columns.created}</th>
            </tr>
          </thead>
          <tbody>
            {exercises.data.map((exercise) => (
              <tr key={exercise.id} data-exercise-id={exercise.id}>
                <th scope="row">
                  <Link href={paths.exercise(exercise.id)}>{exercise.title}</Link>
                </th>
                <td>{text.statuses[exercise.status] ?? exercise.status}</td>
                <td>
                  <DateTime iso={exercise.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
