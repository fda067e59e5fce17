import { createHash } from 'node:crypto';

import { readKeys, type Key } from 'openpgp';

import { invalidField } from '../shared/errors.ts';

/** What the directory keeps of a PoC's OpenPGP public key besides the armored text. */
export interface PublicKeyFacts {
  /** Upper-case hexadecimal fingerprint of the primary key. */
  fingerprint: string;
  /** When the key expires, or null when it never does. */
  expiresAt: string | null;
}

/**
 * Clock skew allowed between the machine that made a key and this server. A key whose creation
 * time lies further ahead is not valid yet, and OpenPGP libraries refuse to encrypt to it.
 */
export const KEY_CREATION_SKEW_MS = 5 * 60 * 1000;

/** Period before a key's expiry in which saving it returns a warning and health counts it. */
export const KEY_EXPIRY_WARNING_DAYS = 30;

const ARMOR_BEGIN = /-----BEGIN PGP [A-Z0-9 ,]+-----/g;
const ARMOR_BLOCK = /-----BEGIN PGP [A-Z0-9 ,]+-----[\s\S]*?-----END PGP [A-Z0-9 ,]+-----/g;

/**
 * Reads every key in every armor block of `text`. openpgp's `readKeys` reads only the first
 * armor block, so a second block pasted after the first would otherwise pass unseen.
 */
async function readAllKeys(text: string, field: string): Promise<Key[]> {
  const blocks = text.match(ARMOR_BLOCK) ?? [text];
  const keys: Key[] = [];
  for (const block of blocks) {
    try {
      keys.push(...(await readKeys({ armoredKeys: block })));
    } catch (error) {
      if (!(error instanceof Error))
        throw invalidField(field, (m) => m.problems.directory.keyUnreadableUnknown);
      const reason = error.message;
      throw invalidField(field, (m) => m.problems.directory.keyUnreadable(reason));
    }
  }
  // An opening line without its closing line is a block cut short.
  if ((text.match(ARMOR_BEGIN)?.length ?? 0) > blocks.length) {
    throw invalidField(field, (m) => m.problems.directory.keyTruncated);
  }

  return keys;
}

/**
 * Returns true when the key has a subkey valid for encryption at `now`, or within the allowed
 * clock skew after it. A key just made or re-signed on a machine whose clock runs ahead carries
 * signatures from a few minutes in the future.
 */
async function canEncrypt(key: Key, now: Date): Promise<boolean> {
  for (const at of [now, new Date(now.getTime() + KEY_CREATION_SKEW_MS)]) {
    try {
      await key.getEncryptionKey(undefined, at);
      return true;
    } catch {
      // Not usable at this time; the next one is tried.
    }
  }

  return false;
}

/**
 * Parses an armored OpenPGP public key and returns its fingerprint and expiry. It rejects, naming
 * `field`, text with no key or more than one key (subkeys of the one key are fine) and a private
 * key. It also rejects a key created more than `KEY_CREATION_SKEW_MS` after `now`, a revoked or
 * expired key, and a key with no subkey that can encrypt at `now`.
 */
export async function inspectPublicKey(
  armoredKey: string,
  now: Date,
  field = 'pgpKey',
): Promise<PublicKeyFacts> {
  const keys = await readAllKeys(armoredKey, field);
  if (keys.length !== 1) {
    const count = keys.length;
    throw invalidField(field, (m) => m.problems.directory.keyCount(count));
  }
  const [key] = keys as [Key];
  if (key.isPrivate()) {
    throw invalidField(field, (m) => m.problems.directory.keyPrivate);
  }
  const createdAt = key.getCreationTime();
  if (createdAt.getTime() > now.getTime() + KEY_CREATION_SKEW_MS) {
    const created = createdAt.toISOString();
    throw invalidField(field, (m) => m.problems.directory.keyCreatedInFuture(created));
  }
  if (await key.isRevoked(undefined, undefined, now)) {
    throw invalidField(field, (m) => m.problems.directory.keyRevoked);
  }

  const expiry = await key.getExpirationTime();
  const expiresAt = expiry instanceof Date ? expiry : null;
  if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) {
    throw invalidField(field, (m) => m.problems.directory.keyExpired(expiresAt.toISOString()));
  }
  if (!(await canEncrypt(key, now))) {
    throw invalidField(field, (m) => m.problems.directory.keyCannotEncrypt);
  }

  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    expiresAt: expiresAt?.toISOString() ?? null,
  };
}

/** Returns the SHA-256 digest of a stored armored key in hexadecimal, or null without a key. */
export function digestKey(armoredKey: string | null): string | null {
  if (armoredKey === null) return null;

  return createHash('sha256').update(armoredKey, 'utf8').digest('hex');
}

/** Returns true when a key with this expiry expires within the warning period after `now`. */
export function expiresSoon(expiresAt: string | null, now: Date): boolean {
  if (expiresAt === null) return false;
  const remaining = Date.parse(expiresAt) - now.getTime();

  return remaining > 0 && remaining <= KEY_EXPIRY_WARNING_DAYS * 24 * 60 * 60 * 1000;
}

/** Returns true when a key with this expiry has expired at `now`. */
export function hasExpired(expiresAt: string | null, now: Date): boolean {
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}

/** Formats a fingerprint in groups of four hexadecimal digits, for reading aloud or comparing. */
export function formatFingerprint(fingerprint: string): string {
  return (fingerprint.match(/.{1,4}/g) ?? []).join(' ');
}
