import {
  hasCreated,
  hasModified,
  requirementsOf,
  timestampProperties,
  type StixKind,
} from './stix-types.ts';
import { isIdentifier, withCanonicalIdentifiers } from './stix-identifiers.ts';
import { parsePattern } from './stix-pattern.ts';
import { checkTimestamp, versionKey } from './stix-timestamps.ts';

export { checkTimestamp, versionKey } from './stix-timestamps.ts';

/** A STIX object that passed the checks, with what storage needs to know about it. */
export interface CheckedObject {
  object: Record<string, unknown>;
  id: string;
  type: string;
  kind: StixKind;
  /**
   * Version string exactly as received: `modified`, or `created` for marking definitions. Null
   * for observables, which have neither and are versioned by the time they were added.
   */
  version: string | null;
  revoked: boolean;
}

/** Outcome of checking one object: the object, or every problem found in it. */
export type CheckResult = { ok: true; value: CheckedObject } | { ok: false; problems: string[] };

// Type names of the STIX `core` schema: lower-case words joined by hyphens, 3 to 250 characters.
const TYPE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-?$/;

const EXAMPLE_UUID = '6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91';

function isPresent(object: Record<string, unknown>, name: string): boolean {
  return object[name] !== undefined && object[name] !== null;
}

function checkCommon(object: Record<string, unknown>, problems: string[]): string | null {
  const type = object.type;
  if (typeof type !== 'string' || type.length < 3 || type.length > 250 || !TYPE_NAME.test(type)) {
    problems.push('type: must be a STIX type name such as "indicator" or "x-acme-asset"');
    return null;
  }
  if (type === 'bundle') problems.push('type: a bundle cannot be an object inside a bundle');
  const id = object.id;
  if (!isIdentifier(id)) {
    problems.push(`id: must be ${type}--<UUID>, for example ${type}--${EXAMPLE_UUID}`);
  } else if (!id.startsWith(`${type}--`)) {
    problems.push(`id: the prefix of "${id}" must equal the type "${type}"`);
  }

  return type;
}

function checkSpecVersion(object: Record<string, unknown>, kind: StixKind, problems: string[]) {
  // Observables may leave out spec_version: the `cyber-observable-core` schema requires only type and id.
  if (kind === 'sco' && object.spec_version === undefined) return;
  if (object.spec_version !== '2.1') {
    problems.push(
      object.spec_version === undefined
        ? 'missing required property spec_version ("2.1")'
        : `spec_version: must be "2.1", not ${JSON.stringify(object.spec_version)}`,
    );
  }
}

function checkTimestamps(object: Record<string, unknown>, kind: StixKind, problems: string[]) {
  const names = [
    ...(hasCreated(kind) ? ['created'] : []),
    ...(hasModified(kind) ? ['modified'] : []),
  ];
  for (const name of names) {
    if (!isPresent(object, name)) problems.push(`missing required property ${name}`);
  }
  const optional = timestampProperties.filter((name) => kind !== 'sco' && isPresent(object, name));
  let isValid = true;
  for (const name of [...names, ...optional]) {
    if (!isPresent(object, name)) continue;
    const problem = checkTimestamp(object[name]);
    if (problem === null) continue;
    problems.push(`${name}: ${problem}`);
    isValid = false;
  }

  const { created, modified } = object;
  if (
    isValid &&
    typeof created === 'string' &&
    typeof modified === 'string' &&
    created !== modified &&
    versionKey(modified) < versionKey(created)
  ) {
    problems.push(`modified: ${modified} is earlier than created ${created}`);
  }
}

function checkTypeProperties(object: Record<string, unknown>, type: string, problems: string[]) {
  const requirements = requirementsOf(type);
  for (const name of requirements.required) {
    if (!isPresent(object, name)) problems.push(`missing required property ${name}`);
  }
  for (const rule of requirements.anyOf ?? []) {
    if (rule.anyOf.some((group) => group.every((name) => isPresent(object, name)))) continue;
    const choices = rule.anyOf.map((group) => group.join(' and ')).join(', or ');
    problems.push(`missing required property: give ${choices}`);
  }
  if (type === 'malware' && isPresent(object, 'is_family')) {
    if (typeof object.is_family !== 'boolean') problems.push('is_family: must be true or false');
    // The malware schema requires a name when is_family is true.
    else if (object.is_family && !isPresent(object, 'name')) {
      problems.push('missing required property name (required when is_family is true)');
    }
  }
}

/** Parses an indicator's STIX pattern, so that no stored indicator is unreadable by consumers. */
function checkPattern(object: Record<string, unknown>, problems: string[]) {
  if (object.type !== 'indicator' || object.pattern_type !== 'stix') return;
  if (typeof object.pattern !== 'string') {
    problems.push('pattern: must be a string');
    return;
  }
  const result = parsePattern(object.pattern);
  if (!result.ok) {
    problems.push(
      `pattern: invalid STIX pattern at position ${result.position}: ${result.message}`,
    );
  }
}

function checkReferences(object: Record<string, unknown>, problems: string[]) {
  for (const [name, value] of Object.entries(object)) {
    if (name.startsWith('x_')) continue;
    if (name.endsWith('_ref') && !isIdentifier(value)) {
      problems.push(`${name}: must be a STIX identifier such as indicator--${EXAMPLE_UUID}`);
    }
    if (name.endsWith('_refs') && (!Array.isArray(value) || !value.every((v) => isIdentifier(v)))) {
      problems.push(`${name}: must be a list of STIX identifiers`);
    }
  }
  const markings = object.object_marking_refs;
  if (
    Array.isArray(markings) &&
    !markings.every((ref) => isIdentifier(ref, 'marking-definition'))
  ) {
    problems.push('object_marking_refs: every entry must be a marking-definition identifier');
  }
  if (object.revoked !== undefined && typeof object.revoked !== 'boolean') {
    problems.push('revoked: must be true or false');
  }
}

/**
 * Checks one object of a bundle: the common properties, the identifier, the timestamps (real
 * calendar dates, `modified` not before `created`) and the properties its type requires. Custom
 * types get the common checks only. The object that passes comes back with its id and references
 * in lower case, so every way in stores and compares one form of each id.
 */
export function checkStixObject(value: unknown): CheckResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problems: ['must be a JSON object'] };
  }
  const object = value as Record<string, unknown>;
  const problems: string[] = [];
  const type = checkCommon(object, problems);
  if (type === null) return { ok: false, problems };

  const { kind } = requirementsOf(type);
  checkSpecVersion(object, kind, problems);
  checkTimestamps(object, kind, problems);
  checkTypeProperties(object, type, problems);
  checkReferences(object, problems);
  checkPattern(object, problems);
  if (problems.length > 0) return { ok: false, problems };

  const version = hasModified(kind) ? object.modified : hasCreated(kind) ? object.created : null;
  const canonical = withCanonicalIdentifiers(object);

  return {
    ok: true,
    value: {
      object: canonical,
      id: canonical.id as string,
      type,
      kind,
      version: typeof version === 'string' ? version : null,
      revoked: object.revoked === true,
    },
  };
}
