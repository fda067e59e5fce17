import type { Kysely } from 'kysely';

import { findAccountByEmailKey, type AccountRow } from '../accounts/accounts.queries.ts';
import { createAccount, requireEmailKey } from '../accounts/accounts.service.ts';
import { checkPocAddress } from '../accounts/poc-address.ts';
import { isRole, type Principal, type Role } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import { enqueueJob } from '../jobs/jobs.service.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { DomainError, invalidField } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import {
  recordAllowed,
  recordRejection,
  rejectAsForbidden,
  type AdminDeps,
} from './admin.access.ts';
import { invitationMailJob } from './admin-mail.job.ts';
import { InvitationRequest, type InvitationView, type OrganisationRef } from './admin.schema.ts';
import { linkStatusOf, type LinkStatus } from './link-status.ts';
import { requireKnownSponsor } from './organisations.service.ts';
import {
  claimInvitation,
  findInvitationByTokenHash,
  insertInvitation,
  listPendingInvitations,
  releaseInvitation,
  revokeInvitations,
  setInvitationAccount,
  type InvitationRow,
} from './links.queries.ts';
import { findOrganisationByName } from '../accounts/accounts.queries.ts';
import { findOrganisationById, insertOrganisation } from './users.queries.ts';

/** How long an invitation link can be used, in milliseconds (7 days). */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Role, state and organisation of the invited account, after the caller's rights are checked. */
interface InvitationScope {
  role: Role;
  stateCode: string | null;
  organisation: {
    name: string;
    clearance: string | undefined;
    sponsorState: string | undefined;
  } | null;
}

const ACTION = 'invitation.create';

/** Applies the rules of who may invite whom, and records every rejection. */
async function resolveScope(
  deps: AdminDeps,
  caller: Principal,
  data: InvitationRequest,
): Promise<InvitationScope> {
  const target = `email:${data.email}`;
  const isStateRole = data.role === 'state-editor' || data.role === 'poc';

  if (caller.role === 'state-editor') {
    if (!isStateRole) {
      const attempt = { action: ACTION, target };
      throw await rejectAsForbidden(
        deps,
        caller,
        attempt,
        (m) => m.problems.admin.inviteOwnStateRoles,
      );
    }
    const own = caller.stateCode ?? '';
    if (data.state !== undefined && data.state !== own) {
      const error = invalidField('state', (m) => m.problems.admin.ownStateOnly(own));
      const reason = `invitation for another state ${data.state}`;
      throw await recordRejection(deps, caller, { action: ACTION, target, reason }, error);
    }
  }
  if (isStateRole) {
    if (
      data.organisation !== undefined ||
      data.clearance !== undefined ||
      data.sponsorState !== undefined
    ) {
      const field =
        data.organisation !== undefined
          ? 'organisation'
          : data.clearance !== undefined
            ? 'clearance'
            : 'sponsorState';
      throw invalidField(field, (m) => m.problems.admin.partnerOnly);
    }
    const stateCode = caller.role === 'state-editor' ? caller.stateCode : (data.state ?? null);
    if (stateCode === null)
      throw invalidField('state', (m) => m.problems.admin.requiredForRole(data.role));

    return { role: data.role, stateCode, organisation: null };
  }

  if (data.state !== undefined) throw invalidField('state', (m) => m.problems.admin.notForPartner);
  if (data.organisation === undefined) {
    throw invalidField('organisation', (m) => m.problems.admin.requiredForPartner);
  }

  return {
    role: data.role,
    stateCode: null,
    organisation: {
      name: data.organisation,
      clearance: data.clearance,
      sponsorState: data.sponsorState,
    },
  };
}

/** Returns true when the caller could have sent the invitation, so may replace it. */
function canReplace(caller: Principal, invitation: InvitationRow): boolean {
  if (caller.role === 'secretariat') return true;

  return invitation.role !== 'partner' && invitation.state_code === caller.stateCode;
}

/** Finds the invited partner organisation, or creates it with the given clearance. */
async function ensureOrganisation(
  db: Kysely<Tables>,
  organisation: NonNullable<InvitationScope['organisation']>,
  now: string,
): Promise<OrganisationRef> {
  const existing = await findOrganisationByName(db, organisation.name);
  // An existing organisation keeps its clearance and sponsoring state: only
  // PATCH /api/v1/organisations/{id} changes them.
  if (existing !== undefined) return { id: existing.id, name: existing.name };
  if (organisation.clearance === undefined) {
    throw invalidField('clearance', (m) => m.problems.admin.clearanceRequired);
  }
  if (organisation.sponsorState !== undefined) {
    await requireKnownSponsor({ db }, organisation.sponsorState);
  }

  const row = await insertOrganisation(db, {
    id: newId(),
    name: organisation.name,
    clearance: organisation.clearance,
    sponsor_state: organisation.sponsorState ?? null,
    created_at: now,
  });

  return { id: row.id, name: row.name };
}

async function requireKnownState(db: Kysely<Tables>, stateCode: string | null) {
  if (stateCode === null) return;
  const state = await db
    .selectFrom('states')
    .select('code')
    .where('code', '=', stateCode)
    .executeTakeFirst();
  if (state === undefined) {
    throw invalidField('state', (m) => m.problems.directory.notUnStateCode(stateCode));
  }
}

