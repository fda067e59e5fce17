/** Folds text for search and comparison: compatibility-normalised, without accents, lower case. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

// C0 and C1 control characters and DEL, except tab and line feed which multi-line text allows.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// Bidirectional embedding, override and isolate characters, which can make text read backwards.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
// A high surrogate without a low one after it, or a low one without a high one before it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Returns why text is unsafe to store and show, or null when it is fine: control characters
 * (line breaks too unless `multiline`), bidirectional overrides, broken UTF-16, or nothing
 * visible at all.
 */
export function findUnsafeText(text: string, multiline = false): string | null {
  if (!multiline && /[\n\r\t]/.test(text)) return 'must be a single line';
  if (CONTROL.test(text.replace(/\r\n/g, '\n'))) return 'must not contain control characters';
  if (BIDI_CONTROL.test(text)) return 'must not contain bidirectional override characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text';
  if (text.replace(/[\s\p{Cf}]/gu, '') === '') return 'must contain visible characters';

  return null;
}
