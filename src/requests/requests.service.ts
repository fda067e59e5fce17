import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Tables } from '../db/schema.ts';
import type { LiveEvent } from '../events/event-catalogue.ts';
import { publishEvents, recordEvent } from '../events/events.service.ts';
import { participantOf, recordExerciseEntry } from '../exercises/exercise-events.ts';
import { findExerciseOfThread } from '../exercises/exercises.queries.ts';
import { enqueueJobs } from '../jobs/jobs.service.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, invalidField, notFound } from '../shared/errors.ts';
import { cutPage, decodeCursor } from '../shared/keyset.ts';
import { isTlpLevel, tlpLabel, tlpRank, type TlpLevel } from '../sharing/tlp.ts';
import { requestMailJob } from './request-mail.job.ts';
import { findOrganisationClearance } from '../accounts/accounts.queries.ts';
import {
  findRequestByReference,
  insertRequest,
  isThreadParticipant,
  listInbox,
  listOutbox,
  listRecipientsOf,
  listThread,
  listThreadReferences,
  markRequestAcknowledged,
  markRequestAnswered,
  markRequestOpened,
  requestSortKeys,
  requestSortValues,
  type RequestRecipientRow,
  type RequestRow,
} from './requests.queries.ts';
import type { NewReply, NewRequest, RequestType, RequestView } from './requests.schema.ts';

/** A PoC a message is addressed to. */
interface RequestAddressee {
  pocId: string | null;
  email: string;
  emailKey: string;
  stateCode: string | null;
  level: string | null;
}

/** Content of a new message, besides its sender and addressees. */
interface MessageDraft {
  type: RequestType;
  subject: string;
  sector: string;
  description: string;
  requestedAction: string;
  severity: number;
  responseMinutes?: number;
  tlp: string;
  exercise: boolean;
  toState: string;
  toLevels: string[];
  threadId: string | null;
  parentId: string | null;
}

function requirePocSender(principal: Principal): string {
  if (principal.role !== 'poc' || principal.stateCode === null) {
    throw new DomainError('forbidden', (m) => m.problems.requests.pocsOnly);
  }

  return principal.stateCode;
}

/**
 * Returns the state a reply is sent for: the PoC's state, or the empty state of a partner
 * account, which may reply only to messages addressed to it (the caller checks that).
 */
function requireReplySender(principal: Principal): string {
  if (principal.role === 'partner' && principal.organisationId !== null) return '';

  return requirePocSender(principal);
}

/**
 * Copies the sender's directory entry as it is now (name, organisation, e-mail, state), so the
 * record keeps who sent it even after the entry changes. An account without an entry is named
 * by its e-mail, and a partner account by its e-mail and organisation.
 */
async function freezeSender(db: Kysely<Tables>, principal: Principal, state: string) {
  const poc = await db
    .selectFrom('pocs')
    .select(['name', 'organisation', 'email'])
    .where('email_key', '=', principal.emailKey)
    .where('state_code', '=', state)
    .orderBy('created_at')
    .executeTakeFirst();
  const partner =
    principal.organisationId === null
      ? undefined
      : await db
          .selectFrom('organisations')
          .select('name')
          .where('id', '=', principal.organisationId)
          .executeTakeFirst();

  return {
    sender_name: poc?.name ?? principal.email,
    sender_organisation: poc?.organisation ?? partner?.name ?? '',
    sender_email: poc?.email ?? principal.email,
    sender_email_key: principal.emailKey,
    sender_state: state,
  };
}

