import type { Insertable } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { StixObjectGrantsTable, StixObjectsTable } from '../db/schema.ts';
import { audienceGrants, type Recipients } from './access.ts';
import type { PapLevel } from './markings.ts';
import { claimObjects, findVersionsOf, insertGrants, insertVersions } from './sharing.queries.ts';
import type { SharingDeps, RejectedObject } from './sharing.service.ts';
import type { CheckedObject } from './stix-validation.ts';
import type { TlpLevel } from './tlp.ts';

/** An object that passed the checks and was classified, ready to be stored. */
export interface Candidate {
  index: number;
  item: CheckedObject;
  /** Version string exactly as received, or the time added for observables. */
  version: string;
  versionKey: string;
  tlp: TlpLevel;
  pap: PapLevel | null;
  /** The object's JSON text as stored and returned. */
  data: string;
  /** True when only the sharer's own state, organisation or secretariat may read it. */
  isOwnOnly: boolean;
  /** 0 (Baseline) to 5 (Emergency). */
  severity: number;
  kind: string | null;
  /** Requested response time as an ISO timestamp, or null. */
  respondBy: string | null;
}

const NO_RECIPIENTS: Recipients = { states: [], organisationIds: [], accountIds: [] };

/** A version already stored or accepted earlier in the same import. */
interface KnownVersion {
  version: string;
  key: string;
  data: string;
  revoked: boolean;
}

/** Names who owns what a sharer shares: their state, their organisation, or the secretariat. */
function ownerOf(sharer: { sharer_state: string | null; sharer_org: string | null }): string {
  if (sharer.sharer_state !== null) return `state:${sharer.sharer_state}`;

  return sharer.sharer_org === null ? 'secretariat' : `organisation:${sharer.sharer_org}`;
}

/** Outcome of storing the candidates of one import. */
export interface StoreOutcome {
  accepted: { id: string; version: string }[];
  rejected: RejectedObject[];
  /** Rows written now; the rest of `accepted` was already stored. */
  inserted: number;
  /** TLP:RED rows written now. */
  storedRed: number;
}

type Decision =
  { kind: 'insert' } | { kind: 'duplicate'; version: string } | { kind: 'reject'; reason: string };

/**
 * Decides what to do with one incoming version from `owner`, given the versions known for its id
 * and the id's creator. The same version with the same content is a no-op, and the same version
 * with other content is rejected. Revocation is final in STIX 2.1, so a later version that is not
 * itself revoked is rejected too.
 */
// NOTE: a rejection tells the sharer that the id is taken even when they cannot read it; a
// bundle cannot be partly accepted without saying which objects were refused.
function decide(
  candidate: Candidate,
  known: readonly KnownVersion[],
  creator: string | undefined,
  owner: string,
): Decision {
  if (candidate.item.version === null) {
    // Observables have no version of their own; identical content is the same observable.
    const same = known.find((version) => version.data === candidate.data);
    if (same !== undefined) return { kind: 'duplicate', version: same.version };
  }
  const sameKey = known.find((version) => version.key === candidate.versionKey);
  // Sharing a copy of a stored version changes nothing, whoever sends it (two states may import
  // the same public bundle); its classification stays the first sharer's.
  if (sameKey !== undefined && sameContent(sameKey.data, candidate.data)) {
    return { kind: 'duplicate', version: sameKey.version };
  }
  // STIX 2.1 §3.6: only the creator of an object makes new versions of it.
  if (creator !== undefined && creator !== owner) {
    return {
      kind: 'reject',
      reason:
        'this id belongs to an object another state or organisation shared; only its creator ' +
        'adds versions, so give your object a new id',
    };
  }
  if (sameKey !== undefined) {
    return {
      kind: 'reject',
      reason: `a different object with version ${candidate.version} of this id is already stored`,
    };
  }

  const revoked = known
    .filter((version) => version.revoked)
    .sort((a, b) => (a.key < b.key ? -1 : 1))[0];
  if (revoked !== undefined && candidate.versionKey > revoked.key && !candidate.item.revoked) {
    return {
      kind: 'reject',
      reason: `the object was revoked in version ${revoked.version}, and a revoked object cannot be un-revoked`,
    };
  }

  return { kind: 'insert' };
}

