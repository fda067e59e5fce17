import { randomUUID } from 'node:crypto';

import ipaddr from 'ipaddr.js';

import type { Comparison, Literal, ObjectPath, Observation } from './stix-pattern.ts';

/** Hash algorithms a file observable may name, as the STIX 2.1 `hash-algorithm-ov` spells them. */
export const hashAlgorithms = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512'] as const;

/** A hash algorithm of `hashAlgorithms`. */
export type HashAlgorithm = (typeof hashAlgorithms)[number];

/** Observable types whose one identifying property is `value`. */
export const valueObservableTypes = [
  'ipv4-addr',
  'ipv6-addr',
  'domain-name',
  'url',
  'email-addr',
] as const;

/**
 * An observable that an indicator can be built from, shaped like the STIX cyber-observable it
 * stands for: `value` for addresses, domain names and URLs, `name` and `hashes` for a file.
 */
export type Observable =
  | { type: (typeof valueObservableTypes)[number]; value: string }
  | { type: 'file'; name?: string | undefined; hashes?: Partial<Record<HashAlgorithm, string>> };

/** Optional properties of a built indicator. */
export interface IndicatorProperties {
  name?: string | undefined;
  description?: string | undefined;
  /** RFC 3339 timestamp from which the indicator is valid; the creation time when absent. */
  validFrom?: string | undefined;
}

/**
 * Escapes a value for a STIX pattern string literal. STIX 2.1 defines only two escapes,
 * `\'` and `\\`, so the backslash is escaped first and the quote second.
 */
export function escapePatternString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Writes one property name of an object path, quoted when it is not a plain identifier. */
function pathProperty(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${escapePatternString(name)}'`;
}

function equals(type: string, path: string, value: string): string {
  return `${type}:${path} = '${escapePatternString(value)}'`;
}

/**
 * Builds the comparison expression of an observable. The hashes of one file are joined by OR,
 * because any one of them identifies the file; a name and hashes are joined by AND.
 */
function buildComparison(observable: Observable): string {
  if (observable.type !== 'file') return equals(observable.type, 'value', observable.value);

  const hashes = hashAlgorithms.flatMap((algorithm) => {
    const digest = observable.hashes?.[algorithm];
    return digest === undefined
      ? []
      : [equals('file', `hashes.${pathProperty(algorithm)}`, digest)];
  });
  const parts: string[] = [];
  if (observable.name !== undefined) parts.push(equals('file', 'name', observable.name));
  if (hashes.length > 0) {
    const anyHash = hashes.join(' OR ');
    parts.push(parts.length > 0 && hashes.length > 1 ? `(${anyHash})` : anyHash);
  }
  if (parts.length === 0) throw new Error('A file observable needs a name or at least one hash');

  return parts.join(' AND ');
}

/**
 * Builds a single-observation pattern for an observable, such as
 * `[file:name = 'o\'neill_brief.docx']`, with every value escaped.
 */
export function buildObservablePattern(observable: Observable): string {
  return `[${buildComparison(observable)}]`;
}

/** Describes an observable in a few words, for the default indicator name. */
function describeObservable(observable: Observable): string {
  if (observable.type !== 'file') return `${observable.type} ${observable.value}`;
  if (observable.name !== undefined) return `file ${observable.name}`;
  const [algorithm, digest] = Object.entries(observable.hashes ?? {})[0] ?? ['hash', ''];

  return `file ${algorithm} ${digest}`;
}

/** Builds a STIX 2.1 indicator that matches one observable; `now` is an RFC 3339 timestamp. */
export function buildIndicator(
  observable: Observable,
  now: string,
  properties: IndicatorProperties = {},
): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    name: properties.name ?? describeObservable(observable),
    ...(properties.description === undefined ? {} : { description: properties.description }),
    pattern: buildObservablePattern(observable),
    pattern_type: 'stix',
    valid_from: properties.validFrom ?? now,
  };
}

/** Resolves an object path against an observable object; lists grow with `[*]`. */
function resolvePath(path: ObjectPath, object: Record<string, unknown>): unknown[] {
  if (object.type !== path.objectType) return [];
  let values: unknown[] = [object];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const value of values) {
      if ('key' in step) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const child = (value as Record<string, unknown>)[step.key];
          if (child !== undefined) next.push(child);
        }
        continue;
      }
      if (!Array.isArray(value)) continue;
      if (step.index === '*') next.push(...(value as unknown[]));
      else if (value[step.index] !== undefined) next.push(value[step.index]);
    }
    values = next;
  }

  return values;
}