async function storeMessage(
  ctx: AppContext,
  sender: Principal,
  senderState: string,
  draft: MessageDraft,
  addressees: RequestAddressee[],
  onStored?: (trx: Kysely<Tables>, now: string) => Promise<LiveEvent[]>,
) {
  const id = newId();
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const dueAt =
    draft.responseMinutes === undefined
      ? null
      : new Date(now.getTime() + draft.responseMinutes * 60_000).toISOString();
  const frozen = await freezeSender(ctx.db, sender, senderState);
  const recipients = addressees.map((a) => ({
    id: newId(),
    request_id: id,
    poc_id: a.pocId,
    email: a.email,
    email_key: a.emailKey,
    state_code: a.stateCode,
    level: a.level,
    mail_status: 'queued' as const,
  }));

  const { reference, events } = await ctx.db.transaction().execute(async (trx) => {
    const ref = await insertRequest(
      trx,
      {
        id,
        thread_id: draft.threadId ?? id,
        parent_id: draft.parentId,
        type: draft.type,
        subject: draft.subject,
        sector: draft.sector,
        description: draft.description,
        requested_action: draft.requestedAction,
        severity: draft.severity,
        tlp: draft.tlp,
        exercise: draft.exercise ? 1 : 0,
        response_due_at: dueAt,
        sender_account_id: sender.accountId,
        ...frozen,
        to_state: draft.toState,
        to_levels: JSON.stringify(draft.toLevels),
        created_at: nowIso,
      },
      recipients,
    );
    await enqueueJobs(
      trx,
      ctx.clock,
      requestMailJob,
      recipients.map((r) => ({
        payload: { recipientId: r.id },
        options: { idempotencyKey: `request-mail:${id}:${r.id}`, priority: draft.severity },
      })),
    );
    const related = onStored === undefined ? [] : await onStored(trx, nowIso);
    const stored = await recordEvent(trx, ctx.database.dialect, ctx.clock, 'request', {
      id,
      reference: ref,
      threadId: draft.threadId ?? id,
      type: draft.type,
      subject: draft.subject,
      severity: draft.severity,
      change: 'created',
      exercise: draft.exercise,
    });
    return { reference: ref, events: [...related, stored] };
  });
  await publishEvents(ctx, events);
  ctx.logger.info(
    { requestId: id, reference, senderId: sender.accountId, recipients: recipients.length },
    'request sent',
  );

  return { id, reference, recipients: recipients.length };
}

/**
 * Sends a first message from a PoC to the PoCs of another state at the chosen levels. Every PoC
 * of those levels receives it, alternates included, because a request needs an answer from
 * whoever is on duty.
 */
export async function sendRequest(ctx: AppContext, sender: Principal, input: NewRequest) {
  const senderState = requirePocSender(sender);
  if (input.toState === senderState) {
    throw invalidField('toState', (m) => m.problems.requests.otherState);
  }
  const state = await ctx.db
    .selectFrom('states')
    .select('code')
    .where('code', '=', input.toState)
    .executeTakeFirst();
  if (state === undefined) {
    throw invalidField('toState', (m) => m.problems.directory.unknownStateCode(input.toState));
  }

  const pocs = await ctx.db
    .selectFrom('pocs')
    .select(['id', 'email', 'email_key', 'state_code', 'level'])
    .where('state_code', '=', input.toState)
    .where('level', 'in', input.toLevels)
    .orderBy('level')
    .orderBy('email_key')
    .execute();
  const byKey = new Map<string, RequestAddressee>();
  for (const poc of pocs) {
    if (byKey.has(poc.email_key)) continue;
    byKey.set(poc.email_key, {
      pocId: poc.id,
      email: poc.email,
      emailKey: poc.email_key,
      stateCode: poc.state_code,
      level: poc.level,
    });
  }
  if (byKey.size === 0) {
    const levels = input.toLevels.join(', ');
    throw invalidField('toLevels', (m) => m.problems.requests.noPocAtLevels(input.toState, levels));
  }

  return storeMessage(ctx, sender, senderState, { ...input, threadId: null, parentId: null }, [
    ...byKey.values(),
  ]);
}

/** The highest TLP a reader may read now, and the test of a message's TLP against it. */
interface ReaderClearance {
  /** The organisation's clearance of a partner account, or null for other accounts. */
  level: TlpLevel | null;
  mayRead(tlp: string): boolean;
}

/**
 * Reads the viewer's clearance now. A partner account reads up to its organisation's current
 * clearance (TLP:CLEAR only without an organisation). Every other account reads any level.
 */
async function readerClearance(ctx: AppContext, viewer: Principal): Promise<ReaderClearance> {
  if (viewer.role !== 'partner') return { level: null, mayRead: () => true };
  const stored =
    viewer.organisationId === null
      ? null
      : await findOrganisationClearance(ctx.db, viewer.organisationId);
  const level = stored !== null && isTlpLevel(stored) ? stored : 'clear';

  return {
    level,
    // A stored level is always valid. Were it not, the strictest level is the safe reading.
    mayRead: (tlp) => tlpRank(isTlpLevel(tlp) ? tlp : 'red') <= tlpRank(level),
  };
}

