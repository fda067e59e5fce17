import { randomUUID } from 'node:crypto';

import type { Principal } from '../accounts/principal.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { submitForModeration } from '../sharing/moderation.service.ts';
import { idOf, importBundle, type SharingDeps } from '../sharing/sharing.service.ts';
import {
  deleteAllVersions,
  findSharersOf,
  findVersionPage,
  type VersionFilter,
} from '../sharing/versions.queries.ts';
import type { ApiRoot, Collection } from './taxii.collections.ts';
import { EnvelopeSchema } from './taxii.schema.ts';
import {
  findStatus,
  insertStatus,
  toStatusResource,
  type StatusDetail,
  type StatusResource,
} from './taxii.status.ts';

/** Sharing options of a TAXII post: no named recipients, and the collection's community. */
function shareOptionsOf(collection: Collection) {
  return {
    tlp: null,
    states: [],
    orgs: [],
    accounts: [],
    ...(collection.communityId === null ? {} : { community: collection.communityId }),
  };
}

function versionOf(value: unknown, fallback: string): string {
  const object = (value ?? {}) as Record<string, unknown>;
  const version = object.modified ?? object.created;

  return typeof version === 'string' ? version : fallback;
}

/**
 * Adds the objects of a TAXII envelope to a collection and stores the status resource. Each
 * object ends in `successes` or in `failures` with the reason; the import is synchronous, so the
 * status is already `complete` when the POST returns.
 */
export async function addObjects(
  deps: SharingDeps,
  principal: Principal,
  root: ApiRoot,
  collection: Collection,
  body: unknown,
): Promise<StatusResource> {
  if (!collection.canWrite) {
    throw new DomainError('forbidden', (m) => m.problems.taxii.addForbidden);
  }
  const envelope = parseInput(EnvelopeSchema, body, 'envelope');
  const requestTimestamp = deps.clock.now().toISOString();
  const bundle = { type: 'bundle', objects: envelope.objects };
  if (principal.role === 'partner') {
    return holdForModeration(deps, principal, root, collection, envelope.objects, requestTimestamp);
  }
  const result = await importBundle(deps, principal, bundle, shareOptionsOf(collection));

  const warnings = new Map(result.warnings.map((warning) => [warning.id, warning.reason]));
  const successes: StatusDetail[] = result.accepted.map((item) => {
    const warning = warnings.get(item.id);
    return warning === undefined ? item : { ...item, message: warning };
  });
  const failures: StatusDetail[] = result.rejected.map((item) => ({
    id: item.id ?? `objects[${item.index}]`,
    version: versionOf(envelope.objects[item.index], requestTimestamp),
    message: item.reason,
  }));
  const status: StatusResource = {
    id: randomUUID(),
    status: 'complete',
    request_timestamp: requestTimestamp,
    total_count: envelope.objects.length,
    success_count: successes.length,
    successes,
    failure_count: failures.length,
    failures,
    pending_count: 0,
    pendings: [],
  };
  await insertStatus(deps.db, status, {
    accountId: principal.accountId,
    apiRoot: root.name,
    collectionId: collection.id,
  });

  return status;
}

/**
 * Submits a partner's envelope to the moderation queue. The status resource shares the
 * moderation item's id and stays `pending` until a moderator decides, which completes it.
 */
async function holdForModeration(
  deps: SharingDeps,
  principal: Principal,
  root: ApiRoot,
  collection: Collection,
  objects: unknown[],
  requestTimestamp: string,
): Promise<StatusResource> {
  const item = await submitForModeration(
    deps,
    principal,
    { type: 'bundle', objects },
    shareOptionsOf(collection),
  );
  const pendings = objects.map((object, index) => ({
    id: idOf(object) ?? `objects[${index}]`,
    version: versionOf(object, requestTimestamp),
  }));
  const status: StatusResource = {
    id: item.id,
    status: 'pending',
    request_timestamp: requestTimestamp,
    total_count: objects.length,
    success_count: 0,
    successes: [],
    failure_count: 0,
    failures: [],
    pending_count: pendings.length,
    pendings,
  };
  await insertStatus(deps.db, status, {
    accountId: principal.accountId,
    apiRoot: root.name,
    collectionId: collection.id,
  });

  return status;
}

/** Returns a status resource to the account that posted it or to the secretariat. */
export async function readStatus(
  deps: SharingDeps,
  principal: Principal,
  root: ApiRoot,
  id: string,
): Promise<StatusResource> {
  const row = await findStatus(deps.db, root.name, id);
  const mayRead =
    row !== undefined &&
    (row.account_id === principal.accountId || principal.role === 'secretariat');
  if (!mayRead) throw notFound((m) => m.problems.taxii.statusNotFound);

  return toStatusResource(row);
}

/** Throws `not_found` unless the caller may read some version of the object in the collection. */
export async function assertObjectVisible(
  deps: SharingDeps,
  principal: Principal | null,
  collection: Collection,
  objectId: string,
): Promise<void> {
  const filter: VersionFilter = {
    ids: [objectId],
    types: [],
    specVersions: [],
    versions: [{ kind: 'all' }],
    addedAfter: null,
    tlp: collection.tlp,
    community: collection.communityId,
  };
  const rows = await findVersionPage(deps.db, principal, filter, null, 0);
  if (rows.length === 0) throw notFound((m) => m.problems.taxii.objectNotFound);
}

/**
 * Deletes every version of an object. Only the secretariat, or the account that shared every
 * stored version, may delete it; an object the caller cannot read is `not_found`.
 */
export async function deleteObject(
  deps: SharingDeps,
  principal: Principal,
  collection: Collection,
  objectId: string,
): Promise<void> {
  if (!collection.canWrite) {
    throw new DomainError('forbidden', (m) => m.problems.taxii.deleteForbidden);
  }
  await assertObjectVisible(deps, principal, collection, objectId);
  const sharers = await findSharersOf(deps.db, objectId);
  const isOwner = sharers.every((sharer) => sharer === principal.accountId);
  if (principal.role !== 'secretariat' && !isOwner) {
    throw new DomainError('forbidden', (m) => m.problems.taxii.deleteOwnersOnly);
  }
  const deleted = await deleteAllVersions(deps.db, objectId);
  deps.logger.info({ accountId: principal.accountId, objectId, deleted }, 'stix object deleted');
}
