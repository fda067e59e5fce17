import { useEffect, useRef, useState, type SubmitEvent } from 'react';

import { callApi, formCheckError, toApiError, type ApiError } from '../api.ts';
import { ChoiceGroup, ErrorSummary, Field, PageHeading, SubmitButton } from '../components.tsx';
import { useResource } from '../hooks.ts';
import { messages } from '../messages.ts';
import { Link, navigate, paths } from '../router.tsx';
import { pocLevels } from '../schemas.ts';
import { useSession } from '../session.tsx';
import { OrganisationList } from './admin.schemas.ts';
import {
  buildExerciseBody,
  errorAt,
  newInjectDraft,
  type ExerciseDraft,
} from './exercise-form-values.ts';
import { CreatedExercise } from './exercises.schemas.ts';
import { InjectFieldset, injectFieldId } from './InjectFieldset.tsx';

const text = messages.exercises;

// Every path the API may name maps to a part of this form, so the summary lists none twice.
const fieldIds = {
  title: 'exercise-title',
  scenario: 'exercise-scenario',
  states: 'exercise-states',
  levels: 'exercise-levels',
  partnerOrgIds: 'exercise-partners',
  injects: 'exercise-injects',
} as const;

const emptyDraft = (): ExerciseDraft => ({
  title: '',
  scenario: '',
  states: '',
  levels: [],
  partnerOrgIds: [],
  injects: [],
});

function toggle(list: string[], value: string, isOn: boolean): string[] {
  return isOn ? [...list, value] : list.filter((item) => item !== value);
}

/** Renders the form that plans an exercise: scenario, participants and timed injects. */
export function NewExercisePage() {
  const me = useSession();
  const organisations = useResource(
    async () =>
      (await callApi({ path: '/api/v1/organisations', schema: OrganisationList })).organisations,
  );
  const [draft, setDraft] = useState<ExerciseDraft>(emptyDraft);
  const [error, setError] = useState<ApiError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  // After adding or removing an inject, the focus moves to where the person continues.
  const [focusId, setFocusId] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (focusId === null) return;
    if (focusId === 'add') addButton.current?.focus();
    else document.getElementById(focusId)?.focus();
    setFocusId(null);
  }, [focusId]);

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const built = buildExerciseBody(draft);
    if ('errors' in built) {
      setError(formCheckError(built.errors));
      return;
    }
    setIsBusy(true);
    try {
      const created = await callApi({
        method: 'POST',
        path: '/api/v1/exercises',
        body: built.body,
        schema: CreatedExercise,
        csrfToken: me.csrfToken,
      });
      navigate(paths.exercise(created.id));
    } catch (caught) {
      setError(toApiError(caught));
      setIsBusy(false);
    }
  }

  function addInject() {
    const inject = newInjectDraft();
    setDraft({ ...draft, injects: [...draft.injects, inject] });
    setFocusId(injectFieldId(inject, 'kind'));
  }

  const textField = (name: 'title' | 'states', hint?: string) => (
    <Field
      id={fieldIds[name]}
      label={text.fields[name]}
      error={errorAt(error, name)}
      {...(hint === undefined ? {} : { hint })}
    >
      {(aria) => (
        <input
          {...aria}
          name={name}
          type="text"
          autoComplete="off"
          value={draft[name]}
          onChange={(event) => {
            setDraft({ ...draft, [name]: event.target.value });
          }}
        />
      )}
    </Field>
  );

  const checkbox = (name: 'levels' | 'partnerOrgIds', value: string, label: string) => (
    <label key={value} className="radio">
      <input
        type="checkbox"
        name={name}
        value={value}
        checked={draft[name].includes(value)}
        onChange={(event) => {
          setDraft({ ...draft, [name]: toggle(draft[name], value, event.target.checked) });
        }}
      />
      {label}
    </label>
  );

  return (
    <>
      <PageHeading title={messages.pages.newExercise}>{messages.pages.newExercise}</PageHeading>
      <p>
        <Link href={paths.exercises}>{text.back}</Link>
      </p>
      <p>{text.newIntro}</p>
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <ErrorSummary error={error} fieldIds={fieldIds} />
        {textField('title')}
        <Field
          id={fieldIds.scenario}
          label={text.fields.scenario}
          error={errorAt(error, 'scenario')}
        >
          {(aria) => (
            <textarea
              {...aria}
              name="scenario"
              rows={6}
              value={draft.scenario}
              onChange={(event) => {
                setDraft({ ...draft, scenario: event.target.value });
              }}
            />
          )}
        </Field>
        {textField('states', text.statesHint)}
        <ChoiceGroup
          id={fieldIds.levels}
          legend={text.fields.levels}
          hint={text.levelsHint}
          error={errorAt(error, 'levels')}
        >
          {pocLevels.map((level) => checkbox('levels', level, text.levels[level] ?? level))}
        </ChoiceGroup>
        <ChoiceGroup
          id={fieldIds.partnerOrgIds}
          legend={text.fields.partnerOrgIds}
          hint={organisations.data?.length === 0 ? text.noPartners : text.partnersHint}
          error={errorAt(error, 'partnerOrgIds') ?? organisations.error?.message}
        >
          {(organisations.data ?? []).map((organisation) =>
            checkbox('partnerOrgIds', organisation.id, organisation.name),
          )}
        </ChoiceGroup>
        <section id={fieldIds.injects} aria-labelledby="injects-heading">
          <h2 id="injects-heading">{text.injectsHeading}</h2>
          <p className="hint">{text.injectsHint}</p>
          {error?.fieldErrors
            .filter((fieldError) => fieldError.field === 'injects')
            .map((fieldError) => (
              <p key={fieldError.message} className="field-error">
                {fieldError.message}
              </p>
            ))}
          {draft.injects.length === 0 && <p>{text.noInjectsYet}</p>}
          {draft.injects.map((inject, index) => (
            <InjectFieldset
              key={inject.key}
              draft={inject}
              index={index}
              error={error}
              onChange={(changed) => {
                setDraft({
                  ...draft,
                  injects: draft.injects.map((item) => (item.key === changed.key ? changed : item)),
                });
              }}
              onRemove={() => {
                setDraft({
                  ...draft,
                  injects: draft.injects.filter((item) => item.key !== inject.key),
                });
                // Indexes shift after a removal, so the API's messages no longer fit the injects.
                setError(null);
                setFocusId('add');
              }}
            />
          ))}
          <p className="actions">
            <button ref={addButton} type="button" className="secondary" onClick={addInject}>
              {text.addInject}
            </button>
          </p>
        </section>
        <SubmitButton isBusy={isBusy} label={text.create} busyLabel={text.creating} />
      </form>
    </>
  );
}
