import type { Kysely } from 'kysely';
import { z } from 'zod';

import { findOrganisationsByIds, pickOrganisationById } from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import type { Tables } from '../db/schema.ts';
import { confirmPoc } from '../directory/pocs.service.ts';
import type { LiveEvent } from '../events/event-catalogue.ts';
import { publishEvents } from '../events/events.service.ts';
import { participantOf, recordExerciseEntry } from '../exercises/exercise-events.ts';
import { defineJobKind, type JobCounts } from '../jobs/job-kind.ts';
import { hashSecret, newId } from '../shared/crypto.ts';
import { DomainError, invalidField, notFound, type ErrorText } from '../shared/errors.ts';
import { newRecipient, queueCheckClose, queueRecipientMails } from './check-lifecycle.ts';
import { recordAudit } from '../audit/audit.ts';
import {
  findCheck,
  findRecipientByTokenHash,
  insertCheck,
  listAudiencePocs,
  listPartnerAccounts,
  listDueRepeats,
  listKnownStateCodes,
  listRecipientsByEmail,
  markAnswered,
  markOpened,
  updateCheck,
  type CandidatePartner,
  type CandidatePoc,
  type CheckRecipientRow,
  type CheckRow,
} from './checks.queries.ts';
import type { AnsweredVia, NewCheck } from './checks.schema.ts';

const MINUTE_MS = 60_000;

/** Level and contact role stored for a partner account recipient, which has no PoC entry. */
export const PARTNER_LEVEL = 'partner';
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Sender of a check: the secretariat, or a state's editor for the state's own PoCs. */
export interface CheckSender {
  accountId: string;
  stateCode: string | null;
}

/** Options of a check that is not started by hand. */
export interface CheckOptions {
  /** The exercise the check belongs to; its mails and figures carry the EXERCISE mark. */
  exerciseId?: string;
  /** The check this one repeats; it is marked as repeated in the same transaction. */
  previousId?: string;
}

/** Input of a new check; callers that check PoCs only may leave out `partners`. */
export type CheckStart = Omit<NewCheck, 'partners'> & { partners?: readonly string[] };

/** Returns the sender of a check, or throws `forbidden` for accounts that may not start one. */
export function requireCheckSender(principal: Principal): CheckSender {
  if (principal.role === 'secretariat') return { accountId: principal.accountId, stateCode: null };
  if (principal.role === 'state-editor' && principal.stateCode !== null) {
    return { accountId: principal.accountId, stateCode: principal.stateCode };
  }

  throw new DomainError('forbidden', (m) => m.problems.checks.startersOnly);
}

/**
 * Picks the first recipients: the primary PoCs of each state and level, or its alternates when
 * the state has no primary at that level. Other alternates are asked only at the close, when the
 * first recipients of their state and level did not answer.
 */
function chooseFirstRecipients(pocs: readonly CandidatePoc[]): CandidatePoc[] {
  const groups = new Map<string, CandidatePoc[]>();
  for (const poc of pocs) {
    const key = `${poc.state_code}:${poc.level}`;
    groups.set(key, [...(groups.get(key) ?? []), poc]);
  }

  return [...groups.values()].flatMap((group) => {
    const primaries = group.filter((poc) => poc.contact_role === 'primary');
    return primaries.length > 0 ? primaries : group;
  });
}

async function resolveAudience(ctx: AppContext, sender: CheckSender, input: CheckStart) {
  const hasPartners = (input.partners ?? []).length > 0;
  const isPartnersOnly = hasPartners && input.states.length === 0 && input.regions.length === 0;
  if (sender.stateCode !== null) {
    const other = input.states.findIndex((code) => code !== sender.stateCode);
    if (other >= 0) {
      const own = sender.stateCode;
      throw invalidField(`states.${other}`, (m) => m.problems.checks.ownStateOnly(own));
    }
    return { ...input, states: [sender.stateCode], isPartnersOnly };
  }
  const known = await listKnownStateCodes(ctx.db, input.states);
  const unknown = input.states.findIndex((code) => !known.has(code));
  if (unknown >= 0) {
    const code = input.states[unknown] ?? '';
    throw invalidField(`states.${unknown}`, (m) => m.problems.directory.unknownStateCode(code));
  }

  return { ...input, isPartnersOnly };
}