/**
 * Finds a message of a thread the viewer takes part in, within a partner's current clearance.
 * Anything else is the 404 of an unknown reference. A message above the clearance is rejected
 * with that same 404, and the rejection is audited as `request.<action>`.
 */
async function findReadable(
  ctx: AppContext,
  viewer: Principal,
  reference: string,
  action: 'read' | 'acknowledge' | 'reply',
) {
  const row = await findRequestByReference(ctx.db, reference);
  const isParticipant =
    row !== undefined &&
    (await isThreadParticipant(ctx.db, row.thread_id, viewer.accountId, viewer.emailKey));
  if (row === undefined || !isParticipant) {
    throw notFound((m) => m.problems.requests.requestNotFound);
  }
  const clearance = await readerClearance(ctx, viewer);
  if (!clearance.mayRead(row.tlp)) {
    await recordAudit(ctx.db, ctx.clock, {
      accountId: viewer.accountId,
      action: `request.${action}`,
      target: `request:${reference}`,
      outcome: 'denied',
      details: { reason: 'above clearance', tlp: row.tlp, clearance: clearance.level },
    });
    throw notFound((m) => m.problems.requests.requestNotFound);
  }

  return { row, clearance };
}

/**
 * Replies to a message. The reply goes to the other side of that message: to its sender when a
 * recipient replies, to its recipients when the sender writes again. A `response` from a
 * recipient counts as the answer of the message, and any reply from a recipient also counts as
 * its acknowledgement.
 */
export async function replyToRequest(
  ctx: AppContext,
  viewer: Principal,
  reference: string,
  input: NewReply,
) {
  const senderState = requireReplySender(viewer);
  const { row: parent, clearance } = await findReadable(ctx, viewer, reference, 'reply');
  const parentRecipients = await listRecipientsOf(ctx.db, [parent.id]);
  const isParentSender = parent.sender_account_id === viewer.accountId;
  const ownRecipientRow = parentRecipients.find((r) => r.email_key === viewer.emailKey);
  if (!isParentSender && ownRecipientRow === undefined) {
    throw new DomainError('forbidden', (m) => m.problems.requests.participantsOnlyReply);
  }
  // The other accounts of a partner organisation read the thread too, so none goes above it.
  const tlp = input.tlp ?? parent.tlp;
  if (clearance.level !== null && !clearance.mayRead(tlp)) {
    const label = tlpLabel(clearance.level);
    throw invalidField('tlp', (m) => m.problems.requests.replyAboveClearance(label));
  }

  const addressees: RequestAddressee[] = isParentSender
    ? parentRecipients.map((r) => ({
        pocId: r.poc_id,
        email: r.email,
        emailKey: r.email_key,
        stateCode: r.state_code,
        level: r.level,
      }))
    : [
        {
          pocId: null,
          email: parent.sender_email,
          emailKey: parent.sender_email_key,
          stateCode: parent.sender_state,
          level: null,
        },
      ];
  const draft: MessageDraft = {
    type: input.type,
    subject: parent.subject.startsWith('Re: ')
      ? parent.subject
      : `Re: ${parent.subject}`.slice(0, 200),
    sector: parent.sector,
    description: input.description,
    requestedAction: input.requestedAction,
    severity: input.severity ?? parent.severity,
    responseMinutes: input.responseMinutes,
    tlp,
    exercise: parent.exercise === 1,
    toState: isParentSender ? parent.to_state : parent.sender_state,
    toLevels: isParentSender ? (JSON.parse(parent.to_levels) as string[]) : [],
    threadId: parent.thread_id,
    parentId: parent.id,
  };

  return storeMessage(ctx, viewer, senderState, draft, addressees, async (trx, now) => {
    if (isParentSender || ownRecipientRow === undefined) return [];
    // Answering implies the recipient opened the message, even one never fetched on its own.
    await markRequestOpened(trx, ownRecipientRow.id, now);
    const isFirstAcknowledgement = await markRequestAcknowledged(trx, parent.id, now, viewer.email);
    const isFirstAnswer =
      input.type === 'response' && (await markRequestAnswered(trx, parent.id, now));
    const kinds = [
      ...(isFirstAcknowledgement ? (['request-acknowledged'] as const) : []),
      ...(isFirstAnswer ? (['request-answered'] as const) : []),
    ];
    return recordExerciseRequestEntries(trx, ctx, parent, { viewer, row: ownRecipientRow }, kinds);
  });
}

