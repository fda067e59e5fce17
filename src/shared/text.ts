import transliterate from '@sindresorhus/transliterate';

import { processMessages } from '../i18n/messages.ts';

// Apostrophe and single-quote look-alikes: right and left quotation marks, modifier letter
// apostrophe, turned comma, prime, reversed prime, grave and acute accent, fullwidth apostrophe.
const APOSTROPHES = /[\u2018\u2019\u201A\u201B\u02BC\u02BB\u02BD\u02B9\u2032\u2035`\u00B4\uFF07]/g;
// Double-quote look-alikes: curly and low quotation marks, double prime, fullwidth quote.
const QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036\u3003\uFF02]/g;
// Hyphen, non-breaking hyphen, figure dash, en dash and minus sign.
const HYPHENS = /[\u2010-\u2013\u2212]/g;

/**
 * Folds text for search and comparison: compatibility-normalised, without accents and
 * default-ignorable code points (joiners, variation selectors), lower case and single-spaced. Latin letters that have no accent decomposition are spelt in ASCII (ø → o,
 * æ → ae, ß → ss, ł → l, þ → th, ı → i), and apostrophe, quote and hyphen variants become their
 * ASCII forms. Other scripts keep their letters, so a Cyrillic or CJK name is found only by a
 * query in the same script.
 */
export function foldForSearch(text: string): string {
  const unaccented = text
    .replace(APOSTROPHES, "'")
    .normalize('NFKD')
    .replace(/[\p{M}\p{Default_Ignorable_Code_Point}]/gu, '')
    .replace(APOSTROPHES, "'")
    .replace(QUOTES, '"')
    .replace(HYPHENS, '-');
  const latin = unaccented.replace(/\p{Script=Latin}+/gu, (run) => transliterate(run));

  return latin.toLowerCase().replace(/\s+/g, ' ').trim();
}

// C0 and C1 control characters and DEL, except tab and line feed which multi-line text allows.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// Bidirectional embedding, override and isolate characters, which can make text read backwards.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// Zero-width space, word joiner and byte order mark: invisible, so they make two equal-looking
// values differ. Zero-width joiner and non-joiner stay allowed, because scripts such as Persian
// and Devanagari need them.
const INVISIBLE = /[\u200B\u2060\uFEFF]/;
// A high surrogate without a low one after it, or a low one without a high one before it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Returns why text is unsafe to store and show, or null when it is fine: control characters
 * (line breaks too unless `multiline`), bidirectional overrides, broken UTF-16, or nothing
 * visible at all.
 */
export function findUnsafeText(text: string, multiline = false): string | null {
  // The format-character messages come first, because `isSingleLine` refuses these too.
  if (BIDI_CONTROL.test(text)) return processMessages.validation.bidiControl;
  if (INVISIBLE.test(text)) return processMessages.validation.invisibleCharacters;
  if (!multiline && !isSingleLine(text)) return SINGLE_LINE;
  if (CONTROL.test(text.replace(/\r\n/g, '\n'))) return MULTI_LINE;
  if (LONE_SURROGATE.test(text)) return processMessages.validation.validUnicode;
  if (text.replace(/[\s\p{Cf}]/gu, '') === '') return processMessages.validation.visibleCharacters;

  return null;
}

/** Message for a single-line field that contains a line break or another control character. */
export const SINGLE_LINE = processMessages.validation.singleLine;

/** Message for a multi-line field that contains a control character other than a line break or tab. */
export const MULTI_LINE = processMessages.validation.multiLine;

// Every C0 and C1 control character, DEL, the Unicode line and paragraph separators, and the
// bidirectional and invisible format characters above.
const LINE_BREAK_OR_CONTROL =
  /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/;
// Control characters a multi-line text may not hold: all but tab, line feed and carriage return.
// Bidirectional marks stay allowed there, because right-to-left prose may use isolates.
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Returns true when text fits on one line: no line break, tab or other control character, and no
 * bidirectional override or invisible character that would change how it reads. Fields that store
 * the text use `findUnsafeSingleLine`, which rejects more. This check alone suits search queries
 * and names that look up existing records, which are folded before they are compared.
 */
export function isSingleLine(text: string): boolean {
  return !LINE_BREAK_OR_CONTROL.test(text);
}

/** Returns true when multi-line text contains no control character but line breaks and tabs. */
export function isSafeMultiLine(text: string): boolean {
  return !MULTI_LINE_CONTROL.test(text);
}

/**
 * Returns a value for one line of a mail or other line-based text: every line break and control
 * character becomes a space, so a stored value can never start a line of its own.
 */
export function toInlineText(text: string): string {
  return text.replace(new RegExp(LINE_BREAK_OR_CONTROL.source, 'g'), ' ');
}

// Code points that render as nothing (Unicode's Default_Ignorable_Code_Point: soft hyphen,
// directional marks, Hangul fillers, tag characters, variation selectors and more), and the
// braille blank, which renders as a space without being one.
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\u2800]/u;
const NONCHARACTER = /\p{Noncharacter_Code_Point}/u;
const PRIVATE_USE = /\p{Co}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Returns true when a default-ignorable code point is part of the text's meaning. Such are the
 * zero-width joiner and non-joiner (Persian, Devanagari, emoji). So are a variation selector after
 * an emoji or a Han ideograph and a Mongolian free variation selector after a Mongolian letter.
 * Tag characters after an emoji count too, as in the flag of Scotland.
 */
function isMeaningfulIgnorable(codePoints: readonly string[], index: number): boolean {
  const codePoint = codePoints[index]?.codePointAt(0) ?? 0;
  const previous = codePoints[index - 1] ?? '';
  if (codePoint === 0x200c || codePoint === 0x200d) return true;
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) {
    return /[\p{Emoji}\p{Extended_Pictographic}\p{Script=Han}]/u.test(previous);
  }
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return /\p{Script=Han}/u.test(previous);
  if ((codePoint >= 0x180b && codePoint <= 0x180d) || codePoint === 0x180f) {
    return /\p{Script=Mongolian}/u.test(previous);
  }
  if (codePoint >= 0xe0020 && codePoint <= 0xe007f) {
    let start = index;
    while (start > 0 && /[\u{E0020}-\u{E007F}]/u.test(codePoints[start - 1] ?? '')) start--;
    return /\p{Extended_Pictographic}/u.test(codePoints[start - 1] ?? '');
  }

  return false;
}

/** Formats a code point as `U+00AD`. */
function formatCodePoint(character: string): string {
  const hex = (character.codePointAt(0) ?? 0).toString(16).toUpperCase();

  return `U+${hex.padStart(4, '0')}`;
}

/**
 * Returns a message naming the first code point that renders as nothing or differently on each
 * system, or null when there is none. Such are default-ignorable code points that carry no
 * meaning where they stand, noncharacters and private-use characters. They let two values that
 * look the same differ, which defeats duplicate detection and search, and they hide text.
 */
function findUnsafeCodePoint(text: string): string | null {
  const codePoints = Array.from(text);
  for (const [index, character] of codePoints.entries()) {
    if (NONCHARACTER.test(character)) {
      return processMessages.validation.noncharacter(formatCodePoint(character));
    }
    if (PRIVATE_USE.test(character)) {
      return processMessages.validation.privateUseCharacter(formatCodePoint(character));
    }
    if (HIDDEN.test(character) && !isMeaningfulIgnorable(codePoints, index)) {
      return processMessages.validation.hiddenCharacter(formatCodePoint(character));
    }
  }

  return null;
}

/**
 * Returns why a single line of free text such as a title is unsafe to store, or null when it is
 * fine: everything `findUnsafeText` rejects, and the characters that `findUnsafeCodePoint`
 * rejects. Joiners, emoji variation selectors and emoji tag sequences stay allowed.
 */
export function findUnsafeSingleLine(text: string): string | null {
  return findUnsafeText(text) ?? findUnsafeCodePoint(text);
}

/**
 * Returns why a name or another single-line label is unsafe to store, or null when it is fine:
 * everything `findUnsafeSingleLine` rejects, and a value without a letter or digit.
 */
export function findUnsafeLabel(text: string): string | null {
  const unsafe = findUnsafeSingleLine(text);
  if (unsafe !== null) return unsafe;
  if (!LETTER_OR_DIGIT.test(text)) return processMessages.validation.letterOrDigit;

  return null;
}
