import { DateTime } from '../components.tsx';
import { messages } from '../messages.ts';
import { Link, paths } from '../router.tsx';
import type { Poc } from '../schemas.ts';

const text = messages.pocs;

/** Renders a PoC's level, with "(alternate)" for a stand-in. */
export function LevelLabel({ poc }: { poc: Pick<Poc, 'level' | 'role'> }) {
  return (
    <>
      {text.levels[poc.level]}
      {poc.role === 'alternate' && ` ${text.alternateSuffix}`}
    </>
  );
}

/** Renders when an entry was last confirmed, with a Stale badge past the confirmation period. */
function Freshness({ poc }: { poc: Poc }) {
  return (
    <>
      <DateTime iso={poc.lastConfirmedAt} />
      {poc.stale && (
        <>
          {' '}
          <span className="badge stale" title={text.staleHint}>
            {text.stale}
          </span>
        </>
      )}
    </>
  );
}

/** Renders the state's PoCs with buttons to edit, confirm and delete them, and a history link. */
export function PocTable({
  pocs,
  busyId,
  onEdit,
  onConfirm,
  onDelete,
}: {
  pocs: Poc[];
  /** Id of the PoC whose confirmation is being sent. Its Confirm button is disabled until then. */
  busyId: string | null;
  onEdit: (poc: Poc) => void;
  onConfirm: (poc: Poc) => void;
  onDelete: (poc: Poc) => void;
}) {
  const columns = text.columns;

  return (
    <table>
      <caption>{text.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{columns.level}</th>
          <th scope="col">{columns.name}</th>
          <th scope="col">{columns.designation}</th>
          <th scope="col">{columns.organisation}</th>
          <th scope="col">{columns.email}</th>
          <th scope="col">{columns.phone}</th>
          <th scope="col">{columns.confirmed}</th>
          <th scope="col">{columns.actions}</th>
        </tr>
      </thead>
      <tbody>
        {pocs.map((poc) => (
          <tr key={poc.id} data-poc-id={poc.id}>
            <td>
              <LevelLabel poc={poc} />
            </td>
            <th scope="row">{poc.name}</th>
            <td>{poc.designation}</td>
            <td>{poc.organisation}</td>
            <td>{poc.email}</td>
            <td>{poc.phone ?? messages.none}</td>
            <td>
              <Freshness poc={poc} />
            </td>
            <td>
              <div className="row-actions">
                <button
                  type="button"
                  className="secondary"
                  aria-label={text.editPoc(poc.name)}
                  onClick={() => {
                    onEdit(poc);
                  }}
                >
                  {text.edit}
                </button>
                <button
                  type="button"
                  className="secondary"
                  aria-label={text.confirmPoc(poc.name)}
                  disabled={busyId === poc.id}
                  onClick={() => {
                    onConfirm(poc);
                  }}
                >
                  {text.confirm}
                </button>
                <Link href={paths.pocHistory(poc.id)} aria-label={text.historyOf(poc.name)}>
                  {text.history}
                </Link>
                <button
                  type="button"
                  className="danger"
                  aria-label={text.deletePoc(poc.name)}
                  onClick={() => {
                    onDelete(poc);
                  }}
                >
                  {text.delete}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
