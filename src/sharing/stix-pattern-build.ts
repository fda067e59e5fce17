import { randomUUID } from 'node:crypto';

import type { Comparison, Literal, ObjectPath, Observation } from './stix-pattern.ts';

/** An observable that an indicator can be built from. */
export interface Observable {
  /** STIX cyber-observable type, such as `file` or `ipv4-addr`. */
  type: string;
  /** Property path after the type, such as `name`, `value` or `hashes.'SHA-256'`. */
  property: string;
  value: string;
}

/**
 * Escapes a value for a STIX pattern string literal. STIX 2.1 defines only two escapes,
 * `\'` and `\\`, so the backslash is escaped first and the quote second.
 */
export function escapePatternString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Builds the pattern `[<type>:<property> = '<value>']` with the value escaped. */
export function buildObservablePattern(observable: Observable): string {
  return `[${observable.type}:${observable.property} = '${escapePatternString(observable.value)}']`;
}

/** Builds a STIX 2.1 indicator that matches one observable; `now` is an RFC 3339 timestamp. */
export function buildIndicator(observable: Observable, now: string): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    name: `${observable.type} ${observable.property}: ${observable.value}`,
    pattern: buildObservablePattern(observable),
    pattern_type: 'stix',
    valid_from: now,
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
  if (literal.kind === 'bool') return literal.value === 'true';

  return literal.value;
}

/** Converts a LIKE pattern (`%` any run, `_` one character) into an anchored expression. */
function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');

  return new RegExp(`^${body}$`, 's');
}

function testValue(comparison: Extract<Comparison, { kind: 'test' }>, value: unknown): boolean {
  const expected = comparison.values.map(literalValue);
  const first = expected[0];
  switch (comparison.operator) {
    case '=':
      return value === first;
    case '!=':
      return value !== first;
    case 'IN':
      return expected.includes(value);
    case 'LIKE':
      return typeof value === 'string' && likeToRegExp(String(first)).test(value);
    case 'MATCHES':
      return typeof value === 'string' && new RegExp(String(first), 'u').test(value);
    case '<':
    case '<=':
    case '>':
    case '>=':
    case 'ISSUBSET':
    case 'ISSUPERSET':
      // TODO: ordering and subnet operators are not needed by the product's own patterns yet.
      throw new Error(`The pattern matcher does not support ${comparison.operator}`);
  }
}

/**
 * Returns true when one observable object satisfies a comparison expression. Supports `=`,
 * `!=`, `IN`, `LIKE`, `MATCHES`, `EXISTS`, AND and OR, which cover the patterns the product writes.
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
 * Returns true when a single-observation pattern (`[ … ]` with no qualifier) matches the object.
 * Patterns over several observations need a sequence of observed data and are not matched here.
 */
export function matchesObservation(pattern: Observation, object: Record<string, unknown>): boolean {
  if (pattern.kind === 'observation') return matchesComparison(pattern.comparison, object);
  if (pattern.kind === 'or') {
    return matchesObservation(pattern.left, object) || matchesObservation(pattern.right, object);
  }
  throw new Error(`The pattern matcher does not support ${pattern.kind} observation expressions`);
}
