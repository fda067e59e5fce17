import type { ReactNode } from 'react';

import type { ApiError } from '../api.ts';
import { Field, type FieldAria } from '../components.tsx';
import { messages } from '../messages.ts';
import {
  errorAt,
  otherInjectErrors,
  type InjectDraft,
  type InjectFieldName,
} from './exercise-form-values.ts';
import { injectKinds, injectTlps, type InjectKind, type InjectTlp } from './exercises.schemas.ts';

const text = messages.exercises;

/** Returns the id of one input of an inject, for labels and focus. */
export function injectFieldId(draft: InjectDraft, name: InjectFieldName): string {
  return `inject-${draft.key}-${name}`;
}

/** Renders the inputs of one inject of the creation form, with the API's errors by each. */
export function InjectFieldset({
  draft,
  index,
  error,
  onChange,
  onRemove,
}: {
  draft: InjectDraft;
  index: number;
  error: ApiError | null;
  onChange: (draft: InjectDraft) => void;
  onRemove: () => void;
}) {
  const path = (name: InjectFieldName) => `injects.${index}.${name}`;
  const others = otherInjectErrors(error, index);
  const field = (name: InjectFieldName, input: (aria: FieldAria) => ReactNode, hint?: string) => (
    <Field
      id={injectFieldId(draft, name)}
      label={text.injectFields[name]}
      error={errorAt(error, path(name))}
      {...(hint === undefined ? {} : { hint })}
    >
      {input}
    </Field>
  );
  const textInput = (name: 'title' | 'offsetMinutes' | 'windowMinutes', inputMode?: 'numeric') =>
    field(
      name,
      (aria) => (
        <input
          {...aria}
          type="text"
          inputMode={inputMode}
          autoComplete="off"
          value={draft[name]}
          onChange={(event) => {
            onChange({ ...draft, [name]: event.target.value });
          }}
        />
      ),
      name === 'title' ? undefined : text.injectHints[name],
    );

  return (
    <fieldset className="inject" data-inject-index={index}>
      <legend>{text.injectLegend(index + 1)}</legend>
      {others.length > 0 && (
        <ul className="field-error">
          {others.map((other) => (
            <li key={other.field}>{text.injectFieldError(other.field, other.message)}</li>
          ))}
        </ul>
      )}
      {field('kind', (aria) => (
        <select
          {...aria}
          value={draft.kind}
          onChange={(event) => {
            onChange({ ...draft, kind: event.target.value as InjectKind });
          }}
        >
          {injectKinds.map((kind) => (
            <option key={kind} value={kind}>
              {text.kinds[kind]}
            </option>
          ))}
        </select>
      ))}
      {textInput('title')}
      {field(
        'tlp',
        (aria) => (
          <select
            {...aria}
            value={draft.tlp}
            onChange={(event) => {
              onChange({ ...draft, tlp: event.target.value as InjectTlp });
            }}
          >
            {injectTlps.map((level) => (
              <option key={level} value={level}>
                {messages.tlp.levels[level]}
              </option>
            ))}
          </select>
        ),
        text.injectHints.tlp,
      )}
      {field('body', (aria) => (
        <textarea
          {...aria}
          rows={4}
          value={draft.body}
          onChange={(event) => {
            onChange({ ...draft, body: event.target.value });
          }}
        />
      ))}
      {draft.kind === 'bundle' &&
        field(
          'bundle',
          (aria) => (
            <textarea
              {...aria}
              className="mono"
              rows={10}
              spellCheck={false}
              value={draft.bundle}
              onChange={(event) => {
                onChange({ ...draft, bundle: event.target.value });
              }}
            />
          ),
          text.injectHints.bundle,
        )}
      {textInput('offsetMinutes', 'numeric')}
      {textInput('windowMinutes', 'numeric')}
      <p className="actions">
        <button
          type="button"
          className="secondary"
          aria-label={text.removeInjectNamed(index + 1)}
          onClick={onRemove}
        >
          {text.removeInject}
        </button>
      </p>
    </fieldset>
  );
}
