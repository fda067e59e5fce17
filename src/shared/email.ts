import { domainToASCII, domainToUnicode } from 'node:url';

/**
 * Normalises an e-mail address for comparison: the local part in NFC and lower case (mail
 * providers treat it case-insensitively in practice), the domain lower-cased and converted to its
 * ASCII (punycode) form, so Unicode and punycode spellings are one address. Returns null when
 * the domain cannot be converted.
 */
export function normaliseEmail(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;

  const local = address.slice(0, at).normalize('NFC').toLowerCase();
  const domain = domainToASCII(
    address
      .slice(at + 1)
      .normalize('NFC')
      .toLowerCase(),
  );
  if (domain === '') return null;

  return `${local}@${domain}`;
}

/** Returns the address with its domain in Unicode form, for display. */
export function displayEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  const unicode = domainToUnicode(address.slice(at + 1));

  return `${address.slice(0, at)}@${unicode === '' ? address.slice(at + 1) : unicode}`;
}
