import type { ApiError, FieldError } from '../api.ts';
import { checkStateCodes } from '../format.ts';
import { messages } from '../messages.ts';
import type { InjectKind, InjectTlp } from './exercises.schemas.ts';

/** One inject in the creation form. `key` tells React which inject a fieldset shows. */
export interface InjectDraft {
  key: number;
  kind: InjectKind;
  title: string;
  body: string;
  offsetMinutes: string;
  windowMinutes: string;
  tlp: InjectTlp;
  /** STIX bundle as JSON text, for bundle injects only. */
  bundle: string;
}

/** The creation form's values. */
export interface ExerciseDraft {
  title: string;
  scenario: string;
  states: string;
  levels: string[];
  partnerOrgIds: string[];
  injects: InjectDraft[];
}

/** Inject fields that have an input of their own in the form. */
export const injectFieldNames = [
  'kind',
  'title',
  'body',
  'offsetMinutes',
  'windowMinutes',
  'tlp',
  'bundle',
] as const;

/** An inject field with an input of its own. */
export type InjectFieldName = (typeof injectFieldNames)[number];

let nextKey = 0;

/** Returns an empty inject draft with a key no other draft has. */
export function newInjectDraft(): InjectDraft {
  nextKey += 1;

  return {
    key: nextKey,
    kind: 'check',
    title: '',
    body: '',
    offsetMinutes: '0',
    windowMinutes: '60',
    tlp: 'amber',
    bundle: '',
  };
}

// An empty minutes field is left out, so the server's default applies or it names the field. Other
// text is sent as a number. Text that is no number becomes null in JSON, and the server rejects it.
function minutes(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}

function injectBody(draft: InjectDraft, index: number, errors: FieldError[]) {
  const body: Record<string, unknown> = {
    kind: draft.kind,
    title: draft.title,
    body: draft.body,
    offsetMinutes: minutes(draft.offsetMinutes),
    windowMinutes: minutes(draft.windowMinutes),
    tlp: draft.tlp,
  };
  if (draft.kind !== 'bundle') return body;

  const field = `injects.${index}.bundle`;
  if (draft.bundle.trim() === '') {
    errors.push({ field, message: messages.exercises.bundleMissing });
    return body;
  }
  try {
    body.bundle = JSON.parse(draft.bundle) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    errors.push({ field, message: messages.exercises.bundleNotJson(reason) });
  }

  return body;
}

/**
 * Builds the body of `POST /api/v1/exercises` from the form, or returns the field errors found
 * before sending: invalid state codes and bundle text that is not JSON.
 */
export function buildExerciseBody(
  draft: ExerciseDraft,
): { body: Record<string, unknown> } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const codes = checkStateCodes(draft.states, errors);
  const injects = draft.injects.map((inject, index) => injectBody(inject, index, errors));
  if (errors.length > 0) return { errors };

  return {
    body: {
      title: draft.title,
      scenario: draft.scenario,
      states: codes,
      levels: draft.levels,
      partnerOrgIds: draft.partnerOrgIds,
      injects,
    },
  };
}

/** Returns the first message the API gave for the field `path` or for a part of it. */
export function errorAt(error: ApiError | null, path: string): string | undefined {
  return error?.fieldErrors.find(
    (fieldError) => fieldError.field === path || fieldError.field.startsWith(`${path}.`),
  )?.message;
}

/**
 * Returns the messages about inject `index` that no input of the inject shows, such as a field
 * the server does not know, each with the field it names.
 */
export function otherInjectErrors(error: ApiError | null, index: number): FieldError[] {
  const prefix = `injects.${index}`;
  const shown = new Set(injectFieldNames.map((name) => `${prefix}.${name}`));

  return (error?.fieldErrors ?? []).filter(
    (fieldError) =>
      (fieldError.field === prefix || fieldError.field.startsWith(`${prefix}.`)) &&
      ![...shown].some(
        (field) => fieldError.field === field || fieldError.field.startsWith(`${field}.`),
      ),
  );
}
