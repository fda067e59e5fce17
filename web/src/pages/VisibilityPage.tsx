import { useCallback, useState, type SubmitEvent } from 'react';

import { callApi } from '../api.ts';
import { ErrorSummary, PageHeading, StatusMessage, SubmitButton } from '../components.tsx';
import { useResource, useSubmission } from '../hooks.ts';
import { messages } from '../messages.ts';
import { useSession } from '../session.tsx';
import {
  StateVisibility,
  visibilityChoices,
  visibilityFields,
  type Visibility,
  type VisibilityField,
} from './directory.schemas.ts';

const text = messages.visibility;

type Choices = Partial<Record<VisibilityField, Visibility>>;

/** Renders one state's choice, per PoC field, of its audience in the directory. */
export function VisibilityPage() {
  const me = useSession();
  const stateCode = me.stateCode;

  return (
    <>
      <PageHeading title={messages.pages.visibility}>{messages.pages.visibility}</PageHeading>
      {stateCode === null ? (
        <p>{text.noState}</p>
      ) : (
        <VisibilityForm stateCode={stateCode} csrfToken={me.csrfToken} />
      )}
    </>
  );
}

function VisibilityForm({ stateCode, csrfToken }: { stateCode: string; csrfToken: string | null }) {
  const path = `/api/v1/states/${encodeURIComponent(stateCode)}/visibility`;
  const load = useCallback(() => callApi({ path, schema: StateVisibility }), [path]);
  const stored = useResource(load);
  // Choices made since the last load. A field shows its stored choice until the user changes it.
  const [changes, setChanges] = useState<Choices>({});
  const [status, setStatus] = useState('');
  const submission = useSubmission();
  const { error, isBusy } = submission;

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = stored.data;
    if (data === null) return;
    setStatus('');
    await submission.run(async () => {
      const saved = await callApi({
        method: 'PUT',
        path,
        body: { ...data.fields, ...changes },
        schema: StateVisibility,
        csrfToken,
      });
      stored.setData(() => saved);
      setChanges({});
      setStatus(text.saved);
    });
  }

  if (stored.data === null) {
    return stored.error === null ? (
      <p>{messages.loading}</p>
    ) : (
      <ErrorSummary error={stored.error} />
    );
  }
  const current: Choices = { ...stored.data.fields, ...changes };

  return (
    <>
      <p>{text.intro(stateCode)}</p>
      <StatusMessage>{status}</StatusMessage>
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <ErrorSummary error={error} />
        {visibilityFields.map((field) => (
          <fieldset key={field} className="field choice-row" data-field={field}>
            <legend>{text.legend(text.fields[field])}</legend>
            <div className="radios">
              {visibilityChoices.map((choice) => (
                <label key={choice} className="radio">
                  <input
                    type="radio"
                    name={`visibility-${field}`}
                    value={choice}
                    checked={current[field] === choice}
                    onChange={() => {
                      setChanges({ ...changes, [field]: choice });
                    }}
                  />
                  {text.choices[choice]}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        <SubmitButton isBusy={isBusy} label={text.save} />
      </form>
    </>
  );
}
