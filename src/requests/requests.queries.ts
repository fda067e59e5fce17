import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { RequestRecipientsTable, RequestsTable, Tables } from '../db/schema.ts';
import { afterKeyset, type KeysetKey, type KeysetValues } from '../shared/keyset.ts';
import { withinClearance } from '../sharing/access.ts';

/** A stored message row. */
export type RequestRow = Selectable<RequestsTable>;

/** A stored recipient row of a message. */
export type RequestRecipientRow = Selectable<RequestRecipientsTable>;

/**
 * Inserts a message and its recipients and returns the reference made from the row's sequence
 * number, such as `PRL-2026-000123`. The row first carries a unique placeholder reference,
 * because the sequence number is known only after the insert.
 */
export async function insertRequest(
  trx: Kysely<Tables>,
  row: Omit<Insertable<RequestsTable>, 'reference'>,
  recipients: Insertable<RequestRecipientsTable>[],
): Promise<string> {
  const inserted = await trx
    .insertInto('requests')
    .values({ ...row, reference: `pending:${row.id}` })
    .returning('seq')
    .executeTakeFirstOrThrow();
  const year = row.created_at.slice(0, 4);
  const reference = `PRL-${year}-${String(inserted.seq).padStart(6, '0')}`;
  await trx.updateTable('requests').set({ reference }).where('id', '=', row.id).execute();
  if (recipients.length > 0)
    await trx.insertInto('request_recipients').values(recipients).execute();

  return reference;
}

/** Finds a message by reference. */
export function findRequestByReference(db: Kysely<Tables>, reference: string) {
  return db
    .selectFrom('requests')
    .selectAll()
    .where('reference', '=', reference)
    .executeTakeFirst();
}

/** Lists the messages of a thread, oldest first. */
export function listThread(db: Kysely<Tables>, threadId: string) {
  return db
    .selectFrom('requests')
    .selectAll()
    .where('thread_id', '=', threadId)
    .orderBy('created_at')
    .orderBy('seq')
    .execute();
}