/**
 * Stores the timeline entries of a recipient's acknowledgement or answer of an exercise request;
 * a message of a real thread makes none.
 */
async function recordExerciseRequestEntries(
  trx: Kysely<Tables>,
  ctx: AppContext,
  message: RequestRow,
  recipient: { viewer: Principal; row: RequestRecipientRow },
  kinds: readonly ('request-acknowledged' | 'request-answered')[],
): Promise<LiveEvent[]> {
  if (message.exercise !== 1 || kinds.length === 0) return [];
  const exercise = await findExerciseOfThread(trx, message.thread_id);
  if (exercise === undefined) return [];

  const who = participantOf({
    state_code: recipient.row.state_code,
    level: recipient.row.level,
    organisation_id: recipient.viewer.organisationId,
    email: recipient.viewer.email,
  });
  const at = ctx.clock.now().toISOString();
  const events: LiveEvent[] = [];
  for (const kind of kinds) {
    const subject = `${message.reference} ${message.subject}`;
    const entry = { exerciseId: exercise.exercise_id, kind, who, subject, at };
    events.push(await recordExerciseEntry(trx, ctx, entry));
  }

  return events;
}

/** Records a recipient's acknowledgement of receipt once and tells both sides live. */
export async function acknowledgeRequest(ctx: AppContext, viewer: Principal, reference: string) {
  const { row } = await findReadable(ctx, viewer, reference, 'acknowledge');
  const recipients = await listRecipientsOf(ctx.db, [row.id]);
  const ownRow = recipients.find((r) => r.email_key === viewer.emailKey);
  if (ownRow === undefined) {
    throw new DomainError('forbidden', (m) => m.problems.requests.recipientsOnlyAcknowledge);
  }

  const now = ctx.clock.now().toISOString();
  const events = await ctx.db.transaction().execute(async (trx) => {
    // An acknowledgement implies the message was opened, however it was acknowledged.
    await markRequestOpened(trx, ownRow.id, now);
    if (!(await markRequestAcknowledged(trx, row.id, now, viewer.email))) return [];
    const change = await recordEvent(trx, ctx.database.dialect, ctx.clock, 'request', {
      id: row.id,
      reference: row.reference,
      threadId: row.thread_id,
      type: row.type,
      subject: row.subject,
      severity: row.severity,
      change: 'acknowledged',
      exercise: row.exercise === 1,
    });
    const recipient = { viewer, row: ownRow };
    const entries = await recordExerciseRequestEntries(trx, ctx, row, recipient, [
      'request-acknowledged',
    ]);
    return [change, ...entries];
  });
  if (events.length > 0) {
    await publishEvents(ctx, events);
    ctx.logger.info({ requestId: row.id, accountId: viewer.accountId }, 'request acknowledged');
  }
  const current = await findRequestByReference(ctx.db, reference);

  return toView(current ?? row, recipients, viewer, ctx.clock.now());
}

