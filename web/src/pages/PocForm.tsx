import { useState, type SubmitEvent } from 'react';

import type { ApiError } from '../api.ts';
import { ErrorSummary, Field, fieldErrorsFor } from '../components.tsx';
import { messages } from '../messages.ts';
import { pocLevels, type Poc, type PocLevel } from '../schemas.ts';

const text = messages.pocs;

/** Values of the PoC form, as typed. */
export interface PocFormValues {
  level: PocLevel | '';
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone: string;
}

/** Empty values for a new PoC. */
export const emptyPocForm: PocFormValues = {
  level: '',
  name: '',
  designation: '',
  organisation: '',
  email: '',
  phone: '',
};

/** Converts a stored PoC into form values. */
export function toPocFormValues(poc: Poc): PocFormValues {
  return {
    level: poc.level,
    name: poc.name,
    designation: poc.designation,
    organisation: poc.organisation,
    email: poc.email,
    phone: poc.phone ?? '',
  };
}

// TODO: the PoC API also stores role (primary or alternate), emergency telephone, languages,
// time zone, working hours and OpenPGP key, which this form cannot set or change yet.
const fieldIds = {
  level: 'poc-level',
  name: 'poc-name',
  designation: 'poc-designation',
  organisation: 'poc-organisation',
  email: 'poc-email',
  phone: 'poc-phone',
} as const;

type TextField = Exclude<keyof PocFormValues, 'level'>;

/**
 * Renders the form that adds or changes a PoC. It does no validation of its own, because the API
 * checks every field and its messages appear next to the fields.
 */
export function PocForm({
  heading,
  submitLabel,
  initial,
  error,
  isBusy,
  onSubmit,
  onCancel,
}: {
  heading: string;
  submitLabel: string;
  initial: PocFormValues;
  error: ApiError | null;
  isBusy: boolean;
  onSubmit: (values: PocFormValues) => void;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState<PocFormValues>(initial);
  const errors = fieldErrorsFor(error, fieldIds);

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit(values);
  }

  function textField(name: TextField, options: { type?: string; hint?: string } = {}) {
    const isOptional = name === 'phone';
    const label = isOptional ? `${text.fields[name]} ${messages.optional}` : text.fields[name];
    const hint = options.hint;

    return (
      <Field id={fieldIds[name]} label={label} error={errors[name]} {...(hint ? { hint } : {})}>
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

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="poc-form-heading">
      <h2 id="poc-form-heading">{heading}</h2>
      <ErrorSummary error={error} fieldIds={fieldIds} />
      <Field
        id={fieldIds.level}
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
      {textField('name')}
      {textField('designation')}
      {textField('organisation')}
      {textField('email', { type: 'email' })}
      {textField('phone', { type: 'tel', hint: text.phoneHint })}
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
