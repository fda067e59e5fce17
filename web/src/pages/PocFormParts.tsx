import ISO6391 from 'iso-639-1';
import type { KeyboardEvent } from 'react';

import { Field } from '../components.tsx';
import { messages } from '../messages.ts';
import { weekdays, type Weekday } from '../schemas.ts';
import type { HoursMode } from './poc-form-values.ts';

const text = messages.pocs;

/** Element ids of the PoC form's fields, keyed by the API's field names. */
export const pocFieldIds = {
  level: 'poc-level',
  role: 'poc-role',
  name: 'poc-name',
  designation: 'poc-designation',
  organisation: 'poc-organisation',
  email: 'poc-email',
  phone: 'poc-phone',
  emergencyPhone: 'poc-emergency-phone',
  languages: 'poc-languages',
  timeZone: 'poc-time-zone',
  hours: 'poc-hours',
  pgpKey: 'poc-pgp-key',
  // Weekday keys take the errors of `hours.<day>.<n>`, which PocForm renames to the day alone.
  ...(Object.fromEntries(weekdays.map((day) => [day, `poc-hours-${day}`])) as Record<
    Weekday,
    string
  >),
} as const;

const LANGUAGE_LIST_ID = 'poc-language-codes';
const TIME_ZONE_LIST_ID = 'poc-time-zone-names';

/** Returns the English name of an ISO 639-1 code, or the code itself when it is unknown. */
export function languageName(code: string): string {
  const name = ISO6391.getName(code);

  return name === '' ? code : name;
}

/**
 * Renders the languages as a multi-value input: a text box that adds a code on Enter or with the
 * Add button, and a list of the chosen codes, each with its own remove button.
 */
export function LanguagesField({
  languages,
  draft,
  error,
  onDraftChange,
  onChange,
}: {
  languages: string[];
  draft: string;
  error: string | undefined;
  onDraftChange: (draft: string) => void;
  onChange: (languages: string[]) => void;
}) {
  function addDraft() {
    const code = draft.trim().toLowerCase();
    if (code !== '' && !languages.includes(code)) onChange([...languages, code]);
    onDraftChange('');
  }

  function handleKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    // Enter adds the code instead of sending the whole form.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    addDraft();
  }

  return (
    <Field
      id={pocFieldIds.languages}
      label={`${text.fields.languages} ${messages.optional}`}
      hint={text.languagesHint}
      error={error}
    >
      {(aria) => (
        <>
          <div className="inline-input">
            <input
              {...aria}
              type="text"
              list={LANGUAGE_LIST_ID}
              autoComplete="off"
              value={draft}
              onKeyDown={handleKeyDown}
              onChange={(event) => {
                onDraftChange(event.target.value);
              }}
            />
            <button type="button" className="secondary" onClick={addDraft}>
              {text.addLanguage}
            </button>
          </div>
          <datalist id={LANGUAGE_LIST_ID}>
            {ISO6391.getAllCodes().map((code) => (
              <option key={code} value={code}>
                {languageName(code)}
              </option>
            ))}
          </datalist>
          {languages.length === 0 ? (
            <p className="hint">{text.noLanguages}</p>
          ) : (
            <ul className="chips" aria-label={text.chosenLanguages}>
              {languages.map((code) => (
                <li key={code}>
                  <span lang={code}>{`${code} · ${languageName(code)}`}</span>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={text.removeLanguage(languageName(code))}
                    onClick={() => {
                      onChange(languages.filter((language) => language !== code));
                    }}
                  >
                    {text.removeSymbol}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Field>
  );
}

function supportedTimeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    // An older browser without the list still lets the user type the name.
    return [];
  }
}

/** Renders the time zone as a text box that suggests the browser's IANA time zone names. */
export function TimeZoneField({
  value,
  error,
  onChange,
}: {
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field
      id={pocFieldIds.timeZone}
      label={`${text.fields.timeZone} ${messages.optional}`}
      hint={text.timeZoneHint}
      error={error}
    >
      {(aria) => (
        <>
          <input
            {...aria}
            type="text"
            list={TIME_ZONE_LIST_ID}
            autoComplete="off"
            value={value}
            onChange={(event) => {
              onChange(event.target.value);
            }}
          />
          <datalist id={TIME_ZONE_LIST_ID}>
            {supportedTimeZones().map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

const hoursModes: HoursMode[] = ['none', 'always', 'weekly'];

/** Renders working hours: not given, 24/7, or ranges per weekday. */
export function HoursFieldset({
  mode,
  weeklyHours,
  errors,
  onModeChange,
  onDayChange,
}: {
  mode: HoursMode;
  weeklyHours: Record<Weekday, string>;
  errors: Record<string, string>;
  onModeChange: (mode: HoursMode) => void;
  onDayChange: (day: Weekday, ranges: string) => void;
}) {
  const hintId = `${pocFieldIds.hours}-hint`;
  const errorId = `${pocFieldIds.hours}-error`;
  const hoursError = errors.hours;
  const describedBy = hoursError === undefined ? hintId : `${hintId} ${errorId}`;

  return (
    <fieldset
      id={pocFieldIds.hours}
      className={hoursError === undefined ? 'field' : 'field field-invalid'}
      aria-describedby={describedBy}
    >
      <legend>{`${text.hoursLegend} ${messages.optional}`}</legend>
      <p className="hint" id={hintId}>
        {text.hoursHint}
      </p>
      {hoursError !== undefined && (
        <p className="field-error" id={errorId}>
          {hoursError}
        </p>
      )}
      <div className="radios">
        {hoursModes.map((option) => (
          <label key={option} className="radio">
            <input
              type="radio"
              name="hoursMode"
              value={option}
              checked={mode === option}
              onChange={() => {
                onModeChange(option);
              }}
            />
            {text.hoursModes[option]}
          </label>
        ))}
      </div>
      {mode === 'weekly' &&
        weekdays.map((day) => (
          <Field key={day} id={pocFieldIds[day]} label={text.weekdays[day]} error={errors[day]}>
            {(aria) => (
              <input
                {...aria}
                type="text"
                placeholder={text.hoursPlaceholder}
                value={weeklyHours[day]}
                onChange={(event) => {
                  onDayChange(day, event.target.value);
                }}
              />
            )}
          </Field>
        ))}
    </fieldset>
  );
}
