import type { ApiError } from '../api.ts';
import { messages } from '../messages.ts';
import type { Poc } from '../schemas.ts';
import { LevelLabel } from './PocTable.tsx';

const text = messages.pocs;

// A likely duplicate is a 409 with the code `duplicate_suspected`. An entry with the same e-mail
// at the same level is a plain `conflict`, because no confirmation can add that one.
const ID_PATTERN = /\(([0-9a-f-]{36})\)/i;

/** Returns true when the API rejected a new PoC only because it looks like an existing one. */
export function isLikelyDuplicate(error: ApiError): boolean {
  return error.status === 409 && error.code === 'duplicate_suspected';
}

/** One entry the API flagged: the stored PoC when the list contains it, else the API's message. */
type Flagged = { id: string; poc: Poc | undefined; message: string };

function flaggedEntries(error: ApiError, pocs: Poc[]): Flagged[] {
  const byId = new Map<string, Flagged>();
  for (const fieldError of error.fieldErrors) {
    const id = ID_PATTERN.exec(fieldError.message)?.[1] ?? fieldError.message;
    const message = fieldError.message.split(';')[0] ?? fieldError.message;
    if (!byId.has(id)) byId.set(id, { id, poc: pocs.find((poc) => poc.id === id), message });
  }

  return [...byId.values()];
}

/**
 * Shows the existing PoCs that the API found alike (same e-mail, or the same name once case and
 * accents are ignored), with a button to add the new entry anyway.
 */
export function DuplicatePocs({
  error,
  pocs,
  isBusy,
  onAddAnyway,
  onCancel,
}: {
  error: ApiError;
  pocs: Poc[];
  isBusy: boolean;
  onAddAnyway: () => void;
  onCancel: () => void;
}) {
  const entries = flaggedEntries(error, pocs);

  return (
    <section className="warning-panel" aria-labelledby="duplicate-heading" role="alert">
      <h2 id="duplicate-heading">{text.duplicateHeading}</h2>
      <p>{text.duplicateText}</p>
      <table>
        <caption>{text.duplicateCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{text.columns.level}</th>
            <th scope="col">{text.columns.name}</th>
            <th scope="col">{text.columns.email}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) =>
            entry.poc === undefined ? (
              <tr key={entry.id}>
                <td colSpan={3}>{entry.message}</td>
              </tr>
            ) : (
              <tr key={entry.id}>
                <td>
                  <LevelLabel poc={entry.poc} />
                </td>
                <th scope="row">{entry.poc.name}</th>
                <td>{entry.poc.email}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <p className="actions">
        <button type="button" disabled={isBusy} onClick={onAddAnyway}>
          {text.addAnyway}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {messages.cancel}
        </button>
      </p>
    </section>
  );
}