async function rejectPartner(
  ctx: AppContext,
  sender: CheckSender,
  organisationId: string,
  error: DomainError,
) {
  await recordAudit(ctx.db, ctx.clock, {
    accountId: sender.accountId,
    action: 'check.create',
    target: `organisation:${organisationId}`,
    outcome: 'denied',
    details: { code: error.code, reason: error.message, state: sender.stateCode },
  });

  return error;
}

/**
 * Resolves the partner organisations of a check to their stored ids, comparing ids regardless of
 * case. The secretariat may name any partner; a state editor only the partners its state
 * sponsors. An unknown id is a 404 and another state's partner a 403, and both are kept in the
 * audit trail.
 */
async function resolvePartnerIds(
  ctx: AppContext,
  sender: CheckSender,
  organisationIds: readonly string[],
): Promise<string[]> {
  const found = await findOrganisationsByIds(ctx.db, organisationIds);
  const resolved = new Set<string>();
  for (const id of organisationIds) {
    const organisation = pickOrganisationById(found, id);
    if (organisation === undefined) {
      throw await rejectPartner(
        ctx,
        sender,
        id,
        notFound((m) => m.problems.checks.partnerNotFound(id)),
      );
    }
    if (sender.stateCode !== null && organisation.sponsor_state !== sender.stateCode) {
      const state = sender.stateCode;
      const error = new DomainError('forbidden', (m) => m.problems.checks.notSponsor(state, id));
      throw await rejectPartner(ctx, sender, id, error);
    }
    resolved.add(organisation.id);
  }

  return [...resolved];
}

/** Lists the active accounts of partner organisations as check recipients. */
async function listPartnerRecipients(
  ctx: AppContext,
  organisationIds: readonly string[],
): Promise<CandidatePartner[]> {
  const accounts = await listPartnerAccounts(ctx.db, organisationIds);

  return accounts.map((account) => ({
    id: null,
    organisation_id: account.organisation_id ?? '',
    state_code: '',
    level: PARTNER_LEVEL,
    contact_role: PARTNER_LEVEL,
    email: account.email,
    email_key: account.email_key,
  }));
}

/**
 * Starts a check in one transaction: the check, one recipient per chosen PoC with a hashed
 * personal token, the invitation and reminder mail jobs and the job that closes the window.
 */
export async function startCheck(
  ctx: AppContext,
  sender: CheckSender,
  input: CheckStart,
  options: CheckOptions = {},
) {
  const audience = await resolveAudience(ctx, sender, input);
  const partnerIds = await resolvePartnerIds(ctx, sender, input.partners ?? []);
  const partners = await listPartnerRecipients(ctx, partnerIds);
  const pocs = audience.isPartnersOnly
    ? []
    : chooseFirstRecipients(await listAudiencePocs(ctx.db, audience));
  if (pocs.length === 0 && partners.length === 0) {
    const field = audience.isPartnersOnly ? 'partners' : 'states';
    const what: ErrorText = audience.isPartnersOnly
      ? (m) => m.problems.checks.noPartnerAccounts
      : (m) => m.problems.checks.noMatchingPoc;
    throw invalidField(field, what);
  }

  const checkId = newId();
  const now = ctx.clock.now();
  const closesAt = new Date(now.getTime() + input.windowMinutes * MINUTE_MS);
  const repeatMinutes = input.repeatEveryDays === undefined ? null : input.repeatEveryDays * 1440;
  const nextAt =
    repeatMinutes === null ? null : new Date(now.getTime() + repeatMinutes * MINUTE_MS);
  const recipients = [...pocs, ...partners].map((candidate) =>
    newRecipient(checkId, candidate, closesAt.toISOString(), null),
  );

  await ctx.db.transaction().execute(async (trx) => {
    const check = {
      id: checkId,
      title: input.title,
      created_by: sender.accountId,
      sender_state: sender.stateCode,
      levels: JSON.stringify(input.levels),
      // A partners-only check stores no states, so its repeats stay partners-only.
      states: JSON.stringify(audience.isPartnersOnly ? [] : audience.states),
      regions: JSON.stringify(input.regions),
      partner_org_ids: partnerIds.length === 0 ? null : JSON.stringify(partnerIds),
      window_minutes: input.windowMinutes,
      reminder_minutes: JSON.stringify(input.reminderMinutes),
      status: 'open' as const,
      created_at: now.toISOString(),
      closes_at: closesAt.toISOString(),
      exercise_id: options.exerciseId ?? null,
      repeat_every_minutes: repeatMinutes,
      next_occurrence_at: nextAt?.toISOString() ?? null,
    };
    await insertCheck(
      trx,
      check,
      recipients.map((r) => r.row),
    );
    await queueRecipientMails(trx, ctx, recipients, input.reminderMinutes);
    await queueCheckClose(trx, ctx, checkId, 'window', closesAt);
    if (options.previousId !== undefined) {
      await updateCheck(trx, options.previousId, { repeated_as: checkId });
    }
  });
  ctx.logger.info(
    { checkId, senderId: sender.accountId, recipients: recipients.length },
    'check started',
  );

  return { id: checkId, recipients: recipients.length };
}

