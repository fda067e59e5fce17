import { messages } from '../i18n/messages.ts';

/** Folds text for search and comparison: compatibility-normalised, without accents, lower case. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
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
  if (BIDI_CONTROL.test(text)) return messages.validation.bidiControl;
  if (INVISIBLE.test(text)) return messages.validation.invisibleCharacters;
  if (!multiline && !isSingleLine(text)) return SINGLE_LINE;
  if (CONTROL.test(text.replace(/\r\n/g, '\n'))) return MULTI_LINE;
  if (LONE_SURROGATE.test(text)) return messages.validation.validUnicode;
  if (text.replace(/[\s\p{Cf}]/gu, '') === '') return messages.validation.visibleCharacters;

  return null;
}

/** Message for a single-line field that contains a line break or another control character. */
export const SINGLE_LINE = messages.validation.singleLine;

/** Message for a multi-line field that contains a control character other than a line break or tab. */
export const MULTI_LINE = messages.validation.multiLine;

// Every C0 and C1 control character, DEL, the Unicode line and paragraph separators, and the
// bidirectional and invisible format characters above.
const LINE_BREAK_OR_CONTROL =
  /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/;
// Control characters a multi-line text may not hold: all but tab, line feed and carriage return.
// Bidirectional marks stay allowed there, because right-to-left prose may use isolates.
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Returns true when text fits on one line: no line break, tab or other control character, and no
 * bidirectional override or invisible character that would change how it reads.
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
