import { readKey } from 'openpgp';

import { invalidField } from '../shared/errors.ts';

/** What the directory keeps of a PoC's OpenPGP public key besides the armored text. */
export interface PublicKeyFacts {
  /** Upper-case hexadecimal fingerprint of the primary key. */
  fingerprint: string;
  /** When the key expires, or null when it never does. */
  expiresAt: string | null;
}

/**
 * Parses an armored OpenPGP public key and returns its fingerprint and expiry. Rejects, naming
 * `field`, a key that cannot be read, a private key, a revoked key and an expired one.
 */
export async function inspectPublicKey(
  armoredKey: string,
  now: Date,
  field = 'pgpKey',
): Promise<PublicKeyFacts> {
  let key;
  try {
    key = await readKey({ armoredKey });
  } catch (error) {
    if (!(error instanceof Error))
      throw invalidField(field, (m) => m.problems.directory.keyUnreadableUnknown);
    const reason = error.message;
    throw invalidField(field, (m) => m.problems.directory.keyUnreadable(reason));
  }
  if (key.isPrivate()) {
    throw invalidField(field, (m) => m.problems.directory.keyPrivate);
  }
  if (await key.isRevoked(undefined, undefined, now)) {
    throw invalidField(field, (m) => m.problems.directory.keyRevoked);
  }

  const expiry = await key.getExpirationTime();
  const expiresAt = expiry instanceof Date ? expiry : null;
  if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) {
    throw invalidField(field, (m) => m.problems.directory.keyExpired(expiresAt.toISOString()));
  }

  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    expiresAt: expiresAt?.toISOString() ?? null,
  };
}
