import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { invalidFields, type FieldError } from '../shared/errors.ts';
import { findReadableVersion } from '../sharing/sharing.queries.ts';
import { isTlpLevel, tlpLabel, tlpRank, type TlpLevel } from '../sharing/tlp.ts';

/**
 * Rejects an alert whose `objectIds` name a STIX object the sender cannot read, or one classified
 * stricter than the alert. Unknown and unreadable ids look the same. A stricter object is
 * rejected because its recipients could not open it, yet the alert would reveal that it exists.
 */
export async function checkReferencedObjects(
  ctx: AppContext,
  sender: Principal,
  alert: { tlp: TlpLevel; objectIds: readonly string[] },
) {
  const problems: FieldError[] = [];
  for (const [index, objectId] of alert.objectIds.entries()) {
    const field = `objectIds.${index}`;
    const row = await findReadableVersion(ctx.db, sender, objectId, null);
    if (row === undefined) {
      problems.push({ field, message: (m) => m.problems.alerts.objectNotReadable(objectId) });
      continue;
    }
    const level = isTlpLevel(row.tlp) ? row.tlp : 'red';
    if (tlpRank(level) > tlpRank(alert.tlp)) {
      problems.push({
        field,
        message: (m) =>
          m.problems.alerts.objectStricter(objectId, tlpLabel(level), tlpLabel(alert.tlp)),
      });
    }
  }
  if (problems.length === 0) return;

  throw invalidFields((m) => m.problems.http.invalidInput.alert, problems);
}
