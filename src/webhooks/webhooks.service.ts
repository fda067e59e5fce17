import { findOrganisationsByIds, pickOrganisationById } from '../accounts/accounts.queries.ts';
import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import type { WebhooksTable } from '../db/schema.ts';
import { newId, newSecret } from '../shared/crypto.ts';
import { DomainError, invalidField, notFound } from '../shared/errors.ts';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listWebhooks,
  setWebhookActive,
} from './webhooks.queries.ts';
import { buildTargetPolicy, checkWebhookUrl } from './webhook-target.ts';
import type { NewWebhook, WebhookView } from './webhooks.schema.ts';

/** The state or organisation whose webhooks a principal manages. */
interface WebhookOwner {
  kind: 'state' | 'organisation';
  id: string;
}

/**
 * Returns the owner a principal manages: a state editor their state, a partner their
 * organisation. The secretariat manages every owner; PoCs manage none.
 */
function ownOwner(principal: Principal): WebhookOwner | null {
  if (principal.role === 'state-editor' && principal.stateCode !== null) {
    return { kind: 'state', id: principal.stateCode };
  }
  if (principal.role === 'partner' && principal.organisationId !== null) {
    return { kind: 'organisation', id: principal.organisationId };
  }

  return null;
}

function requireManager(principal: Principal) {
  if (principal.role === 'secretariat' || ownOwner(principal) !== null) return;
  throw new DomainError('forbidden', (m) => m.problems.webhooks.managersOnly);
}

async function ownerForNew(ctx: AppContext, principal: Principal, input: NewWebhook) {
  if (input.state !== undefined && input.organisation !== undefined) {
    throw invalidField('organisation', (m) => m.problems.webhooks.stateOrOrganisation);
  }
  const own = ownOwner(principal);
  if (own !== null) {
    const named = input.state ?? input.organisation;
    if (named !== undefined && named.toLowerCase() !== own.id.toLowerCase()) {
      throw new DomainError('forbidden', (m) => m.problems.webhooks.ownOnly(own.id));
    }
    return own;
  }

  if (input.state !== undefined) {
    const state = await ctx.db
      .selectFrom('states')
      .select('code')
      .where('code', '=', input.state)
      .executeTakeFirst();
    const code = input.state;
    if (state === undefined) {
      throw invalidField('state', (m) => m.problems.directory.unknownStateCode(code));
    }
    return { kind: 'state', id: input.state } satisfies WebhookOwner;
  }
  if (input.organisation !== undefined) {
    const id = input.organisation;
    // Ids compare regardless of case; the owner is stored under the organisation's own id.
    const org = pickOrganisationById(await findOrganisationsByIds(ctx.db, [id]), id);
    if (org === undefined) {
      throw invalidField('organisation', (m) => m.problems.directory.unknownOrganisation(id));
    }
    return { kind: 'organisation', id: org.id } satisfies WebhookOwner;
  }

  throw invalidField('state', (m) => m.problems.webhooks.ownerMissing);
}

function toView(row: WebhooksTable): WebhookView {
  return {
    id: row.id,
    ownerKind: row.owner_kind,
    owner: row.owner,
    url: row.url,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
  };
}

// A percent-encoded octet; those of unreserved characters equal the characters themselves.
const PERCENT_ENCODED = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Returns the form of a URL under which two spellings of one receiver compare equal. It is the
 * URL as the WHATWG parser writes it (scheme and host in lower case, no default port or dot
 * segments), without the fragment, which is never sent, and without an empty query. Percent-
 * encoded unreserved characters are decoded (RFC 3986, section 6.2.2.2).
 */
export function receiverKey(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  if (parsed.search === '') parsed.search = '';
  const decode = (_octet: string, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : `%${hex.toUpperCase()}`;
  };

  return parsed.href.replace(PERCENT_ENCODED, decode);
}

/**
 * Rejects a URL that the owner already registered under any spelling of `receiverKey`, because
 * each alert would be posted to it twice under two idempotency keys.
 */
async function rejectRegisteredUrl(
  ctx: AppContext,
  owner: { kind: 'state' | 'organisation'; id: string },
  url: string,
) {
  const key = receiverKey(url);
  const existing = await listWebhooks(ctx.db, owner);
  const same = existing.find((row) => receiverKey(row.url) === key);
  if (same === undefined) return;

  throw new DomainError('conflict', (m) => m.problems.webhooks.urlRegistered(owner.id, same.id), [
    { field: 'url', message: (m) => m.problems.webhooks.urlRegisteredField },
  ]);
}

/** Registers an endpoint and returns it with its secret, which no later read shows. */
export async function addWebhook(ctx: AppContext, principal: Principal, input: NewWebhook) {
  requireManager(principal);
  const owner = await ownerForNew(ctx, principal, input);
  const policy = buildTargetPolicy(ctx.config.webhookAllowedHosts);
  const urlProblem = await checkWebhookUrl(input.url, policy);
  if (urlProblem !== null) throw invalidField('url', urlProblem);
  await rejectRegisteredUrl(ctx, owner, input.url);
  const row: WebhooksTable = {
    id: newId(),
    owner_kind: owner.kind,
    owner: owner.id,
    url: input.url,
    secret: input.secret ?? newSecret('whsec_'),
    is_active: input.isActive ? 1 : 0,
    created_by: principal.accountId,
    created_at: ctx.clock.now().toISOString(),
  };
  await insertWebhook(ctx.db, row);
  ctx.logger.info(
    { webhookId: row.id, owner: owner.id, accountId: principal.accountId },
    'webhook added',
  );

  return { ...toView(row), secret: row.secret };
}

/** Lists the endpoints the principal manages. */
export async function listOwnWebhooks(ctx: AppContext, principal: Principal) {
  requireManager(principal);
  const rows = await listWebhooks(ctx.db, ownOwner(principal));

  return rows.map(toView);
}

async function findManaged(ctx: AppContext, principal: Principal, id: string) {
  requireManager(principal);
  const row = await findWebhook(ctx.db, id);
  const own = ownOwner(principal);
  const mayManage =
    row !== undefined &&
    (own === null
      ? principal.role === 'secretariat'
      : row.owner_kind === own.kind && row.owner === own.id);
  if (row === undefined || !mayManage) throw notFound((m) => m.problems.webhooks.webhookNotFound);

  return row;
}

/** Removes an endpoint; its delivery history stays on the alerts it served. */
export async function removeWebhook(ctx: AppContext, principal: Principal, id: string) {
  await findManaged(ctx, principal, id);
  await deleteWebhook(ctx.db, id);
  ctx.logger.info({ webhookId: id, accountId: principal.accountId }, 'webhook removed');
}

/** Turns an endpoint on or off; an inactive endpoint gets no new calls. */
export async function updateWebhook(
  ctx: AppContext,
  principal: Principal,
  id: string,
  isActive: boolean,
) {
  const row = await findManaged(ctx, principal, id);
  await setWebhookActive(ctx.db, id, isActive);

  return toView({ ...row, is_active: isActive ? 1 : 0 });
}
