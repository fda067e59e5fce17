import { useState, type SubmitEvent } from 'react';

import { callApi, formCheckError, toApiError, type ApiError } from '../api.ts';
import {
  ErrorSummary,
  Field,
  fieldErrorsFor,
  PageHeading,
  StateCodesField,
  SubmitButton,
  TlpSelectField,
} from '../components.tsx';
import { checkStateCodes, formatSeverity, parseStateCodes, splitList } from '../format.ts';
import { messages } from '../messages.ts';
import { navigate, paths } from '../router.tsx';
import { SentAlert, type TlpLevel } from '../schemas.ts';
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
  checkStateCodes(values.states, fieldErrors);

  return fieldErrors.length === 0 ? null : formCheckError(fieldErrors);
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
        <TlpSelectField
          id={fieldIds.tlp}
          label={text.fields.tlp}
          error={errors.tlp}
          value={values.tlp}
          onChange={(tlp) => {
            update({ tlp });
          }}
        />
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
        <StateCodesField
          id={fieldIds.states}
          label={text.fields.states}
          hint={text.statesHint}
          error={errors.states}
          value={values.states}
          onChange={(states) => {
            update({ states });
          }}
        />
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
        <SubmitButton isBusy={isBusy} label={text.submit} busyLabel={text.sending} />
      </form>
    </>
  );
}