const StoredList = z.array(z.string());

/** Rebuilds the request of a stored check, to start its next occurrence. */
function repeatInput(check: CheckRow): CheckStart {
  const repeatMinutes = check.repeat_every_minutes ?? DAY_MS / MINUTE_MS;

  return {
    title: check.title,
    levels: StoredList.parse(JSON.parse(check.levels)) as NewCheck['levels'],
    states: StoredList.parse(JSON.parse(check.states)),
    regions: StoredList.parse(JSON.parse(check.regions)) as NewCheck['regions'],
    partners: StoredList.parse(JSON.parse(check.partner_org_ids ?? '[]')),
    windowMinutes: check.window_minutes,
    reminderMinutes: z.array(z.number()).parse(JSON.parse(check.reminder_minutes)),
    repeatEveryDays: Math.max(1, Math.round(repeatMinutes / 1440)),
  };
}

/** Starts the next occurrence of every repeating check that is due. */
export async function startDueRepeats(ctx: AppContext): Promise<JobCounts> {
  const due = await listDueRepeats(ctx.db, ctx.clock.now().toISOString());
  let started = 0;
  for (const check of due) {
    const sender = { accountId: check.created_by, stateCode: check.sender_state };
    try {
      await startCheck(ctx, sender, repeatInput(check), {
        previousId: check.id,
        ...(check.exercise_id === null ? {} : { exerciseId: check.exercise_id }),
      });
      started += 1;
    } catch (error) {
      ctx.logger.error({ err: error, checkId: check.id }, 'check repeat failed');
    }
  }

  return { started, due: due.length };
}

/** Job that starts the next occurrence of repeating checks; the worker queues it hourly. */
export const checkRepeatJob = defineJobKind({
  name: 'check-repeat',
  payload: z.object({}),
  retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 10 * 60_000 },
  run: (ctx) => startDueRepeats(ctx),
});

/** Returns a recipient and its check by personal token, or throws the 404 of an unknown link. */
async function findByToken(ctx: AppContext, token: string) {
  const recipient = await findRecipientByTokenHash(ctx.db, hashSecret(token));
  const check = recipient === undefined ? undefined : await findCheck(ctx.db, recipient.check_id);
  if (recipient === undefined || check === undefined)
    throw notFound((m) => m.problems.checks.linkNotFound);

  return { recipient, check };
}

/** Returns the check of a personal link and records its first opening; opening is no answer. */
export async function openCheckByToken(ctx: AppContext, token: string) {
  const found = await findByToken(ctx, token);
  await markOpened(ctx.db, found.recipient.id, ctx.clock.now().toISOString());

  return found;
}

function requireOpen(check: CheckRow) {
  if (check.status !== 'closed') return;
  const closedAt = check.closed_at ?? check.closes_at;
  throw new DomainError('conflict', (m) => m.problems.checks.closed(closedAt));
}

