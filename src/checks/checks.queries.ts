import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';

import type { CheckRecipientsTable, ChecksTable, Tables } from '../db/schema.ts';

/** A stored check. */
export type CheckRow = Selectable<ChecksTable>;

/** A stored check recipient. */
export type CheckRecipientRow = Selectable<CheckRecipientsTable>;

/** Audience of a check; an empty list puts no limit on that dimension. */
export interface CheckAudience {
  levels: readonly string[];
  states: readonly string[];
  regions: readonly string[];
}

/** A PoC entry that may receive a check. */
export interface CandidatePoc {
  id: string;
  state_code: string;
  level: string;
  contact_role: string;
  email: string;
  email_key: string;
}

/** A partner account that may receive a check; it has no PoC entry. */
export interface CandidatePartner extends Omit<CandidatePoc, 'id'> {
  id: null;
  organisation_id: string;
}

// Rows per INSERT, well below the bound-parameter limits of SQLite and PostgreSQL.
const INSERT_CHUNK = 200;

/** Lists the PoC entries of the audience, primary and alternate, in state and level order. */
export async function listAudiencePocs(
  db: Kysely<Tables>,
  audience: CheckAudience,
): Promise<CandidatePoc[]> {
  let query = db
    .selectFrom('pocs')
    .innerJoin('states', 'states.code', 'pocs.state_code')
    .select([
      'pocs.id',
      'pocs.state_code',
      'pocs.level',
      'pocs.contact_role',
      'pocs.email',
      'pocs.email_key',
    ]);
  if (audience.levels.length > 0) query = query.where('pocs.level', 'in', audience.levels);
  if (audience.states.length > 0) query = query.where('pocs.state_code', 'in', audience.states);
  if (audience.regions.length > 0) query = query.where('states.region', 'in', audience.regions);

  return query.orderBy('pocs.state_code').orderBy('pocs.level').orderBy('pocs.id').execute();
}

/** Lists the alternate PoCs of one state and level. */
export function listAlternates(db: Kysely<Tables>, stateCode: string, level: string) {
  return db
    .selectFrom('pocs')
    .select(['id', 'state_code', 'level', 'contact_role', 'email', 'email_key'])
    .where('state_code', '=', stateCode)
    .where('level', '=', level)
    .where('contact_role', '=', 'alternate')
    .orderBy('id')
    .execute();
}

/** Lists the active partner accounts of some organisations, as check recipients. */
export function listPartnerAccounts(db: Kysely<Tables>, organisationIds: readonly string[]) {
  if (organisationIds.length === 0) return Promise.resolve([]);

  return db
    .selectFrom('accounts')
    .select(['id', 'email', 'email_key', 'organisation_id'])
    .where('role', '=', 'partner')
    .where('suspended_at', 'is', null)
    .where('organisation_id', 'in', organisationIds)
    .orderBy('organisation_id')
    .orderBy('email_key')
    .execute();
}

/** Returns the state codes among `codes` that exist. */
export async function listKnownStateCodes(db: Kysely<Tables>, codes: readonly string[]) {
  if (codes.length === 0) return new Set<string>();
  const rows = await db.selectFrom('states').select('code').where('code', 'in', codes).execute();

  return new Set(rows.map((row) => row.code));
}

/** Inserts a check and its recipients. */
export async function insertCheck(
  db: Kysely<Tables>,
  check: Insertable<ChecksTable>,
  recipients: readonly Insertable<CheckRecipientsTable>[],
) {
  await db.insertInto('checks').values(check).execute();
  await insertRecipients(db, recipients);
}

/** Inserts recipient rows in chunks. */
export async function insertRecipients(
  db: Kysely<Tables>,
  recipients: readonly Insertable<CheckRecipientsTable>[],
) {
  for (let start = 0; start < recipients.length; start += INSERT_CHUNK) {
    const chunk = recipients.slice(start, start + INSERT_CHUNK);
    await db.insertInto('check_recipients').values(chunk).execute();
  }
}

/** Finds a check by id. */
export function findCheck(db: Kysely<Tables>, id: string) {
  return db.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Changes a check's row. */
export async function updateCheck(
  db: Kysely<Tables>,
  id: string,
  changes: Updateable<ChecksTable>,
) {
  await db.updateTable('checks').set(changes).where('id', '=', id).execute();
}

/** Finds a recipient by the hash of its personal token. */
export function findRecipientByTokenHash(db: Kysely<Tables>, tokenHash: string) {
  return db
    .selectFrom('check_recipients')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Finds a recipient by id. */
export function findRecipient(db: Kysely<Tables>, id: string) {
  return db.selectFrom('check_recipients').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Lists a check's recipients. With `stateCode`, only those of that state and of the partner
 * organisations it sponsors.
 */
export function listRecipients(db: Kysely<Tables>, checkId: string, stateCode?: string) {
  let query = db.selectFrom('check_recipients').selectAll().where('check_id', '=', checkId);
  if (stateCode !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('state_code', '=', stateCode),
        eb(
          'organisation_id',
          'in',
          eb.selectFrom('organisations').select('id').where('sponsor_state', '=', stateCode),
        ),
      ]),
    );
  }

  return query.orderBy('state_code').orderBy('level').orderBy('sent_at').orderBy('id').execute();
}

