import type { ApiError } from '../api.ts';
import { messages } from '../messages.ts';

const text = messages.pocs;

/**
 * Returns true when the API rejected a change because the entry's ETag no longer matched the
 * `If-Match` the page sent: someone changed the entry after the page loaded it.
 */
export function isStaleEntry(error: ApiError): boolean {
  return error.status === 412 && error.code === 'precondition_failed';
}

/** Renders the notice that the entry changed after the page loaded it, with a reload button. */
export function StalePocPanel({
  name,
  isBusy,
  onReload,
}: {
  name: string;
  isBusy: boolean;
  onReload: () => void;
}) {
  return (
    <section className="warning-panel" aria-labelledby="stale-entry-heading" role="alert">
      <h2 id="stale-entry-heading">{text.staleEntryHeading}</h2>
      <p>{text.staleEntryText(name)}</p>
      <p className="actions">
        <button type="button" disabled={isBusy} onClick={onReload}>
          {text.reloadEntry}
        </button>
      </p>
    </section>
  );
}
