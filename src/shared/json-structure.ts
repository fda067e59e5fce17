import { DomainError } from './errors.ts';
import { MAX_JSON_DEPTH } from './json-depth.ts';

/** An open object or array while the scanner walks the text. */
interface Frame {
  /**
   * Keys seen so far in an object, null for an array. They are kept in an array while the
   * object has few keys, as STIX objects do, because searching a short array costs less than
   * building a set for every object.
   */
  keys: string[] | Set<string> | null;
  /** The key whose value is being read (objects), as a path segment. */
  key: string;
  /** The index of the element being read (arrays). */
  index: number;
  /** True in an object where the next string is a key, not a value. */
  expectKey: boolean;
}

/** Returns the dotted path of the value being read, such as `objects.3.labels`. */
function pathOf(frames: readonly Frame[], key?: string): string {
  const segments: string[] = [];
  // The last frame is the object that contains `key`, and every frame above it names its child.
  for (let i = 0; i < frames.length - 1; i++) {
    const frame = frames[i];
    if (frame !== undefined) segments.push(frame.keys === null ? String(frame.index) : frame.key);
  }
  if (key !== undefined) segments.push(key);

  return segments.join('.');
}

/** Reads an object key between the quotes at `start` and `end`, decoding escapes if present. */
function readKey(text: string, start: number, end: number): string | null {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    // A malformed escape: JSON.parse of the whole body reports it with its position.
    return null;
  }
}

/** Returns the index of the quote that closes the string opened at `start`. */
function findStringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }

  return text.length;
}

// Objects with more keys than this keep them in a set, so a large object is checked in linear time.
const SMALL_OBJECT_KEYS = 32;

function tooDeep(maxDepth: number): DomainError {
  return new DomainError('nesting_too_deep', (m) => m.problems.http.nestingTooDeep(maxDepth), [
    { field: '(body)', message: (m) => m.problems.http.nestingTooDeepField(maxDepth) },
  ]);
}

function checkKey(frames: readonly Frame[], frame: Frame, key: string): void {
  const keys = frame.keys ?? [];
  const field = pathOf(frames, key);
  // JSON.parse keeps `__proto__` as an own key, but copying it into an object (as schemas do
  // with records and loose objects) replaces that object's prototype and loses the value.
  if (key === '__proto__') {
    throw new DomainError(
      'validation_failed',
      (m) => m.problems.http.fieldDetail(field, m.validation.unknownKey),
      [{ field, message: (m) => m.validation.unknownKey }],
    );
  }
  if (Array.isArray(keys) ? keys.includes(key) : keys.has(key)) {
    const objectPath = pathOf(frames);
    throw new DomainError('invalid_request', (m) => m.problems.http.duplicateKey(key, objectPath), [
      { field, message: (m) => m.problems.http.duplicateKeyField },
    ]);
  }
  if (!Array.isArray(keys)) keys.add(key);
  else if (keys.length < SMALL_OBJECT_KEYS) keys.push(key);
  else frame.keys = new Set([...keys, key]);
  frame.key = key;
}

/**
 * Checks the structure of JSON text before it is parsed, in one pass that skips string
 * contents. Nesting deeper than `maxDepth` is `nesting_too_deep`, raised before a recursive
 * parser can overflow the stack. A key repeated within one object is `invalid_request`, because
 * parsers disagree on which value wins, so a proxy or audit tool may read another value than the
 * one stored. A `__proto__` key is `validation_failed`, because no Parley input has such a
 * field. Malformed JSON is left for the parser to report.
 */
export function assertJsonStructure(text: string, maxDepth = MAX_JSON_DEPTH): void {
  const frames: Frame[] = [];

  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      const end = findStringEnd(text, i);
      const frame = frames[frames.length - 1];
      if (frame?.expectKey === true) {
        const key = readKey(text, i, end);
        if (key !== null) checkKey(frames, frame, key);
        frame.expectKey = false;
      }
      i = end;
    } else if (ch === 0x7b || ch === 0x5b) {
      if (frames.length >= maxDepth) throw tooDeep(maxDepth);
      const isObject = ch === 0x7b;
      frames.push({ keys: isObject ? [] : null, key: '', index: 0, expectKey: isObject });
    } else if (ch === 0x7d || ch === 0x5d) {
      frames.pop();
    } else if (ch === 0x2c) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) continue;
      if (frame.keys === null) frame.index++;
      else frame.expectKey = true;
    }
  }
}