/** Lists a check's recipients with the UN regional group of their state, for aggregates. */
export function listRecipientsWithRegion(db: Kysely<Tables>, checkId: string) {
  return db
    .selectFrom('check_recipients as r')
    .leftJoin('states as s', 's.code', 'r.state_code')
    .select([
      'r.state_code',
      'r.level',
      's.region',
      'r.escalated_from',
      'r.due_at',
      'r.sent_at',
      'r.delivered_at',
      'r.opened_at',
      'r.answered_at',
    ])
    .where('r.check_id', '=', checkId)
    .execute();
}

/** Lists the unanswered recipients of a check that were not escalated yet. */
export function listUnansweredRecipients(db: Kysely<Tables>, checkId: string) {
  return db
    .selectFrom('check_recipients')
    .selectAll()
    .where('check_id', '=', checkId)
    .where('answered_at', 'is', null)
    .where('escalated_at', 'is', null)
    .orderBy('state_code')
    .orderBy('level')
    .execute();
}

/** Lists a check's recipients with one e-mail address. */
export function listRecipientsByEmail(db: Kysely<Tables>, checkId: string, emailKey: string) {
  return db
    .selectFrom('check_recipients')
    .selectAll()
    .where('check_id', '=', checkId)
    .where('email_key', '=', emailKey)
    .execute();
}

/** Records the first opening of a personal link. */
export async function markOpened(db: Kysely<Tables>, id: string, at: string) {
  await db
    .updateTable('check_recipients')
    .set({ opened_at: at })
    .where('id', '=', id)
    .where('opened_at', 'is', null)
    .execute();
}

/** Records answers, and the opening when none was seen; returns the ids new to answering. */
export async function markAnswered(
  db: Kysely<Tables>,
  ids: readonly string[],
  at: string,
  via: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .updateTable('check_recipients')
    .set((eb) => ({
      answered_at: at,
      answered_via: via,
      opened_at: eb.fn.coalesce('opened_at', eb.val(at)),
    }))
    .where('id', 'in', ids)
    .where('answered_at', 'is', null)
    .returning('id')
    .execute();

  return rows.map((row) => row.id);
}

/** Changes one recipient's row. */
export async function updateRecipient(
  db: Kysely<Tables>,
  id: string,
  changes: Updateable<CheckRecipientsTable>,
) {
  await db.updateTable('check_recipients').set(changes).where('id', '=', id).execute();
}

/**
 * Updates every recipient of one check round (same due time) with the address of `recipient`,
 * which one mail reaches for all of them.
 */
export async function updateAddressRecipients(
  db: Kysely<Tables>,
  recipient: { check_id: string; email_key: string; due_at: string },
  changes: Updateable<CheckRecipientsTable>,
) {
  await db
    .updateTable('check_recipients')
    .set(changes)
    .where('check_id', '=', recipient.check_id)
    .where('email_key', '=', recipient.email_key)
    .where('due_at', '=', recipient.due_at)
    .execute();
}

/** Scope of a check list: all checks, or those that reached a state or an e-mail address. */
export type CheckListScope =
  | { kind: 'all' }
  | { kind: 'state'; stateCode: string; accountId: string }
  | { kind: 'email'; emailKey: string };

/** Lists checks newest first; real checks only unless `includeExercises` is set. */
export function listChecks(
  db: Kysely<Tables>,
  scope: CheckListScope,
  options: { includeExercises: boolean; limit: number },
) {
  let query = db.selectFrom('checks').selectAll('checks');
  if (!options.includeExercises) query = query.where('exercise_id', 'is', null);
  if (scope.kind === 'state') {
    query = query.where((eb) =>
      eb.or([
        eb('checks.created_by', '=', scope.accountId),
        eb.exists(
          eb
            .selectFrom('check_recipients as r')
            .select('r.id')
            .whereRef('r.check_id', '=', 'checks.id')
            .where('r.state_code', '=', scope.stateCode),
        ),
      ]),
    );
  }
  if (scope.kind === 'email') {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('check_recipients as r')
          .select('r.id')
          .whereRef('r.check_id', '=', 'checks.id')
          .where('r.email_key', '=', scope.emailKey),
      ),
    );
  }

  return query.orderBy('created_at', 'desc').limit(options.limit).execute();
}

/** Lists checks whose next occurrence is due and not created yet. */
export function listDueRepeats(db: Kysely<Tables>, now: string) {
  return db
    .selectFrom('checks')
    .selectAll()
    .where('next_occurrence_at', '<=', now)
    .where('repeated_as', 'is', null)
    .execute();
}
