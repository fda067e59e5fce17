import { useEffect, useRef, type ReactNode } from 'react';

import type { ApiError, FieldError } from './api.ts';
import { formatDateTime, formatSeverity, formatTlp, tlpClass } from './format.ts';
import { messages } from './messages.ts';
import { tlpLevels, type TlpLevel } from './schemas.ts';

let hasNavigated = false;

/**
 * Renders the page's `h1` and sets the document title. After a client-side navigation the
 * heading takes the focus, so screen reader users hear that the page changed.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = messages.documentTitle(title);
    if (hasNavigated) heading.current?.focus();
    hasNavigated = true;
  }, [title]);

  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** Splits an API error's field messages into those of the form's fields and the others. */
export function fieldErrorsFor(
  error: ApiError | null,
  fieldIds: Record<string, string>,
): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const fieldError of error?.fieldErrors ?? []) {
    const name = formFieldOf(fieldError, fieldIds);
    if (name !== undefined && byField[name] === undefined) byField[name] = fieldError.message;
  }

  return byField;
}

// The API names nested fields with dotted paths such as `states.2`. The forms here are flat, so
// the first path segment that is a form field wins.
function formFieldOf(fieldError: FieldError, fieldIds: Record<string, string>): string | undefined {
  return fieldError.field.split('.').find((part) => fieldIds[part] !== undefined);
}

/**
 * Renders the problem summary at the top of a form. It shows the API's `detail` and lists the
 * field messages that no field of the form can show, because the others appear by their fields.
 */
export function ErrorSummary({
  error,
  fieldIds = {},
}: {
  error: ApiError | null;
  fieldIds?: Record<string, string>;
}) {
  if (error === null) return null;
  const unshown = error.fieldErrors.filter(
    (fieldError) => formFieldOf(fieldError, fieldIds) === undefined,
  );

  return (
    <div className="error-summary" role="alert">
      <h2>{messages.errors.summary}</h2>
      <p>{error.message}</p>
      {unshown.length > 0 && (
        <ul>
          {unshown.map((fieldError) => (
            <li key={`${fieldError.field}:${fieldError.message}`}>
              {fieldError.field}: {fieldError.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** ARIA attributes that tie an input to its hint and error message. */
export interface FieldAria {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

/** Renders a labelled form field with an optional hint and its error message. */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (aria: FieldAria) => ReactNode;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint === undefined ? null : hintId, error === undefined ? null : errorId]
    .filter((part) => part !== null)
    .join(' ');
  const aria: FieldAria = { id };
  if (describedBy !== '') aria['aria-describedby'] = describedBy;
  if (error !== undefined) aria['aria-invalid'] = true;

  return (
    <div className={error === undefined ? 'field' : 'field field-invalid'}>
      <label htmlFor={id}>{label}</label>
      {hint !== undefined && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error !== undefined && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {children(aria)}
    </div>
  );
}

/** Renders a required choice of TLP level, which starts on an empty "choose" option. */
export function TlpSelectField({
  id,
  label,
  error,
  value,
  onChange,
}: {
  id: string;
  label: string;
  error: string | undefined;
  value: TlpLevel | '';
  onChange: (value: TlpLevel | '') => void;
}) {
  return (
    <Field id={id} label={label} error={error}>
      {(aria) => (
        <select
          {...aria}
          name="tlp"
          required
          value={value}
          onChange={(event) => {
            onChange(event.target.value as TlpLevel | '');
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
  );
}

/** Renders the optional `states` field, where a person types state codes such as `FR, KE`. */
export function StateCodesField({
  id,
  label,
  hint,
  error,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  error: string | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field id={id} label={`${label} ${messages.optional}`} hint={hint} error={error}>
      {(aria) => (
        <input
          {...aria}
          name="states"
          type="text"
          autoComplete="off"
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
          }}
        />
      )}
    </Field>
  );
}

/** Renders a form's submit button, disabled and showing `busyLabel` while the form is sent. */
export function SubmitButton({
  isBusy,
  label,
  busyLabel = label,
}: {
  isBusy: boolean;
  label: string;
  busyLabel?: string;
}) {
  return (
    <p className="actions">
      <button type="submit" disabled={isBusy}>
        {isBusy ? busyLabel : label}
      </button>
    </p>
  );
}

/**
 * Renders a group of checkboxes as a fieldset with a legend, a hint and the API's error message,
 * which the fieldset names as its description.
 */
export function ChoiceGroup({
  id,
  legend,
  hint,
  error,
  children,
}: {
  id: string;
  legend: string;
  hint: string;
  error: string | undefined;
  children: ReactNode;
}) {
  const describedBy = error === undefined ? `${id}-hint` : `${id}-hint ${id}-error`;

  return (
    <fieldset
      id={id}
      className={error === undefined ? 'field' : 'field field-invalid'}
      aria-describedby={describedBy}
    >
      <legend>{legend}</legend>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      {error !== undefined && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {children}
    </fieldset>
  );
}

/** Renders a polite live region for confirmations such as "PoC added". */
export function StatusMessage({ children }: { children: ReactNode }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}

/** Renders a timestamp as readable text in a `time` element with the ISO value. */
export function DateTime({ iso }: { iso: string | null | undefined }) {
  if (iso == null) return <>{messages.none}</>;

  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

/** Renders a severity as number and name, for example `5 Emergency`. */
export function SeverityBadge({ level }: { level: number }) {
  return <span className={`badge severity-${level}`}>{formatSeverity(level)}</span>;
}

/** Renders a TLP label in the TLP 2.0 colours, which are coloured text on black. */
export function TlpBadge({ tlp }: { tlp: string }) {
  return <span className={`badge tlp tlp-${tlpClass(tlp)}`}>{formatTlp(tlp)}</span>;
}
