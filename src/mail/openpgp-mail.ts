import { createMessage, encrypt, readKey } from 'openpgp';
import type { Logger } from 'pino';

/** Armored OpenPGP text of a mail, or null text with the reason the key could not be used. */
export type EncryptedText = { text: string; reason: null } | { text: null; reason: string };

/**
 * Encrypts a mail text to an armored OpenPGP key. When the key cannot be read or used (expired,
 * revoked, no encryption subkey) the text is null and `reason` has the library's message, so
 * the caller decides what to send instead.
 */
export async function encryptMailText(
  armoredKey: string,
  text: string,
  logger: Logger,
): Promise<EncryptedText> {
  try {
    const encryptionKeys = await readKey({ armoredKey });
    const message = await createMessage({ text });
    // openpgp's stream types come from a package that is not installed, so lint sees the result
    // as unresolved; an armored encryption of a text message is a string.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- see above
    const encrypted: unknown = await encrypt({ message, encryptionKeys });
    if (typeof encrypted !== 'string') throw new Error('OpenPGP returned no armored text');

    return { text: encrypted, reason: null };
  } catch (error) {
    logger.warn({ err: error }, 'openpgp key unusable');
    return { text: null, reason: (error as Error).message.slice(0, 400) };
  }
}
