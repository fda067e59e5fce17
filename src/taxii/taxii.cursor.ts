import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { Tables } from '../db/schema.ts';
import { DomainError } from '../shared/errors.ts';
import type { PagePosition, VersionFilter } from '../sharing/versions.queries.ts';

/** Settings key of the secret that signs pagination cursors. */
const SECRET_KEY = 'taxii.cursor_secret';

/** The content of a `next` cursor: where the page ends and the filters that made it. */
export interface CursorPayload {
  /** The endpoint and collection the cursor belongs to, such as `objects <collection-id>`. */
  scope: string;
  filter: VersionFilter;
  position: PagePosition;
}

const secrets = new WeakMap<Kysely<Tables>, Promise<Buffer>>();

async function readOrCreateSecret(db: Kysely<Tables>): Promise<Buffer> {
  // Two processes may start at once: the first insert wins and both read the stored value.
  await db
    .insertInto('settings')
    .values({ key: SECRET_KEY, value: randomBytes(32).toString('base64') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', SECRET_KEY)
    .executeTakeFirstOrThrow();

  return Buffer.from(row.value, 'base64');
}

/**
 * Returns the server secret that signs cursors, creating it once and keeping it in `settings`,
 * so cursors stay valid across restarts and processes without any server-side session.
 */
export function loadCursorSecret(db: Kysely<Tables>): Promise<Buffer> {
  let secret = secrets.get(db);
  if (secret === undefined) {
    secret = readOrCreateSecret(db);
    secrets.set(db, secret);
    secret.catch(() => secrets.delete(db));
  }

  return secret;
}

function sign(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** Encodes and signs a cursor as `<base64url JSON>.<base64url HMAC-SHA256>`. */
export function signCursor(secret: Buffer, payload: CursorPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');

  return `${body}.${sign(secret, body).toString('base64url')}`;
}

function invalidCursor(): DomainError {
  return new DomainError('invalid_request', (m) => m.problems.taxii.cursorInvalid, [
    { field: 'next', message: (m) => m.problems.taxii.cursorNotIssued },
  ]);
}

/** Verifies and decodes a cursor; throws `invalid_request` for any change to it. */
export function readCursor(secret: Buffer, token: string, scope: string): CursorPayload {
  const [body = '', signature = '', extra] = token.split('.');
  if (extra !== undefined || body === '' || signature === '') throw invalidCursor();
  const expected = sign(secret, body);
  const received = Buffer.from(signature, 'base64url');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    throw invalidCursor();
  }

  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
  if (payload.scope !== scope) {
    throw new DomainError('invalid_request', (m) => m.problems.taxii.cursorOtherScope, [
      { field: 'next', message: (m) => m.problems.taxii.cursorOtherEndpoint },
    ]);
  }

  return payload;
}