function literalValue(literal: Literal): unknown {
  if (literal.kind === 'int' || literal.kind === 'float') return Number(literal.value);
  if (literal.kind === 'timestamp') return Date.parse(literal.value);
  if (literal.kind === 'bool') return literal.value === 'true';

  return literal.value;
}

/** Converts a LIKE pattern (`%` any run, `_` one character) into an anchored expression. */
export function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');

  return new RegExp(`^${body}$`, 's');
}

/** Thrown when the matcher cannot evaluate a valid pattern, since any result would be wrong. */
export class UnsupportedPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPatternError';
  }
}

/** Maximum length of an object value that MATCHES or LIKE test, in UTF-16 code units. */
export const MAX_EXPRESSION_INPUT_LENGTH = 10_000;

/** Thrown when an object value is longer than `MAX_EXPRESSION_INPUT_LENGTH` for MATCHES or LIKE. */
export class ExpressionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionInputError';
  }
}

/** Writes an object path as a pattern spells it, such as `file:hashes.'SHA-256'`. */
function formatPath(path: ObjectPath): string {
  const steps = path.steps.map((step) =>
    'key' in step ? `.${pathProperty(step.key)}` : `[${step.index}]`,
  );

  return `${path.objectType}:${steps.join('').slice(1)}`;
}

/** Returns the value MATCHES or LIKE may test, or throws when it is too long. */
function expressionInput(path: ObjectPath, value: string): string {
  if (value.length > MAX_EXPRESSION_INPUT_LENGTH) {
    throw new ExpressionInputError(
      `${formatPath(path)} is ${value.length} characters long, but MATCHES and LIKE test ` +
        `values of at most ${MAX_EXPRESSION_INPUT_LENGTH} characters`,
    );
  }

  return value;
}

/** Compiles a MATCHES operand; STIX names PCRE, and JavaScript's Unicode syntax is used here. */
export function compileRegExp(source: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnsupportedPatternError(
      `MATCHES '${source}' is not a valid regular expression: ${reason}`,
    );
  }
}

/** Orders two values of the same primitive type; values of different types never compare. */
function compareOrdered(value: unknown, expected: unknown): number | null {
  if (typeof value === 'number' && typeof expected === 'number') return value - expected;
  if (typeof value === 'string' && typeof expected === 'string') {
    if (value < expected) return -1;

    return value > expected ? 1 : 0;
  }

  return null;
}

function testValue(comparison: Extract<Comparison, { kind: 'test' }>, value: unknown): boolean {
  const expected = comparison.values.map(literalValue);
  const first = expected[0];
  // NOTE: timestamps compare as epoch milliseconds, so digits past the millisecond are ignored.
  if (comparison.values[0]?.kind === 'timestamp' && typeof value === 'string') {
    return testValue(comparison, Date.parse(value));
  }
  switch (comparison.operator) {
    case '=':
      return value === first;
    case '!=':
      return value !== first;
    case 'IN':
      return expected.includes(value);
    case 'LIKE':
      return (
        typeof value === 'string' &&
        likeToRegExp(String(first)).test(expressionInput(comparison.path, value))
      );
    case 'MATCHES':
      return (
        typeof value === 'string' &&
        compileRegExp(String(first)).test(expressionInput(comparison.path, value))
      );
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const order = compareOrdered(value, first);
      if (order === null) return false;
      if (comparison.operator === '<') return order < 0;
      if (comparison.operator === '<=') return order <= 0;
      return comparison.operator === '>' ? order > 0 : order >= 0;
    }
    case 'ISSUBSET':
    case 'ISSUPERSET': {
      const own = typeof value === 'string' ? toAddressRange(value) : null;
      const given = toAddressRange(String(first));
      if (own === null || given === null) return false;

      return comparison.operator === 'ISSUBSET'
        ? rangeContains(given, own)
        : rangeContains(own, given);
    }
  }
}

type AddressRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Reads an IP address (as a one-address range) or a CIDR block; null for anything else. */
function toAddressRange(text: string): AddressRange | null {
  if (ipaddr.isValidCIDR(text)) return ipaddr.parseCIDR(text);
  if (!ipaddr.isValid(text)) return null;
  const address = ipaddr.parse(text);

  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Returns true when the `outer` block contains every address of the `inner` one. */
function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  const [outerAddress, outerBits] = outer;
  const [innerAddress, innerBits] = inner;
  if (innerBits < outerBits) return false;
  if (outerAddress.kind() === 'ipv4' && innerAddress.kind() === 'ipv4') {
    return (innerAddress as ipaddr.IPv4).match(outerAddress, outerBits);
  }
  if (outerAddress.kind() === 'ipv6' && innerAddress.kind() === 'ipv6') {
    return (innerAddress as ipaddr.IPv6).match(outerAddress, outerBits);
  }

  return false;
}

/**
 * Returns true when one observable object satisfies a comparison expression. Supports `=`, `!=`,
 * `IN`, `LIKE`, `MATCHES`, `<`, `<=`, `>`, `>=`, `ISSUBSET`, `ISSUPERSET` (IPv4 and IPv6 blocks),
 * `EXISTS`, NOT, AND and OR. Throws `UnsupportedPatternError` for an invalid MATCHES expression
 * or a subnet operator whose operand is no address or CIDR block.
 */
export function matchesComparison(
  comparison: Comparison,
  object: Record<string, unknown>,
): boolean {
  switch (comparison.kind) {
    case 'and':
      return (
        matchesComparison(comparison.left, object) && matchesComparison(comparison.right, object)
      );
    case 'or':
      return (
        matchesComparison(comparison.left, object) || matchesComparison(comparison.right, object)
      );
    case 'exists':
      return resolvePath(comparison.path, object).length > 0;
    case 'test': {
      const found = resolvePath(comparison.path, object).some((value) =>
        testValue(comparison, value),
      );
      return comparison.negated ? !found : found;
    }
  }
}

/**
 * Returns true when a single-observation pattern (`[ … ]` with no qualifier, or several joined
 * by OR) matches the object. Patterns joined by AND or FOLLOWEDBY, and qualifiers, need a
 * sequence of observed data, so they throw `UnsupportedPatternError`.
 */
export function matchesObservation(pattern: Observation, object: Record<string, unknown>): boolean {
  if (pattern.kind === 'observation') return matchesComparison(pattern.comparison, object);
  if (pattern.kind === 'or') {
    return matchesObservation(pattern.left, object) || matchesObservation(pattern.right, object);
  }
  if (pattern.kind === 'qualified') {
    throw new UnsupportedPatternError(
      'the pattern matcher checks one object, so it cannot evaluate the ' +
        `${pattern.qualifier.kind} qualifier`,
    );
  }

  throw new UnsupportedPatternError(
    'the pattern matcher checks one object, so it cannot evaluate ' +
      `${pattern.kind.toUpperCase()} between observations`,
  );
}

/**
 * Throws `UnsupportedPatternError` when any part of the pattern is outside what the matcher
 * evaluates, so that the answer never depends on which side of an OR was reached first.
 */
export function assertEvaluable(pattern: Observation): void {
  if (pattern.kind === 'or') {
    assertEvaluable(pattern.left);
    assertEvaluable(pattern.right);
    return;
  }
  if (pattern.kind !== 'observation') {
    matchesObservation(pattern, {});
    return;
  }
  assertComparisonEvaluable(pattern.comparison);
}

function assertComparisonEvaluable(comparison: Comparison): void {
  if (comparison.kind === 'and' || comparison.kind === 'or') {
    assertComparisonEvaluable(comparison.left);
    assertComparisonEvaluable(comparison.right);
    return;
  }
  if (comparison.kind !== 'test') return;
  if (comparison.operator === 'ISSUBSET' || comparison.operator === 'ISSUPERSET') {
    const block = String(comparison.values[0]?.value);
    if (toAddressRange(block) === null) {
      throw new UnsupportedPatternError(
        `${comparison.operator} needs an IP address or CIDR block such as '198.51.100.0/24', ` +
          `not '${block}'`,
      );
    }
  }
  if (comparison.operator === 'MATCHES') compileRegExp(String(comparison.values[0]?.value));
}