/** Stores one timeline entry per newly answered recipient of an exercise check. */
async function recordExerciseAnswers(
  trx: Kysely<Tables>,
  ctx: AppContext,
  check: CheckRow,
  recipients: readonly CheckRecipientRow[],
  answered: { ids: readonly string[]; at: string },
): Promise<LiveEvent[]> {
  const exerciseId = check.exercise_id;
  if (exerciseId === null) return [];
  const events: LiveEvent[] = [];
  for (const recipient of recipients.filter((r) => answered.ids.includes(r.id))) {
    const entry = {
      exerciseId,
      kind: 'answered' as const,
      who: participantOf(recipient),
      subject: check.title,
      at: answered.at,
    };
    events.push(await recordExerciseEntry(trx, ctx, entry));
  }

  return events;
}

/**
 * Records answers and confirms each answered PoC entry in the directory, except in exercises,
 * whose traffic never changes real figures. A confirmation that fails (the entry was deleted) is
 * logged, because the answer itself stays valid.
 */
async function recordAnswers(
  ctx: AppContext,
  check: CheckRow,
  recipients: readonly CheckRecipientRow[],
  via: AnsweredVia,
  accountId: string | null,
) {
  const at = ctx.clock.now().toISOString();
  const { answered, events } = await ctx.db.transaction().execute(async (trx) => {
    const ids = await markAnswered(
      trx,
      recipients.map((r) => r.id),
      at,
      via,
    );
    const events = await recordExerciseAnswers(trx, ctx, check, recipients, { ids, at });
    return { answered: ids, events };
  });
  await publishEvents(ctx, events);
  for (const recipient of recipients) {
    if (!answered.includes(recipient.id) || recipient.poc_id === null) continue;
    if (check.exercise_id !== null) continue;
    // NOTE: an answer through the personal link has no signed-in account, so the directory
    // history names the check's sender and says in the note that the PoC answered.
    const actor = {
      accountId: accountId ?? check.created_by,
      stateCode: recipient.state_code,
      note: `Answered communication check ${check.id} (${via})`,
    };
    await confirmPoc(ctx, actor, recipient.poc_id, 'check').catch((error: unknown) => {
      ctx.logger.warn(
        { err: error, checkId: check.id, pocId: recipient.poc_id },
        'poc not confirmed',
      );
    });
  }
  ctx.logger.info({ checkId: check.id, answered: answered.length, via }, 'check answered');

  return { checkId: check.id, answeredAt: at, answered: answered.length };
}

/**
 * Answers a check through a personal link, for every entry of the link's address, because one
 * mail goes to an address that several entries list. A second answer keeps the first one's time.
 */
export async function answerCheckByToken(ctx: AppContext, token: string) {
  const { recipient, check } = await findByToken(ctx, token);
  if (recipient.answered_at !== null) {
    return { checkId: check.id, answeredAt: recipient.answered_at, answered: 0 };
  }
  requireOpen(check);
  const sameAddress = await listRecipientsByEmail(ctx.db, check.id, recipient.email_key);
  const pending = sameAddress.filter((row) => row.answered_at === null);

  return recordAnswers(ctx, check, pending, 'link', null);
}

/** Answers a check for every entry of the signed-in recipient's e-mail address. */
export async function answerCheckAsRecipient(
  ctx: AppContext,
  principal: Principal,
  checkId: string,
  via: AnsweredVia,
) {
  const check = await findCheck(ctx.db, checkId);
  const rows =
    check === undefined ? [] : await listRecipientsByEmail(ctx.db, checkId, principal.emailKey);
  if (check === undefined || rows.length === 0)
    throw notFound((m) => m.problems.checks.checkNotFound);
  const pending = rows.filter((row) => row.answered_at === null);
  if (pending.length === 0) {
    return { checkId, answeredAt: rows[0]?.answered_at ?? null, answered: 0 };
  }
  requireOpen(check);

  return recordAnswers(ctx, check, pending, via, principal.accountId);
}
