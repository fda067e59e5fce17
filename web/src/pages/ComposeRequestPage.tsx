import { useState, type SubmitEvent } from 'react';

import { callApi, toApiError, type ApiError } from '../api.ts';
import { ErrorSummary, Field, fieldErrorsFor, PageHeading } from '../components.tsx';
import { formatSeverity } from '../format.ts';
import { messages } from '../messages.ts';
import { navigate, paths } from '../router.tsx';
import { tlpLevels } from '../schemas.ts';
import { useSession } from '../session.tsx';
import { requestLevels, requestTypes, SentRequest } from './requests.schemas.ts';

const text = messages.requests;

const fieldIds = {
  type: 'request-type',
  toState: 'request-to-state',
  toLevels: 'request-levels',
  subject: 'request-subject',
  sector: 'request-sector',
  description: 'request-description',
  requestedAction: 'request-action',
  severity: 'request-severity',
  responseMinutes: 'request-response-hours',
  tlp: 'request-tlp',
} as const;

type TextField = Exclude<keyof typeof fieldIds, 'toLevels'>;

/** Renders the communication template: a structured request to another state's PoCs. */
export function ComposeRequestPage() {
  const me = useSession();
  const [values, setValues] = useState<Record<TextField, string>>({
    type: 'request-for-assistance',
    toState: '',
    subject: '',
    sector: '',
    description: '',
    requestedAction: '',
    severity: '3',
    responseMinutes: '24',
    tlp: 'amber',
  });
  const [levels, setLevels] = useState<string[]>(['technical']);
  const [error, setError] = useState<ApiError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const errors = fieldErrorsFor(error, fieldIds);

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setIsBusy(true);
    try {
      const hours = Number(values.responseMinutes);
      const sent = await callApi({
        method: 'POST',
        path: '/api/v1/requests',
        body: {
          type: values.type,
          toState: values.toState.trim(),
          toLevels: levels,
          subject: values.subject,
          sector: values.sector,
          description: values.description,
          requestedAction: values.requestedAction,
          severity: Number(values.severity),
          ...(values.responseMinutes.trim() === '' ? {} : { responseMinutes: hours * 60 }),
          tlp: values.tlp,
        },
        schema: SentRequest,
        csrfToken: me.csrfToken,
      });
      navigate(paths.requestThread(sent.reference));
    } catch (caught) {
      setError(toApiError(caught));
      setIsBusy(false);
    }
  }

  const input = (name: TextField, multiline = false) => (
    <Field id={fieldIds[name]} label={text.fields[name]} error={errors[name]}>
      {(aria) =>
        multiline ? (
          <textarea
            {...aria}
            name={name}
            rows={6}
            value={values[name]}
            onChange={(event) => {
              setValues({ ...values, [name]: event.target.value });
            }}
          />
        ) : (
          <input
            {...aria}
            name={name}
            type="text"
            value={values[name]}
            onChange={(event) => {
              setValues({ ...values, [name]: event.target.value });
            }}
          />
        )
      }
    </Field>
  );
  const select = (name: TextField, options: readonly string[], label: (o: string) => string) => (
    <Field id={fieldIds[name]} label={text.fields[name]} error={errors[name]}>
      {(aria) => (
        <select
          {...aria}
          name={name}
          value={values[name]}
          onChange={(event) => {
            setValues({ ...values, [name]: event.target.value });
          }}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {label(option)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <>
      <PageHeading title={messages.pages.newRequest}>{messages.pages.newRequest}</PageHeading>
      <p>{text.intro}</p>
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <ErrorSummary error={error} fieldIds={fieldIds} />
        {select('type', requestTypes, (type) => text.types[type] ?? type)}
        {input('toState')}
        <fieldset id={fieldIds.toLevels}>
          <legend>{text.fields.toLevels}</legend>
          {errors.toLevels !== undefined && <p className="error">{errors.toLevels}</p>}
          {requestLevels.map((level) => (
            <label key={level}>
              <input
                type="checkbox"
                name="toLevels"
                value={level}
                checked={levels.includes(level)}
                onChange={(event) => {
                  setLevels(
                    event.target.checked ? [...levels, level] : levels.filter((l) => l !== level),
                  );
                }}
              />{' '}
              {text.levels[level]}
            </label>
          ))}
        </fieldset>
        {input('subject')}
        {input('sector')}
        {input('description', true)}
        {input('requestedAction', true)}
        {select('severity', ['5', '4', '3', '2', '1', '0'], (level) =>
          formatSeverity(Number(level)),
        )}
        {input('responseMinutes')}
        {select(
          'tlp',
          tlpLevels,
          (level) => messages.tlp.levels[level as (typeof tlpLevels)[number]],
        )}
        <p>
          <button type="submit" disabled={isBusy}>
            {text.send}
          </button>
        </p>
      </form>
    </>
  );
}