/** Compares two versions' JSON, ignoring their markings, which the store rewrites per TLP. */
function sameContent(stored: string, incoming: string): boolean {
  if (stored === incoming) return true;
  const strip = (text: string) => {
    const object = JSON.parse(text) as Record<string, unknown>;
    delete object.object_marking_refs;

    return JSON.stringify(object);
  };

  return strip(stored) === strip(incoming);
}

function isRevoked(data: string): boolean {
  return (JSON.parse(data) as { revoked?: unknown }).revoked === true;
}

function byIdThenVersion(a: Candidate, b: Candidate): number {
  if (a.item.id !== b.item.id) return a.item.id < b.item.id ? -1 : 1;

  if (a.versionKey !== b.versionKey) return a.versionKey < b.versionKey ? -1 : 1;

  return a.index - b.index;
}

/**
 * Stores the candidates of one import in one transaction, with the audience grants of every new
 * row. Versions of one id are decided oldest first, so a revocation in the same bundle counts.
 * The ids are claimed before their versions are read, so a concurrent import of the same id by
 * another owner waits for this one and is then rejected.
 */
export async function storeVersions(
  deps: SharingDeps,
  sharer: Principal,
  recipients: Recipients,
  candidates: readonly Candidate[],
  now: string,
): Promise<StoreOutcome> {
  return deps.db.transaction().execute(async (trx) => {
    const sharerOwner = ownerOf({
      sharer_state: sharer.stateCode,
      sharer_org: sharer.organisationId,
    });
    const ids = [...new Set(candidates.map((candidate) => candidate.item.id))];
    const creators = await claimObjects(trx, ids, sharerOwner);
    const known = new Map<string, KnownVersion[]>();
    for (const row of await findVersionsOf(trx, ids)) {
      const list = known.get(row.object_id) ?? [];
      list.push({
        version: row.version,
        key: row.version_key,
        data: row.data,
        revoked: isRevoked(row.data),
      });
      known.set(row.object_id, list);
    }

    const outcome: StoreOutcome = { accepted: [], rejected: [], inserted: 0, storedRed: 0 };
    const toInsert: Candidate[] = [];
    for (const candidate of [...candidates].sort(byIdThenVersion)) {
      const versions = known.get(candidate.item.id) ?? [];
      const decision = decide(candidate, versions, creators.get(candidate.item.id), sharerOwner);
      if (decision.kind === 'reject') {
        outcome.rejected.push({
          id: candidate.item.id,
          index: candidate.index,
          reason: decision.reason,
        });
        continue;
      }
      if (decision.kind === 'duplicate') {
        outcome.accepted.push({ id: candidate.item.id, version: decision.version });
        continue;
      }
      toInsert.push(candidate);
      versions.push({
        version: candidate.version,
        key: candidate.versionKey,
        data: candidate.data,
        revoked: candidate.item.revoked,
      });
      known.set(candidate.item.id, versions);
      outcome.accepted.push({ id: candidate.item.id, version: candidate.version });
    }

    const rows: Insertable<StixObjectsTable>[] = toInsert.map((candidate) => ({
      object_id: candidate.item.id,
      type: candidate.item.type,
      spec_version:
        typeof candidate.item.object.spec_version === 'string'
          ? candidate.item.object.spec_version
          : '2.1',
      version: candidate.version,
      version_key: candidate.versionKey,
      date_added: now,
      tlp: candidate.tlp,
      pap: candidate.pap,
      data: candidate.data,
      shared_by: sharer.accountId,
      sharer_state: sharer.stateCode,
      sharer_org: sharer.organisationId,
      severity: candidate.severity,
      kind: candidate.kind,
      respond_by: candidate.respondBy,
      community_id: recipients.communityId ?? null,
    }));
    // A row that a concurrent import stored first is skipped here and is not returned.
    const inserted = await insertVersions(trx, rows);
    const byKey = new Map(toInsert.map((c) => [`${c.item.id} ${c.versionKey}`, c]));
    const grants: Insertable<StixObjectGrantsTable>[] = [];
    for (const row of inserted) {
      const candidate = byKey.get(`${row.object_id} ${row.version_key}`);
      if (candidate === undefined) continue;
      if (candidate.tlp === 'red') outcome.storedRed += 1;
      const audience = candidate.isOwnOnly ? NO_RECIPIENTS : recipients;
      for (const grant of audienceGrants(candidate.tlp, sharer, audience)) {
        grants.push({ object_seq: row.seq, ...grant });
      }
    }
    await insertGrants(trx, grants);
    outcome.inserted = inserted.length;

    return outcome;
  });
}
