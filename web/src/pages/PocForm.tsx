import { useState, type SubmitEvent } from 'react';

import { ApiError } from '../api.ts';
import { DateTime, ErrorSummary, Field, fieldErrorsFor } from '../components.tsx';
import { formatDateTime } from '../format.ts';
import { messages } from '../messages.ts';
import { contactRoles, pocLevels, type PocLevel } from '../schemas.ts';
import type { PocFormValues } from './poc-form-values.ts';
import { HoursFieldset, LanguagesField, pocFieldIds, TimeZoneField } from './PocFormParts.tsx';

const text = messages.pocs;

type TextField = 'name' | 'designation' | 'organisation' | 'email' | 'phone' | 'emergencyPhone';

const optionalFields = new Set<TextField>(['phone', 'emergencyPhone']);

/** The OpenPGP key facts the API derived from the stored key. */
export interface StoredKey {
  fingerprint: string;
  expiresAt: string | null;
}

// The API names an invalid range `hours.mon.0`. Naming it by its weekday lets the error appear
// next to that day's input, not only above the whole fieldset.
function withWeekdayFields(error: ApiError | null): ApiError | null {
  if (error === null) return null;
  const fieldErrors = error.fieldErrors.map((fieldError) => {
    const day = /^hours\.(mon|tue|wed|thu|fri|sat|sun)\b/.exec(fieldError.field)?.[1];
    return day === undefined ? fieldError : { ...fieldError, field: day };
  });

  return new ApiError(error.status, error.code, error.message, fieldErrors);
}

/** Renders a saved key's fingerprint and expiry, as the API computed them. */
export function StoredKeyFacts({ storedKey }: { storedKey: StoredKey }) {
  return (
    <dl className="key-facts">
      <dt>{text.fingerprint}</dt>
      <dd className="mono">{storedKey.fingerprint}</dd>
      <dt>{text.expires}</dt>
      <dd>
        {storedKey.expiresAt === null ? (
          text.pgpNeverExpires
        ) : (
          <DateTime iso={storedKey.expiresAt} />
        )}
      </dd>
    </dl>
  );
}

/**
 * Renders the form that adds or changes a PoC. It does no validation of its own, because the API
 * checks every field and its messages appear next to the fields.
 */
export function PocForm({
  heading,
  submitLabel,
  initial,
  storedKey,
  error,
  isBusy,
  onSubmit,
  onCancel,
}: {
  heading: string;
  submitLabel: string;
  initial: PocFormValues;
  /** Fingerprint and expiry of the key stored with the PoC being changed. */
  storedKey: StoredKey | null;
  error: ApiError | null;
  isBusy: boolean;
  onSubmit: (values: PocFormValues) => void;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState<PocFormValues>(initial);
  const [languageDraft, setLanguageDraft] = useState('');
  const formError = withWeekdayFields(error);
  const errors = fieldErrorsFor(formError, pocFieldIds);

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    // A code typed but not yet added is meant to be part of the entry.
    const draft = languageDraft.trim().toLowerCase();
    const languages =
      draft === '' || values.languages.includes(draft)
        ? values.languages
        : [...values.languages, draft];
    setLanguageDraft('');
    setValues({ ...values, languages });
    onSubmit({ ...values, languages });
  }

  function textField(name: TextField, options: { type?: string; hint?: string } = {}) {
    const isOptional = optionalFields.has(name);
    const label = isOptional ? `${text.fields[name]} ${messages.optional}` : text.fields[name];
    const hint = options.hint;

    return (
      <Field id={pocFieldIds[name]} label={label} error={errors[name]} {...(hint ? { hint } : {})}>
        {(aria) => (
          <input
            {...aria}
            name={name}
            type={options.type ?? 'text'}
            required={!isOptional}
            value={values[name]}
            // Editing starts from a button in the table, so the focus follows to the form.
            autoFocus={onCancel !== undefined && name === 'name'}
            onChange={(event) => {
              setValues({ ...values, [name]: event.target.value });
            }}
          />
        )}
      </Field>
    );
  }

  const keyHint =
    storedKey === null
      ? text.pgpKeyHint
      : `${text.pgpKeyHint} ${text.pgpKeyStored(
          storedKey.fingerprint,
          storedKey.expiresAt === null ? text.pgpNeverExpires : formatDateTime(storedKey.expiresAt),
        )}`;

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="poc-form-heading">
      <h2 id="poc-form-heading">{heading}</h2>
      <ErrorSummary error={formError} fieldIds={pocFieldIds} />
      <Field
        id={pocFieldIds.level}
        label={text.fields.level}
        hint={text.levelHint}
        error={errors.level}
      >
        {(aria) => (
          <select
            {...aria}
            name="level"
            required
            value={values.level}
            onChange={(event) => {
              setValues({ ...values, level: event.target.value as PocLevel | '' });
            }}
          >
            <option value="">{text.chooseLevel}</option>
            {pocLevels.map((level) => (
              <option key={level} value={level}>
                {text.levels[level]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id={pocFieldIds.role}
        label={text.fields.role}
        hint={text.roleHint}
        error={errors.role}
      >
        {(aria) => (
          <select
            {...aria}
            name="role"
            value={values.role}
            onChange={(event) => {
              setValues({ ...values, role: event.target.value as PocFormValues['role'] });
            }}
          >
            {contactRoles.map((role) => (
              <option key={role} value={role}>
                {text.roles[role]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {textField('name')}
      {textField('designation')}
      {textField('organisation')}
      {textField('email', { type: 'email' })}
      {textField('phone', { type: 'tel', hint: text.phoneHint })}
      {textField('emergencyPhone', { type: 'tel', hint: text.emergencyPhoneHint })}
      <LanguagesField
        languages={values.languages}
        draft={languageDraft}
        error={errors.languages}
        onDraftChange={setLanguageDraft}
        onChange={(languages) => {
          setValues({ ...values, languages });
        }}
      />
      <TimeZoneField
        value={values.timeZone}
        error={errors.timeZone}
        onChange={(timeZone) => {
          setValues({ ...values, timeZone });
        }}
      />
      <HoursFieldset
        mode={values.hoursMode}
        weeklyHours={values.weeklyHours}
        errors={errors}
        onModeChange={(hoursMode) => {
          setValues({ ...values, hoursMode });
        }}
        onDayChange={(day, ranges) => {
          setValues({ ...values, weeklyHours: { ...values.weeklyHours, [day]: ranges } });
        }}
      />
      <Field
        id={pocFieldIds.pgpKey}
        label={`${text.fields.pgpKey} ${messages.optional}`}
        hint={keyHint}
        error={errors.pgpKey}
      >
        {(aria) => (
          <textarea
            {...aria}
            name="pgpKey"
            rows={6}
            className="mono"
            spellCheck={false}
            value={values.pgpKey}
            onChange={(event) => {
              setValues({ ...values, pgpKey: event.target.value });
            }}
          />
        )}
      </Field>
      <p className="actions">
        <button type="submit" disabled={isBusy}>
          {submitLabel}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="secondary" onClick={onCancel}>
            {messages.cancel}
          </button>
        )}
      </p>
    </form>
  );
}