/** Lists the references and TLP of the messages of some threads, oldest first. */
export function listThreadReferences(db: Kysely<Tables>, threadIds: string[]) {
  if (threadIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('requests')
    .select(['thread_id', 'reference', 'tlp'])
    .where('thread_id', 'in', threadIds)
    .orderBy('created_at')
    .orderBy('seq')
    .execute();
}

/** Lists the recipients of some messages. */
export function listRecipientsOf(db: Kysely<Tables>, requestIds: string[]) {
  if (requestIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('request_recipients')
    .selectAll()
    .where('request_id', 'in', requestIds)
    .orderBy('state_code')
    .orderBy('level')
    .orderBy('email_key')
    .execute();
}

/** Returns true when the account sent, or the e-mail received, any message of the thread. */
export async function isThreadParticipant(
  db: Kysely<Tables>,
  threadId: string,
  accountId: string,
  emailKey: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('requests as q')
    .leftJoin('request_recipients as r', (join) =>
      join.onRef('r.request_id', '=', 'q.id').on('r.email_key', '=', emailKey),
    )
    .select('q.id')
    .where('q.thread_id', '=', threadId)
    .where((eb) => eb.or([eb('q.sender_account_id', '=', accountId), eb('r.id', 'is not', null)]))
    .executeTakeFirst();

  return row !== undefined;
}

// Sorts after every stored time, so that messages without a due time come last.
const NO_DUE_TIME = '9999-12-31T23:59:59.999Z';

/**
 * Order of inbox and outbox, most urgent first: highest severity, then the earliest due time
 * (messages without one last), then oldest. `seq` is unique, so it settles every tie.
 */
export const requestSortKeys: readonly KeysetKey[] = [
  { expression: sql.ref<number>('q.severity'), direction: 'desc', kind: 'integer' },
  {
    expression: sql<string>`coalesce(q.response_due_at, ${NO_DUE_TIME})`,
    direction: 'asc',
    kind: 'timestamp',
  },
  { expression: sql.ref<string>('q.created_at'), direction: 'asc', kind: 'timestamp' },
  { expression: sql.ref<number>('q.seq'), direction: 'asc', kind: 'integer' },
];

/** Returns the values of a message row for `requestSortKeys`. */
export function requestSortValues(row: RequestRow): KeysetValues {
  return [row.severity, row.response_due_at ?? NO_DUE_TIME, row.created_at, row.seq];
}

/** Options of one page of a box. */
export interface BoxPage {
  limit: number;
  after: KeysetValues | null;
}

/** The account a box is listed for. */
export type BoxReader = Pick<Principal, 'accountId' | 'emailKey' | 'role' | 'organisationId'>;

/**
 * Lists a page of the messages the reader's e-mail received, in the order of `requestSortKeys`.
 * A partner account never lists a message above its organisation's current clearance.
 */
export function listInbox(db: Kysely<Tables>, reader: BoxReader, page: BoxPage) {
  let query = db
    .selectFrom('requests as q')
    .innerJoin('request_recipients as r', 'r.request_id', 'q.id')
    .selectAll('q')
    .where('r.email_key', '=', reader.emailKey)
    .$if(reader.role === 'partner', (qb) =>
      qb.where(() => withinClearance(reader.organisationId, sql.ref('q.tlp'))),
    );
  const after = page.after;
  if (after !== null) query = query.where((eb) => afterKeyset(eb, requestSortKeys, after));
  for (const key of requestSortKeys) query = query.orderBy(key.expression, key.direction);

  return query.limit(page.limit).execute();
}

/**
 * Lists a page of the messages the reader sent, in the order of `requestSortKeys`. A partner
 * account does not list its own replies above its organisation's current clearance either.
 */
export function listOutbox(db: Kysely<Tables>, reader: BoxReader, page: BoxPage) {
  let query = db
    .selectFrom('requests as q')
    .selectAll('q')
    .where('q.sender_account_id', '=', reader.accountId)
    .$if(reader.role === 'partner', (qb) =>
      qb.where(() => withinClearance(reader.organisationId, sql.ref('q.tlp'))),
    );
  const after = page.after;
  if (after !== null) query = query.where((eb) => afterKeyset(eb, requestSortKeys, after));
  for (const key of requestSortKeys) query = query.orderBy(key.expression, key.direction);

  return query.limit(page.limit).execute();
}

/** Records the first acknowledgement of a message; returns false when it had one. */
export async function markRequestAcknowledged(
  db: Kysely<Tables>,
  requestId: string,
  now: string,
  by: string,
): Promise<boolean> {
  const result = await db
    .updateTable('requests')
    .set({ acknowledged_at: now, acknowledged_by: by })
    .where('id', '=', requestId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Records the first response to a message; returns false when it had one. */
export async function markRequestAnswered(
  db: Kysely<Tables>,
  requestId: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('requests')
    .set({ answered_at: now })
    .where('id', '=', requestId)
    .where('answered_at', 'is', null)
    .executeTakeFirst();

  return Number(result.numUpdatedRows) === 1;
}

/** Records the first opening of a message by one recipient. */
export async function markRequestOpened(db: Kysely<Tables>, recipientId: string, now: string) {
  await db
    .updateTable('request_recipients')
    .set({ opened_at: now })
    .where('id', '=', recipientId)
    .where('opened_at', 'is', null)
    .execute();
}

/** Finds what the mail job needs: the recipient and its message. */
export function findRequestMailTarget(db: Kysely<Tables>, recipientId: string) {
  return db
    .selectFrom('request_recipients as r')
    .innerJoin('requests as q', 'q.id', 'r.request_id')
    .leftJoin('pocs as p', 'p.id', 'r.poc_id')
    .select(['r.id as recipientId', 'r.email', 'r.email_key', 'r.mail_status', 'p.pgp_key'])
    .selectAll('q')
    .where('r.id', '=', recipientId)
    .executeTakeFirst();
}

/** Records the mail outcome of one recipient. */
export async function updateRequestMail(
  db: Kysely<Tables>,
  recipientId: string,
  values: Partial<Pick<RequestRecipientsTable, 'mail_status' | 'mailed_at' | 'failure_reason'>>,
) {
  await db.updateTable('request_recipients').set(values).where('id', '=', recipientId).execute();
}

/**
 * Returns who may see a message's live events: its sender, with the e-mail key of the sending
 * account as it is now, and its recipients' e-mail keys, plus the message's TLP.
 */
export async function findRequestAudience(db: Kysely<Tables>, requestId: string) {
  const request = await db
    .selectFrom('requests as q')
    .leftJoin('accounts as a', 'a.id', 'q.sender_account_id')
    .select(['q.sender_account_id', 'q.tlp', 'a.email_key as sender_email_key'])
    .where('q.id', '=', requestId)
    .executeTakeFirst();
  if (request === undefined) return null;
  const recipients = await db
    .selectFrom('request_recipients')
    .select('email_key')
    .where('request_id', '=', requestId)
    .execute();

  return {
    senderAccountId: request.sender_account_id,
    senderEmailKey: request.sender_email_key,
    tlp: request.tlp,
    recipientEmailKeys: new Set(recipients.map((row) => row.email_key)),
  };
}
