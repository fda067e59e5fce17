import type { Kysely, Selectable } from 'kysely';

import type { Tables, TaxiiStatusesTable } from '../db/schema.ts';

/** One entry of a status resource's `successes`, `failures` or `pendings` . */
export interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

/** The TAXII status resource . */
export interface StatusResource {
  id: string;
  status: 'pending' | 'complete';
  request_timestamp: string;
  total_count: number;
  success_count: number;
  successes: StatusDetail[];
  failure_count: number;
  failures: StatusDetail[];
  pending_count: number;
  pendings: StatusDetail[];
}

/** Inserts a status resource for the account that posted. */
export async function insertStatus(
  db: Kysely<Tables>,
  status: StatusResource,
  owner: { accountId: string; apiRoot: string; collectionId: string },
): Promise<void> {
  await db
    .insertInto('taxii_statuses')
    .values({
      id: status.id,
      account_id: owner.accountId,
      api_root: owner.apiRoot,
      collection_id: owner.collectionId,
      status: status.status,
      request_timestamp: status.request_timestamp,
      total_count: status.total_count,
      success_count: status.success_count,
      failure_count: status.failure_count,
      pending_count: status.pending_count,
      successes: JSON.stringify(status.successes),
      failures: JSON.stringify(status.failures),
      pendings: JSON.stringify(status.pendings),
    })
    .execute();
}

/** Finds a stored status of an API root by id. */
export function findStatus(db: Kysely<Tables>, apiRoot: string, id: string) {
  return db
    .selectFrom('taxii_statuses')
    .selectAll()
    .where('id', '=', id)
    .where('api_root', '=', apiRoot)
    .executeTakeFirst();
}

/** Converts a stored status row back into the resource. */
export function toStatusResource(row: Selectable<TaxiiStatusesTable>): StatusResource {
  return {
    id: row.id,
    status: row.status,
    request_timestamp: row.request_timestamp,
    total_count: row.total_count,
    success_count: row.success_count,
    successes: JSON.parse(row.successes) as StatusDetail[],
    failure_count: row.failure_count,
    failures: JSON.parse(row.failures) as StatusDetail[],
    pending_count: row.pending_count,
    pendings: JSON.parse(row.pendings) as StatusDetail[],
  };
}
