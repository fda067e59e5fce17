import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane. The library's default
// algorithm is argon2id; the CLI test checks the stored hash's `$argon2id$` prefix.
const options = {
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};

/** Smallest password length accepted for a new password. */
export const MIN_PASSWORD_LENGTH = 12;

/** Hashes a password with argon2id; the result embeds salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** Checks a password against a stored argon2id hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    // A malformed stored hash is a failed check, never a crash of the sign-in route.
    return false;
  }
}
