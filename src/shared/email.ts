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

/**
 * Returns the address as a mail server needs it without SMTPUTF8 (RFC 6531): the local part
 * exactly as given, the domain in its ASCII (punycode) form. An address whose domain cannot be
 * converted comes back unchanged, and the mail server decides.
 */
export function toTransportAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return address;
  const domain = domainToASCII(address.slice(at + 1).normalize('NFC'));

  return domain === '' ? address : `${address.slice(0, at)}@${domain}`;
}
