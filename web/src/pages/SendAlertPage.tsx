import { useState, type SubmitEvent } from 'react';

import { ApiError, callApi, toApiError } from '../api.ts';
import { ErrorSummary, Field, fieldErrorsFor, PageHeading } from '../components.tsx';
import { formatSeverity, parseStateCodes, splitList } from '../format.ts';
import { messages } from '../messages.ts';
import { navigate, paths } from '../router.tsx';
import { SentAlert, tlpLevels, type TlpLevel } from '../schemas.ts';
import { useSession } from '../session.tsx';

const text = messages.sendAlert;

const fieldIds = {
  title: 'alert-title',
  severity: 'alert-severity',
  tlp: 'alert-tlp',
  body: 'alert-body',
  states: 'alert-states',
  accounts: 'alert-accounts',
} as const;

// Highest first, as inboxes sort them.
const severityLevels = [5, 4, 3, 2, 1, 0] as const;

interface AlertFormValues {
  title: string;
  severity: string;
  tlp: TlpLevel | '';
  body: string;
  states: string;
  accounts: string;
}

/** Returns an error naming every empty or malformed field, or null when the form can be sent. */
function checkForm(values: AlertFormValues): ApiError | null {
  const fieldErrors: { field: string; message: string }[] = [];
  if (values.title.trim() === '') fieldErrors.push({ field: 'title', message: text.titleMissing });
  if (values.severity === '') {
    fieldErrors.push({ field: 'severity', message: text.severityMissing });
  }
  if (values.tlp === '') fieldErrors.push({ field: 'tlp', message: text.tlpMissing });
  if (values.body.trim() === '') fieldErrors.push({ field: 'body', message: text.bodyMissing });
  const { invalid } = parseStateCodes(values.states);
  if (invalid.length > 0) {
    const message = messages.errors.stateCodesInvalid(invalid.join(', '));
    fieldErrors.push({ field: 'states', message });
  }

  return fieldErrors.length === 0
    ? null
    : new ApiError(0, 'validation_failed', messages.errors.checkFields, fieldErrors);
}

/** Renders the form that sends an alert, then opens the alert's deliveries page. */
export function SendAlertPage() {
  const me = useSession();
  const [values, setValues] = useState<AlertFormValues>({
    title: '',
    severity: '',
    tlp: '',
    body: '',
    states: '',
    accounts: '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const errors = fieldErrorsFor(error, fieldIds);

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const invalid = checkForm(values);
    setError(invalid);
    if (invalid !== null) return;

    setIsBusy(true);
    try {
      const sent = await callApi({
        method: 'POST',
        path: '/api/v1/alerts',
        body: {
          title: values.title,
          severity: Number(values.severity),
          tlp: values.tlp,
          body: values.body,
          states: parseStateCodes(values.states).codes,
          accounts: splitList(values.accounts),
        },
        schema: SentAlert,
        csrfToken: me.csrfToken,
      });
      navigate(paths.deliveries(sent.id));
    } catch (caught) {
      setError(toApiError(caught));
      setIsBusy(false);
    }
  }

  const update = (patch: Partial<AlertFormValues>) => {
    setValues({ ...values, ...patch });
  };

  return (
    <>
      <PageHeading title={messages.pages.sendAlert}>{messages.pages.sendAlert}</PageHeading>
      <p>{text.intro}</p>
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <ErrorSummary error={error} fieldIds={fieldIds} />
        <Field id={fieldIds.title} label={text.fields.title} error={errors.title}>
          {(aria) => (
            <input
              {...aria}
              name="title"
              type="text"
              required
              value={values.title}
              onChange={(event) => {
                update({ title: event.target.value });
              }}
            />
          )}
        </Field>
        <Field id={fieldIds.severity} label={text.fields.severity} error={errors.severity}>
          {(aria) => (
            <select
              {...aria}
              name="severity"
              required
              value={values.severity}
              onChange={(event) => {
                update({ severity: event.target.value });
              }}
            >
              <option value="">{text.chooseSeverity}</option>
              {severityLevels.map((level) => (
                <option key={level} value={String(level)}>
                  {formatSeverity(level)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={fieldIds.tlp} label={text.fields.tlp} error={errors.tlp}>
          {(aria) => (
            <select
              {...aria}
              name="tlp"
              required
              value={values.tlp}
              onChange={(event) => {
                update({ tlp: event.target.value as TlpLevel | '' });
              }}
            >
              <option value="">{messages.tlp.choose}</option>
              {tlpLevels.map((level) => (
                <option key={level} value={level}>
                  {messages.tlp.levels[level]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={fieldIds.body} label={text.fields.body} error={errors.body}>
          {(aria) => (
            <textarea
              {...aria}
              name="body"
              rows={8}
              required
              value={values.body}
              onChange={(event) => {
                update({ body: event.target.value });
              }}
            />
          )}
        </Field>
        <Field
          id={fieldIds.states}
          label={`${text.fields.states} ${messages.optional}`}
          hint={text.statesHint}
          error={errors.states}
        >
          {(aria) => (
            <input
              {...aria}
              name="states"
              type="text"
              autoComplete="off"
              value={values.states}
              onChange={(event) => {
                update({ states: event.target.value });
              }}
            />
          )}
        </Field>
        <Field
          id={fieldIds.accounts}
          label={`${text.fields.accounts} ${messages.optional}`}
          hint={text.accountsHint}
          error={errors.accounts}
        >
          {(aria) => (
            <textarea
              {...aria}
              name="accounts"
              rows={3}
              value={values.accounts}
              onChange={(event) => {
                update({ accounts: event.target.value });
              }}
            />
          )}
        </Field>
        <p className="actions">
          <button type="submit" disabled={isBusy}>
            {isBusy ? text.sending : text.submit}
          </button>
        </p>
      </form>
    </>
  );
}