function secondsBetween(from: string, to: string | null): number | null {
  return to === null ? null : Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

function toView(
  row: RequestRow,
  recipients: RequestRecipientRow[],
  viewer: Principal,
  now: Date,
  references: References = { byId: new Map(), byThread: new Map() },
): RequestView {
  const isOverdue =
    row.response_due_at !== null &&
    row.answered_at === null &&
    Date.parse(row.response_due_at) < now.getTime();

  return {
    id: row.id,
    reference: row.reference,
    threadReference: references.byThread.get(row.thread_id) ?? row.reference,
    parentReference: row.parent_id === null ? null : (references.byId.get(row.parent_id) ?? null),
    type: row.type,
    subject: row.subject,
    sector: row.sector,
    description: row.description,
    requestedAction: row.requested_action,
    severity: row.severity,
    tlp: row.tlp,
    exercise: row.exercise === 1,
    sender: {
      name: row.sender_name,
      organisation: row.sender_organisation,
      email: row.sender_email,
      // Exercise control and partner accounts send for no state.
      state: row.sender_state === '' ? null : row.sender_state,
    },
    toState: row.to_state,
    toLevels: JSON.parse(row.to_levels) as string[],
    createdAt: row.created_at,
    responseDueAt: row.response_due_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    answeredAt: row.answered_at,
    timeToAcknowledgeSeconds: secondsBetween(row.created_at, row.acknowledged_at),
    timeToAnswerSeconds: secondsBetween(row.created_at, row.answered_at),
    isOverdue,
    isSender: row.sender_account_id === viewer.accountId,
    recipients: recipients
      .filter((r) => r.request_id === row.id)
      .map((r) => ({
        email: r.email,
        state: r.state_code,
        level: r.level,
        mailStatus: r.mail_status,
        mailNote: r.failure_reason,
      })),
  };
}

/** References that message views name: parents by id, and each thread by its first message. */
interface References {
  byId: ReadonlyMap<string, string>;
  byThread: ReadonlyMap<string, string>;
}

/**
 * Finds the references of the parents and threads of `rows` that the reader may read. A thread
 * whose first message is above a partner's clearance is named by its oldest message the partner
 * may read, so no view names a message that the reader gets a 404 for.
 */
async function referencesOf(
  ctx: AppContext,
  rows: RequestRow[],
  clearance: ReaderClearance,
): Promise<References> {
  const ids = [
    ...new Set(rows.flatMap((r) => [r.thread_id, ...(r.parent_id === null ? [] : [r.parent_id])])),
  ];
  const found =
    ids.length === 0
      ? []
      : await ctx.db
          .selectFrom('requests')
          .select(['id', 'reference', 'tlp'])
          .where('id', 'in', ids)
          .execute();
  const byId = new Map(
    found.filter((r) => clearance.mayRead(r.tlp)).map((r) => [r.id, r.reference] as const),
  );
  const byThread = new Map<string, string>();
  const hiddenThreads: string[] = [];
  for (const threadId of new Set(rows.map((r) => r.thread_id))) {
    const first = byId.get(threadId);
    if (first === undefined) hiddenThreads.push(threadId);
    else byThread.set(threadId, first);
  }
  for (const message of await listThreadReferences(ctx.db, hiddenThreads)) {
    if (!byThread.has(message.thread_id) && clearance.mayRead(message.tlp)) {
      byThread.set(message.thread_id, message.reference);
    }
  }

  return { byId, byThread };
}

/**
 * Lists a page of a PoC's inbox (messages received) or outbox (messages sent), by severity
 * (highest first), then due time, then age, with the cursor of the next page.
 */
export async function listRequests(
  ctx: AppContext,
  viewer: Principal,
  page: { box: 'inbox' | 'outbox'; limit: number; cursor?: string | undefined },
) {
  const after = page.cursor === undefined ? null : decodeCursor(page.cursor, requestSortKeys);
  const query = { limit: page.limit + 1, after };
  const fetched =
    page.box === 'inbox'
      ? await listInbox(ctx.db, viewer, query)
      : await listOutbox(ctx.db, viewer, query);
  const { rows, next } = cutPage(fetched, page.limit, requestSortValues);
  const recipients = await listRecipientsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const references = await referencesOf(ctx, rows, await readerClearance(ctx, viewer));
  const now = ctx.clock.now();

  return { rows: rows.map((row) => toView(row, recipients, viewer, now, references)), next };
}

/**
 * Returns the thread of a message to a participant, oldest first, and records the viewer's
 * first opening of each message addressed to them. A partner account gets only the messages
 * within its organisation's current clearance.
 */
export async function getThread(ctx: AppContext, viewer: Principal, reference: string) {
  const { row, clearance } = await findReadable(ctx, viewer, reference, 'read');
  const thread = await listThread(ctx.db, row.thread_id);
  const rows = thread.filter((message) => clearance.mayRead(message.tlp));
  const recipients = await listRecipientsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const now = ctx.clock.now();
  for (const recipient of recipients) {
    if (recipient.email_key === viewer.emailKey && recipient.opened_at === null) {
      await markRequestOpened(ctx.db, recipient.id, now.toISOString());
    }
  }
  const references = await referencesOf(ctx, rows, clearance);

  return {
    reference,
    messages: rows.map((r) => toView(r, recipients, viewer, now, references)),
  };
}
