import { z } from 'zod';

import { findAccountById } from '../accounts/accounts.queries.ts';
import { isRole, type Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { recordAudit } from '../audit/audit.ts';
import { newId } from '../shared/crypto.ts';
import { DomainError, notFound } from '../shared/errors.ts';
import { foldForSearch } from '../shared/text.ts';
import { audienceGrants, canReadVersion, type Grant } from '../sharing/access.ts';
import { isTlpLevel } from '../sharing/tlp.ts';
import { findOrganisationClearance } from '../accounts/accounts.queries.ts';
import {
  findDocument,
  insertDocument,
  listVersions,
  searchDocuments,
  updateDocument,
  type DocumentRow,
} from './library.queries.ts';
import type { DocumentPatch, DocumentView, NewDocument } from './library.schema.ts';

/** Documents one search returns, at most. */
export const LIBRARY_LIST_LIMIT = 200;

// Rows read per search before the TLP filter, so a filtered page still fills up.
const SEARCH_SCAN_LIMIT = 2000;

// Library documents name no extra recipients: the audience follows from the TLP and the author.
const noRecipients = { states: [], organisationIds: [], accountIds: [] };

const GrantList = z.array(
  z.object({
    grantee_kind: z.enum(['state', 'organisation', 'account', 'secretariat']),
    grantee: z.string(),
  }),
);

function searchText(title: string, tags: readonly string[], body: string): string {
  return foldForSearch(`${title} ${tags.join(' ')} ${body}`);
}

function toView(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    title: row.title,
    tags: z.array(z.string()).parse(JSON.parse(row.tags)),
    tlp: isTlpLevel(row.tlp) ? row.tlp : 'red',
    version: row.version,
    body: row.body,
    authorId: row.author_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/**
 * Returns a reader for the TLP rule of shared STIX objects: CLEAR for anyone, GREEN for every
 * account, AMBER for the author's state or organisation (or the secretariat when it wrote it),
 * RED for the author.
 * A partner also needs its organisation's clearance.
 */
async function readerFor(ctx: AppContext, principal: Principal | null) {
  const clearance =
    principal?.organisationId === null || principal?.organisationId === undefined
      ? null
      : await findOrganisationClearance(ctx.db, principal.organisationId);
  const level = clearance !== null && isTlpLevel(clearance) ? clearance : null;

  return (row: DocumentRow) => {
    const grants: Grant[] = GrantList.parse(JSON.parse(row.grants));
    return canReadVersion(principal, { tlp: row.tlp, shared_by: row.author_id }, grants, level);
  };
}

/** Finds a document the principal may read; anything else is the same 404. */
async function findReadable(ctx: AppContext, principal: Principal | null, id: string) {
  const row = await findDocument(ctx.db, id);
  const canRead = await readerFor(ctx, principal);
  if (row === undefined || !canRead(row))
    throw notFound((m) => m.problems.library.documentNotFound);

  return row;
}

/** Adds a document to the library; any signed-in member may. */
export async function createDocument(ctx: AppContext, author: Principal, input: NewDocument) {
  const id = newId();
  const now = ctx.clock.now().toISOString();
  const grants = audienceGrants(input.tlp, author, noRecipients);
  const tags = JSON.stringify(input.tags);
  const common = { title: input.title, tags, tlp: input.tlp, body: input.body };

  await ctx.db.transaction().execute(async (trx) => {
    await insertDocument(
      trx,
      {
        id,
        ...common,
        search_text: searchText(input.title, input.tags, input.body),
        version: 1,
        author_id: author.accountId,
        grants: JSON.stringify(grants),
        created_at: now,
        updated_at: now,
        updated_by: author.accountId,
      },
      { document_id: id, version: 1, ...common, edited_by: author.accountId, edited_at: now },
    );
  });
  ctx.logger.info({ documentId: id, authorId: author.accountId }, 'library document added');

  return getDocument(ctx, author, id);
}

/** Returns the author as a principal, so an edit that changes the TLP keeps the same audience. */
async function authorPrincipal(ctx: AppContext, row: DocumentRow): Promise<Principal> {
  const account = await findAccountById(ctx.db, row.author_id);
  if (account === undefined || !isRole(account.role))
    throw notFound((m) => m.problems.library.documentNotFound);

  return {
    accountId: account.id,
    email: account.email,
    emailKey: account.email_key,
    role: account.role,
    stateCode: account.state_code,
    organisationId: account.organisation_id,
  };
}

/**
 * Changes a document and keeps the previous text as a version. Only its author and the
 * secretariat may edit; an edit based on an older version than the current one is a conflict.
 */
export async function editDocument(
  ctx: AppContext,
  editor: Principal,
  id: string,
  patch: DocumentPatch,
) {
  const row = await findReadable(ctx, editor, id);
  if (row.author_id !== editor.accountId && editor.role !== 'secretariat') {
    await recordAudit(ctx.db, ctx.clock, {
      accountId: editor.accountId,
      action: 'library.edit',
      target: `document:${id}`,
      outcome: 'denied',
    });
    throw new DomainError('forbidden', (m) => m.problems.library.editorsOnly);
  }

  const current = toView(row);
  const next = {
    title: patch.title ?? current.title,
    body: patch.body ?? current.body,
    tags: patch.tags ?? current.tags,
    tlp: patch.tlp ?? current.tlp,
  };
  const author = await authorPrincipal(ctx, row);
  const grants = audienceGrants(next.tlp, author, noRecipients);
  const now = ctx.clock.now().toISOString();
  const version = patch.baseVersion + 1;
  const common = { title: next.title, tags: JSON.stringify(next.tags), tlp: next.tlp };

  const isUpdated = await ctx.db.transaction().execute((trx) =>
    updateDocument(
      trx,
      id,
      patch.baseVersion,
      {
        ...common,
        body: next.body,
        search_text: searchText(next.title, next.tags, next.body),
        version,
        grants: JSON.stringify(grants),
        updated_at: now,
        updated_by: editor.accountId,
      },
      {
        document_id: id,
        version,
        ...common,
        body: next.body,
        edited_by: editor.accountId,
        edited_at: now,
      },
    ),
  );
  if (!isUpdated) {
    const current = row.version;
    const base = patch.baseVersion;
    throw new DomainError('conflict', (m) => m.problems.library.staleVersion(current, base), [
      { field: 'baseVersion', message: (m) => m.problems.library.currentVersion(current) },
    ]);
  }

  return getDocument(ctx, editor, id);
}

/** Returns one document the principal may read. */
export async function getDocument(ctx: AppContext, principal: Principal | null, id: string) {
  return toView(await findReadable(ctx, principal, id));
}

/** Lists the documents the principal may read, matching every word of `q` and the tag. */
export async function searchLibrary(
  ctx: AppContext,
  principal: Principal | null,
  query: { q?: string | undefined; tag?: string | undefined },
) {
  const words = foldForSearch(query.q ?? '')
    .split(' ')
    .filter((word) => word !== '');
  const rows = await searchDocuments(ctx.db, words, SEARCH_SCAN_LIMIT);
  const canRead = await readerFor(ctx, principal);
  const views = rows.filter(canRead).map(toView);
  const tagged =
    query.tag === undefined ? views : views.filter((v) => v.tags.includes(query.tag ?? ''));

  return tagged.slice(0, LIBRARY_LIST_LIMIT).map(({ body, ...rest }) => ({
    ...rest,
    excerpt: body.slice(0, 200),
  }));
}

/**
 * Lists the versions of a document, each with its full text. A version stored with a stricter TLP
 * than the principal may read is left out, so lowering a document's TLP never opens its past.
 */
export async function getDocumentVersions(
  ctx: AppContext,
  principal: Principal | null,
  id: string,
) {
  const row = await findReadable(ctx, principal, id);
  const author = await authorPrincipal(ctx, row);
  const canRead = await readerFor(ctx, principal);
  const versions = await listVersions(ctx.db, id);
  const readable = versions.filter((version) => {
    const tlp = isTlpLevel(version.tlp) ? version.tlp : 'red';
    const grants = audienceGrants(tlp, author, noRecipients);
    return canRead({ ...row, tlp, grants: JSON.stringify(grants) });
  });

  return readable.map((version) => ({
    version: version.version,
    title: version.title,
    tags: z.array(z.string()).parse(JSON.parse(version.tags)),
    tlp: version.tlp,
    body: version.body,
    editedBy: version.edited_by,
    editedAt: version.edited_at,
  }));
}
