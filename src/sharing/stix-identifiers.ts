/**
 * STIX 2.1 identifiers, `<type>--<UUID>`. The official `identifier` schema accepts the UUID's
 * hexadecimal digits in either case, and RFC 4122 §3 writes UUIDs in lower case and reads them
 * case-insensitively. So Parley stores, compares and looks up every identifier in lower case: an
 * upper-case copy of an id is the same object, not a new one.
 */

// Identifier form of the STIX `identifier` schema: `<type>--<UUID>` with UUID version 1 to 5.
const IDENTIFIER =
  /^([a-z][a-z0-9-]*[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/** Returns true when the value is a STIX identifier, optionally of the given type. */
export function isIdentifier(value: unknown, type?: string): value is string {
  if (typeof value !== 'string') return false;
  const match = IDENTIFIER.exec(value);

  return match !== null && (type === undefined || match[1] === type);
}

/** Returns an identifier in the lower-case form Parley stores and looks up. */
export function canonicalIdentifier(id: string): string {
  return id.toLowerCase();
}

function isReferenceName(name: string): boolean {
  return name.endsWith('_ref') || name.endsWith('_refs');
}

function canonicalReferences(value: unknown): unknown {
  if (isIdentifier(value)) return canonicalIdentifier(value);
  if (Array.isArray(value)) return value.map(canonicalReferences);

  return value;
}

function canonicalNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalNested);
  if (value === null || typeof value !== 'object') return value;

  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      isReferenceName(name) ? canonicalReferences(item) : canonicalNested(item),
    ]),
  );
}

/**
 * Returns a copy of a STIX object whose `id`, and every identifier in a `*_ref` or `*_refs`
 * property at any depth (`created_by_ref`, `object_marking_refs`, `granular_markings[].marking_ref`,
 * a relationship's `source_ref` and `target_ref`), is in lower case. Values that are not
 * identifiers, such as the local keys that observed-data `objects` refer to, stay as they are.
 * Property order is kept.
 */
export function withCanonicalIdentifiers(object: Record<string, unknown>): Record<string, unknown> {
  const copy = canonicalNested(object) as Record<string, unknown>;
  if (isIdentifier(copy.id)) copy.id = canonicalIdentifier(copy.id);

  return copy;
}
