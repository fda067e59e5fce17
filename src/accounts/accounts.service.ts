import type { Kysely } from 'kysely';
import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import type { Clock } from '../shared/clock.ts';
import { hashSecret, newId, newSecret } from '../shared/crypto.ts';
import { DomainError, invalidField, notFound } from '../shared/errors.ts';
import {
  findMixedScriptLabel,
  findWholeScriptConfusable,
  isValidEmailKey,
  normaliseEmail,
} from '../shared/email.ts';
import { parseInput, singleLineText } from '../shared/validation.ts';
import type { Tables } from '../db/schema.ts';
import { tlpLevels } from '../sharing/tlp.ts';
import {
  findAccountByEmailKey,
  findAccountBySession,
  findAccountByTokenHash,
  findOrganisationByName,
  type AccountRow,
} from './accounts.queries.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { checkPocAddress } from './poc-address.ts';
import { roles, type Principal, type Role } from './principal.ts';
import { isSingleLine, SINGLE_LINE } from '../shared/text.ts';

/** How long a browser session lasts, in milliseconds. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** What a service needs to act on accounts. */
export interface AccountDeps {
  db: Kysely<Tables>;
  clock: Clock;
}

/** Input for a new account. */
export const NewAccountSchema = z.object({
  email: z.string().trim().min(3).max(254).refine(isSingleLine, SINGLE_LINE),
  role: z.enum(roles),
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
    .transform((s) => s.toUpperCase())
    .optional(),
  org: singleLineText(200).optional(),
  clearance: z.enum(tlpLevels).optional(),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, processMessages.validation.atLeast(MIN_PASSWORD_LENGTH, 'string'))
    .max(1024)
    .optional(),
});

/** Label that names an API token in token lists. */
export const TokenLabel = singleLineText(100);

/** Input for a new account, as accepted by `createAccount`. */
export type NewAccount = z.input<typeof NewAccountSchema>;

/** Converts a stored account into the principal of a request. */
export function toPrincipal(row: AccountRow): Principal {
  return {
    accountId: row.id,
    email: row.email,
    emailKey: row.email_key,
    role: row.role as Role,
    stateCode: row.state_code,
    organisationId: row.organisation_id,
  };
}

/** Normalises an e-mail or throws a field error naming `field`. */
export function requireEmailKey(email: string, field = 'email'): string {
  // Validate the punycode form, so addresses with non-ASCII domains are accepted.
  const key = normaliseEmail(email.trim());
  if (key === null || !isValidEmailKey(key)) {
    throw invalidField(field, (m) => m.problems.accounts.invalidEmail);
  }
  const mixed = findMixedScriptLabel(email.trim());
  if (mixed !== null) {
    const scripts = mixed.scripts.join(' and ');
    throw invalidField(field, (m) => m.problems.accounts.mixedScripts(mixed.label, scripts));
  }
  const wholeScript = findWholeScriptConfusable(email.trim());
  if (wholeScript !== null) {
    const { label, script, looksLike } = wholeScript;
    throw invalidField(field, (m) =>
      m.problems.accounts.wholeScriptConfusable(label, script, looksLike),
    );
  }

  return key;
}

