import { useState, type SubmitEvent } from 'react';

import { ApiError, callApi, formCheckError } from '../api.ts';
import {
  ErrorSummary,
  Field,
  fieldErrorsFor,
  PageHeading,
  StateCodesField,
  SubmitButton,
  TlpSelectField,
} from '../components.tsx';
import { checkStateCodes } from '../format.ts';
import { useResource, useSubmission } from '../hooks.ts';
import { messages } from '../messages.ts';
import { BundleResult, type TlpLevel } from '../schemas.ts';
import { useSession } from '../session.tsx';
import { ShareRecipients } from './sharing.schemas.ts';
import { ShareRecipientsFields, type ChosenRecipients } from './ShareRecipientsFields.tsx';

const text = messages.share;

const fieldIds = {
  file: 'bundle-file',
  tlp: 'bundle-tlp',
  states: 'bundle-states',
  orgs: 'bundle-orgs',
  accounts: 'bundle-accounts',
} as const;

/**
 * Checks the form before anything is sent, so a wrong file or code costs no upload. Returns the
 * request parts, or an error naming the fields.
 */
async function prepareUpload(
  file: File | null,
  tlp: TlpLevel | '',
  states: string,
  recipients: ChosenRecipients,
): Promise<{ body: string; query: URLSearchParams } | ApiError> {
  const fieldErrors: { field: string; message: string }[] = [];
  let body = '';
  if (file === null) {
    fieldErrors.push({ field: 'file', message: text.fileMissing });
  } else {
    body = await file.text();
    try {
      JSON.parse(body);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      fieldErrors.push({ field: 'file', message: text.fileNotJson(reason) });
    }
  }
  if (tlp === '') fieldErrors.push({ field: 'tlp', message: text.tlpMissing });
  const codes = checkStateCodes(states, fieldErrors);
  if (fieldErrors.length > 0) return formCheckError(fieldErrors);

  const query = new URLSearchParams({ tlp });
  if (codes.length > 0) query.set('states', codes.join(','));
  // The API splits each option at commas, so one joined value carries the whole list.
  if (recipients.orgs.length > 0) query.set('orgs', recipients.orgs.join(','));
  if (recipients.accounts.length > 0) query.set('accounts', recipients.accounts.join(','));

  return { body, query };
}

/**
 * Renders the upload form for a STIX 2.1 bundle with its TLP level and its recipients: states,
 * partner organisations and accounts.
 */
export function ShareBundlePage() {
  const me = useSession();
  const recipients = useResource(() =>
    callApi({ path: '/api/v1/bundles/recipients', schema: ShareRecipients }),
  );
  const [chosen, setChosen] = useState<ChosenRecipients>({ accounts: [], orgs: [] });
  const [file, setFile] = useState<File | null>(null);
  const [tlp, setTlp] = useState<TlpLevel | ''>('');
  const [states, setStates] = useState('');
  const [result, setResult] = useState<BundleResult | null>(null);
  const submission = useSubmission();
  const { error, isBusy } = submission;
  const errors = fieldErrorsFor(error, fieldIds);

  async function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    await submission.run(async () => {
      const upload = await prepareUpload(file, tlp, states, chosen);
      if (upload instanceof ApiError) {
        submission.setError(upload);
        return;
      }
      const reply = await callApi({
        method: 'POST',
        path: `/api/v1/bundles?${upload.query.toString()}`,
        body: upload.body,
        schema: BundleResult,
        csrfToken: me.csrfToken,
      });
      setResult(reply);
    });
  }

  return (
    <>
      <PageHeading title={messages.pages.share}>{messages.pages.share}</PageHeading>
      <p>{text.intro}</p>
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <ErrorSummary error={error} fieldIds={fieldIds} />
        <Field id={fieldIds.file} label={text.fields.file} error={errors.file}>
          {(aria) => (
            <input
              {...aria}
              name="file"
              type="file"
              accept=".json,application/json,application/stix+json"
              required
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
              }}
            />
          )}
        </Field>
        <TlpSelectField
          id={fieldIds.tlp}
          label={text.fields.tlp}
          error={errors.tlp}
          value={tlp}
          onChange={setTlp}
        />
        <StateCodesField
          id={fieldIds.states}
          label={text.fields.states}
          hint={text.statesHint}
          error={errors.states}
          value={states}
          onChange={setStates}
        />
        {recipients.error !== null && <ErrorSummary error={recipients.error} />}
        {recipients.data === null && recipients.error === null && <p>{messages.loading}</p>}
        {recipients.data !== null && (
          <ShareRecipientsFields
            ids={fieldIds}
            recipients={recipients.data}
            chosen={chosen}
            errors={errors}
            onChange={setChosen}
          />
        )}
        <SubmitButton isBusy={isBusy} label={text.submit} busyLabel={text.sending} />
      </form>
      {result !== null && <BundleResultView result={result} />}
    </>
  );
}

// The API sends warnings as `{ id, reason }`. Plain strings and `message` fields are read too.
function describeWarning(warning: unknown): string {
  if (typeof warning === 'string') return warning;
  if (typeof warning !== 'object' || warning === null) return JSON.stringify(warning);

  let text: unknown;
  if ('reason' in warning) text = warning.reason;
  else if ('message' in warning) text = warning.message;
  const id = 'id' in warning ? warning.id : undefined;
  if (typeof text !== 'string') return JSON.stringify(warning);

  return typeof id === 'string' ? `${id}: ${text}` : text;
}

function BundleResultView({ result }: { result: BundleResult }) {
  const storedCount = typeof result.stored === 'number' ? result.stored : result.stored.length;
  const warnings = result.warnings ?? [];

  return (
    <section aria-labelledby="bundle-result-heading" role="status">
      <h2 id="bundle-result-heading">{text.resultHeading}</h2>
      <p>{text.stored(storedCount)}</p>
      {result.rejected.length === 0 ? (
        <p>{text.rejectedNone}</p>
      ) : (
        <table>
          <caption>{text.rejectedCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{text.rejectedColumns.id}</th>
              <th scope="col">{text.rejectedColumns.reason}</th>
            </tr>
          </thead>
          <tbody>
            {result.rejected.map((rejection, index) => (
              <tr key={`${rejection.id ?? ''}-${index}`}>
                <td className="mono">{rejection.id ?? messages.none}</td>
                <td>{rejection.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {warnings.length > 0 && (
        <>
          <h3>{text.warningsHeading}</h3>
          <ul>
            {warnings.map((warning, index) => (
              <li key={index}>{describeWarning(warning)}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
