import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** Returns a new random secret, URL-safe, with 256 bits of entropy. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Hashes a high-entropy secret for storage; such secrets need no slow hash or salt. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two strings in constant time. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);

  return left.length === right.length && timingSafeEqual(left, right);
}

/** Returns a new random UUID (version 4). */
export function newId(): string {
  return randomUUID();
}
