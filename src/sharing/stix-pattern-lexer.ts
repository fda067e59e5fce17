/**
 * Tokens of the STIX 2.1 patterning language, following the ANTLR grammar `STIXPattern.g4` that
 * OASIS publishes with its pattern validator. Keywords are case-sensitive.
 */

import { checkTimestamp } from './stix-timestamps.ts';

/** Kind of a pattern token. */
export type TokenKind =
  | 'keyword'
  | 'identifier'
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  | 'timestamp'
  | 'binary'
  | 'hex'
  | 'punct'
  | 'end';

/** One token with its text as written and its offset in the pattern. */
export interface Token {
  kind: TokenKind;
  /** Decoded value: the unescaped string for string literals, else the text as written. */
  value: string;
  /** Offset of the token's first character in the pattern (0-based). */
  position: number;
}

/** A syntax error at one offset of the pattern. */
export class PatternSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'PatternSyntaxError';
    this.position = position;
  }
}

/** Reserved words of the grammar. */
export const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'FOLLOWEDBY',
  'LIKE',
  'MATCHES',
  'ISSUPERSET',
  'ISSUBSET',
  'EXISTS',
  'LAST',
  'IN',
  'START',
  'STOP',
  'SECONDS',
  'WITHIN',
  'REPEATS',
  'TIMES',
]);

const PUNCTUATION = [
  '<=',
  '>=',
  '!=',
  '<>',
  '==',
  '=',
  '<',
  '>',
  '[',
  ']',
  '(',
  ')',
  ':',
  ',',
  '.',
  '*',
];

// Identifiers may contain hyphens (object types such as `ipv4-addr`); the parser decides where a
// hyphen is allowed.
const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_-]*/y;
const NUMBER = /[+-]?(?:\d*\.\d+|0|[1-9]\d*)/y;
const TIMESTAMP_BODY =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9A-Fa-f]{2})*$/;

/** Reads a quoted literal starting at the opening quote; returns its decoded text and end. */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const char = text[i];
    if (char === "'") return { value, end: i + 1 };
    if (char === '\\') {
      const next = text[i + 1];
      // Only \' and \\ are escapes in STIX 2.1 string literals.
      if (next !== "'" && next !== '\\') {
        throw new PatternSyntaxError(
          `invalid escape \\${next ?? ''}: only \\' and \\\\ may follow a backslash`,
          i,
        );
      }
      value += next;
      i += 2;
      continue;
    }
    value += text.charAt(i);
    i += 1;
  }
  throw new PatternSyntaxError('unterminated string literal: add the closing quote', start);
}

function readPrefixed(text: string, start: number): { token: Token; end: number } | null {
  const prefix = text[start];
  if (text[start + 1] !== "'" || (prefix !== 't' && prefix !== 'b' && prefix !== 'h')) return null;
  const { value, end } = readQuoted(text, start + 1);
  const checks = {
    t: ['timestamp', TIMESTAMP_BODY, "a timestamp such as t'2024-03-05T08:15:30Z'"],
    b: ['binary', BASE64, 'base64 text'],
    h: ['hex', HEX, 'an even number of hexadecimal digits'],
  } as const;
  const [kind, shape, expected] = checks[prefix];
  if (!shape.test(value)) {
    throw new PatternSyntaxError(`invalid ${kind} literal '${value}': expected ${expected}`, start);
  }
  const calendarProblem = kind === 'timestamp' ? checkTimestamp(value) : null;
  if (calendarProblem !== null) throw new PatternSyntaxError(calendarProblem, start);

  return { token: { kind, value, position: start }, end };
}

function readWord(text: string, start: number): Token | null {
  IDENTIFIER.lastIndex = start;
  const match = IDENTIFIER.exec(text);
  if (match === null) return null;
  const word = match[0];
  if (word === 'true' || word === 'false') return { kind: 'bool', value: word, position: start };
  if (KEYWORDS.has(word)) return { kind: 'keyword', value: word, position: start };

  return { kind: 'identifier', value: word, position: start };
}

/** Splits a pattern into tokens, ending with an `end` token. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if (char === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: 'string', value, position: i });
      i = end;
      continue;
    }
    const prefixed = readPrefixed(text, i);
    if (prefixed !== null) {
      tokens.push(prefixed.token);
      i = prefixed.end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = /[-+.\d]/.test(char) ? NUMBER.exec(text) : null;
    if (number !== null && !/[A-Za-z0-9_]/.test(text[i + number[0].length] ?? '')) {
      const kind = number[0].includes('.') ? 'float' : 'int';
      tokens.push({ kind, value: number[0], position: i });
      i += number[0].length;
      continue;
    }
    const word = readWord(text, i);
    if (word !== null) {
      tokens.push(word);
      i += word.value.length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (punct === undefined) throw new PatternSyntaxError(`unexpected character ${char}`, i);
    tokens.push({ kind: 'punct', value: punct, position: i });
    i += punct.length;
  }
  tokens.push({ kind: 'end', value: '', position: text.length });

  return tokens;
}
