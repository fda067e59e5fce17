import { DomainError, type ErrorText } from './errors.ts';

/** One entity tag (RFC 9110 §8.8.3); `opaque` keeps its double quotes, as the header carries it. */
export interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** The condition of an `If-Match` header: any current representation (`*`), or listed tags. */
export type IfMatch = { kind: 'any' } | { kind: 'tags'; tags: EntityTag[] };

// RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, where etagc is %x21, %x23-7E or
// obs-text (%x80-FF). "W/" is case-sensitive. Node.js gives header values as Latin-1 strings,
// so obs-text arrives as U+0080 to U+00FF.
const ENTITY_TAG = /^(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/;
const OPTIONAL_WHITESPACE = /^[ \t]*/;

function skipWhitespace(text: string): string {
  return text.replace(OPTIONAL_WHITESPACE, '');
}

function invalidIfMatch(): DomainError {
  const message: ErrorText = (m) => m.problems.http.ifMatchInvalid;

  return new DomainError(
    'invalid_request',
    (m) => m.problems.http.fieldDetail('If-Match', message(m)),
    [{ field: 'If-Match', message }],
  );
}

/**
 * Parses an `If-Match` header (RFC 9110 §13.1.1): `*`, or a comma-separated list of entity tags.
 * Returns null when the request has no such header. Node.js joins repeated `If-Match` lines
 * with commas, so they read as one list. Throws `400 invalid_request` naming `If-Match` for any
 * other text, and also for a header with no tag at all, because such a header can only come from
 * a client that failed to fill in the tag it read.
 */
export function parseIfMatch(value: string | undefined): IfMatch | null {
  if (value === undefined) return null;
  let rest = skipWhitespace(value).replace(/[ \t]+$/, '');
  if (rest === '*') return { kind: 'any' };

  const tags: EntityTag[] = [];
  while (rest !== '') {
    // RFC 9110 §5.6.1.2: a recipient accepts empty list elements, such as `"1", , "2"`.
    if (rest.startsWith(',')) {
      rest = skipWhitespace(rest.slice(1));
      continue;
    }
    const match = ENTITY_TAG.exec(rest);
    if (match?.[2] === undefined) throw invalidIfMatch();
    tags.push({ weak: match[1] !== undefined, opaque: match[2] });
    rest = skipWhitespace(rest.slice(match[0].length));
    if (rest !== '' && !rest.startsWith(',')) throw invalidIfMatch();
  }
  if (tags.length === 0) throw invalidIfMatch();

  return { kind: 'tags', tags };
}

/**
 * Evaluates an `If-Match` condition against the current strong entity tag of an existing
 * resource. RFC 9110 §13.1.1 uses the strong comparison, so a weak tag (`W/"…"`) never matches.
 */
export function matchesIfMatch(condition: IfMatch, currentTag: string): boolean {
  if (condition.kind === 'any') return true;

  return condition.tags.some((tag) => !tag.weak && tag.opaque === currentTag);
}

/** Returns true when every tag of the condition is weak, so it can never match. */
export function hasOnlyWeakTags(condition: IfMatch): boolean {
  return condition.kind === 'tags' && condition.tags.every((tag) => tag.weak);
}