/** Creates an account; state editors and PoCs need a state, partners an organisation. */
export async function createAccount(deps: AccountDeps, input: NewAccount): Promise<AccountRow> {
  const data = parseInput(NewAccountSchema, input, 'account');
  const emailKey = requireEmailKey(data.email);
  const needsState = data.role === 'state-editor' || data.role === 'poc';
  if (needsState && data.state === undefined) {
    throw invalidField('state', (m) => m.problems.admin.requiredForRole(data.role));
  }
  if (!needsState && data.state !== undefined) {
    throw invalidField('state', (m) => m.problems.accounts.stateRolesOnly);
  }
  if ((data.role === 'partner') !== (data.org !== undefined)) {
    throw invalidField('org', (m) => m.problems.accounts.organisationForPartner);
  }

  const now = deps.clock.now().toISOString();
  const passwordHash = data.password === undefined ? null : await hashPassword(data.password);

  return deps.db.transaction().execute(async (trx) => {
    if ((await findAccountByEmailKey(trx, emailKey)) !== undefined) {
      throw new DomainError('conflict', (m) => m.problems.admin.accountExists(data.email), [
        { field: 'email', message: (m) => m.problems.accounts.emailInUse },
      ]);
    }
    await checkPocAddress(trx, { role: data.role, stateCode: data.state ?? null }, emailKey);
    if (data.state !== undefined) {
      const state = trx.selectFrom('states').select('code').where('code', '=', data.state);
      if ((await state.executeTakeFirst()) === undefined) {
        const code = data.state;
        throw invalidField('state', (m) => m.problems.directory.notUnStateCode(code));
      }
    }
    const organisationId = data.org === undefined ? null : await ensureOrganisation(trx, data, now);

    return trx
      .insertInto('accounts')
      .values({
        id: newId(),
        email: data.email,
        email_key: emailKey,
        role: data.role,
        state_code: data.state ?? null,
        organisation_id: organisationId,
        password_hash: passwordHash,
        suspended_at: null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

async function ensureOrganisation(
  db: Kysely<Tables>,
  data: z.output<typeof NewAccountSchema>,
  now: string,
): Promise<string> {
  const name = data.org ?? '';
  // Matched as invitations match, so `acme research` joins `Acme Research` with its clearance.
  const existing = await findOrganisationByName(db, name);
  if (existing !== undefined) return existing.id;

  const id = newId();
  await db
    .insertInto('organisations')
    .values({ id, name, clearance: data.clearance ?? 'green', created_at: now })
    .execute();

  return id;
}

/** Creates an API token for the account; returns the token, which is never stored in clear. */
export async function createToken(deps: AccountDeps, email: string, label = 'cli') {
  const input = parseInput(z.object({ label: TokenLabel }), { label }, 'apiKey');
  const account = await findAccountByEmailKey(deps.db, requireEmailKey(email));
  if (account === undefined) throw notFound((m) => m.problems.accounts.accountNotFound);

  const token = newSecret('prl_');
  const id = newId();
  await deps.db
    .insertInto('api_tokens')
    .values({
      id,
      account_id: account.id,
      token_hash: hashSecret(token),
      label: input.label,
      created_at: deps.clock.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();

  return { id, token };
}

/** Lists an account's tokens without their secrets. */
export async function listTokens(deps: AccountDeps, email: string) {
  const account = await findAccountByEmailKey(deps.db, requireEmailKey(email));
  if (account === undefined) throw notFound((m) => m.problems.accounts.accountNotFound);

  return deps.db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
    .where('account_id', '=', account.id)
    .orderBy('created_at')
    .execute();
}

/**
 * Revokes a token named by its id or by its secret value. Returns the ids of the accounts whose
 * token was revoked, which is empty when no active token matched.
 */
export async function revokeToken(
  deps: AccountDeps,
  by: { id?: string; token?: string },
): Promise<string[]> {
  const now = deps.clock.now().toISOString();
  let query = deps.db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('revoked_at', 'is', null);
  if (by.id !== undefined) query = query.where('id', '=', by.id);
  else if (by.token !== undefined) query = query.where('token_hash', '=', hashSecret(by.token));
  else throw invalidField('id', (m) => m.problems.accounts.tokenMissing);

  const rows = await query.returning('account_id').execute();

  return rows.map((row) => row.account_id);
}

/** Resolves a bearer token to its principal, or null for an unknown, revoked or suspended one. */
export async function authenticateToken(deps: AccountDeps, token: string) {
  const row = await findAccountByTokenHash(deps.db, hashSecret(token));
  if (row === undefined || row.suspended_at !== null) return null;

  await deps.db
    .updateTable('api_tokens')
    .set({ last_used_at: deps.clock.now().toISOString() })
    .where('id', '=', row.token_id)
    .execute();

  return toPrincipal(row);
}

/** Checks e-mail and password and opens a session; returns null when either is wrong. */
export async function signIn(deps: AccountDeps, email: string, password: string) {
  const emailKey = normaliseEmail(email);
  const account = emailKey === null ? undefined : await findAccountByEmailKey(deps.db, emailKey);
  const valid =
    account?.password_hash != null && (await verifyPassword(account.password_hash, password));
  if (account === undefined || !valid || account.suspended_at !== null) return null;

  const sessionId = newSecret();
  const csrfToken = newSecret();
  const now = deps.clock.now();
  await deps.db
    .insertInto('sessions')
    .values({
      id_hash: hashSecret(sessionId),
      account_id: account.id,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    })
    .execute();

  return { sessionId, csrfToken, principal: toPrincipal(account) };
}

/** Resolves a session cookie to its principal, CSRF token and expiry time, or null. */
export async function resolveSession(deps: AccountDeps, sessionId: string) {
  const now = deps.clock.now().toISOString();
  const row = await findAccountBySession(deps.db, hashSecret(sessionId), now);
  if (row === undefined || row.suspended_at !== null) return null;

  return { principal: toPrincipal(row), csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/** Ends a session; returns the id of its account, or null when there was no such session. */
export async function signOut(deps: AccountDeps, sessionId: string): Promise<string | null> {
  const row = await deps.db
    .deleteFrom('sessions')
    .where('id_hash', '=', hashSecret(sessionId))
    .returning('account_id')
    .executeTakeFirst();

  return row?.account_id ?? null;
}