/**
 * Invites a person to create an account, and queues the mail with the one-time link in the same
 * transaction. A new invitation to the same e-mail replaces the pending ones the caller could
 * have sent; a pending invitation from another state is a conflict.
 */
export async function createInvitation(
  deps: AdminDeps,
  caller: Principal,
  input: unknown,
): Promise<InvitationView> {
  if (caller.role !== 'secretariat' && caller.role !== 'state-editor') {
    const attempt = { action: ACTION, target: null };
    throw await rejectAsForbidden(deps, caller, attempt, (m) => m.problems.admin.inviteRoles);
  }
  const data = parseInput(InvitationRequest, input, 'invitation');
  const emailKey = requireEmailKey(data.email);
  const scope = await resolveScope(deps, caller, data);

  const id = newId();
  const token = newSecret();
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();

  const view = await deps.db.transaction().execute(async (trx) => {
    if ((await findAccountByEmailKey(trx, emailKey)) !== undefined) {
      throw new DomainError('conflict', (m) => m.problems.admin.accountExists(data.email), [
        { field: 'email', message: (m) => m.problems.admin.hasAccount },
      ]);
    }
    await checkPocAddress(trx, scope, emailKey);
    const pending = await listPendingInvitations(trx, emailKey, nowIso);
    if (pending.some((invitation) => !canReplace(caller, invitation))) {
      throw new DomainError('conflict', (m) => m.problems.admin.invitationPending(data.email), [
        { field: 'email', message: (m) => m.problems.admin.invitedElsewhere },
      ]);
    }
    await revokeInvitations(
      trx,
      pending.map((invitation) => invitation.id),
      nowIso,
    );

    await requireKnownState(trx, scope.stateCode);
    const organisation =
      scope.organisation === null
        ? null
        : await ensureOrganisation(trx, scope.organisation, nowIso);
    await insertInvitation(trx, {
      id,
      email: data.email,
      email_key: emailKey,
      role: scope.role,
      state_code: scope.stateCode,
      organisation_id: organisation?.id ?? null,
      token_hash: hashSecret(token),
      invited_by: caller.accountId,
      created_at: nowIso,
      expires_at: expiresAt,
      used_at: null,
      revoked_at: null,
      account_id: null,
    });
    const payload = { invitationId: id, token };
    await enqueueJob(trx, deps.clock, invitationMailJob, payload, {
      idempotencyKey: `invitation-mail:${id}`,
    });
    const details = { role: scope.role, state: scope.stateCode, replaced: pending.length };
    await recordAllowed({ ...deps, db: trx }, caller, ACTION, `invitation:${id}`, details);

    return {
      id,
      email: data.email,
      role: scope.role,
      state: scope.stateCode,
      organisation,
      expiresAt,
    };
  });
  deps.logger.info({ userId: caller.accountId, invitationId: id }, 'invitation created');

  return view;
}

/** Returns the status of an invitation link, and the invitation while it can be used. */
export async function findInvitationLink(deps: AdminDeps, token: string) {
  const invitation = await findInvitationByTokenHash(deps.db, hashSecret(token));
  const status = linkStatusOf(invitation, deps.clock.now().toISOString());

  return { status, invitation: status === 'valid' ? invitation : undefined };
}

function storedRole(invitation: InvitationRow): Role {
  if (!isRole(invitation.role)) {
    throw new Error(`Invitation ${invitation.id} has the unknown role ${invitation.role}`);
  }

  return invitation.role;
}

/** Result of using an invitation link. */
export type AcceptResult =
  { status: 'accepted'; account: AccountRow } | { status: Exclude<LinkStatus, 'valid'> };

/**
 * Creates the invited account with the chosen password and marks the invitation used. The
 * invitation is claimed first, so of two concurrent requests only one creates the account.
 */
export async function acceptInvitation(
  deps: AdminDeps,
  token: string,
  password: string,
): Promise<AcceptResult> {
  const { status, invitation } = await findInvitationLink(deps, token);
  if (status !== 'valid' || invitation === undefined) {
    return { status: status === 'valid' ? 'unknown' : status };
  }
  const now = deps.clock.now().toISOString();
  if (!(await claimInvitation(deps.db, invitation.id, now))) return { status: 'used' };

  // createAccount runs its own transaction, which Kysely cannot nest, so a failure releases the
  // claim instead of rolling it back.
  // NOTE: a crash between the claim and the account leaves the invitation used without an
  // account; the inviter then sends a new invitation.
  // NOTE: `createAccount` checks the organisation's stored name again, and no route renames an
  // organisation. A stored name that fails the current one-line check fails every acceptance.
  let account: AccountRow;
  try {
    const organisation =
      invitation.organisation_id === null
        ? undefined
        : await findOrganisationById(deps.db, invitation.organisation_id);
    account = await createAccount(deps, {
      email: invitation.email,
      role: storedRole(invitation),
      state: invitation.state_code ?? undefined,
      org: organisation?.name,
      password,
    });
  } catch (error) {
    await releaseInvitation(deps.db, invitation.id, now);
    throw error;
  }
  await setInvitationAccount(deps.db, invitation.id, account.id);
  deps.logger.info({ userId: account.id, invitationId: invitation.id }, 'invitation accepted');

  return { status: 'accepted', account };
}
