import type { CheckedObject } from './stix-validation.ts';
import { parseTlp, tlpByMarkingId, tlpLabel, tlpLevels, tlpRank, type TlpLevel } from './tlp.ts';

/** PAP levels, least strict first. */
export const papLevels = ['clear', 'green', 'amber', 'red'] as const;

/** A Permissible Actions Protocol level in lower case, as stored. */
export type PapLevel = (typeof papLevels)[number];

/** The TLP and PAP levels that a marking definition sets, when it sets them. */
export interface MarkingMeaning {
  tlp: TlpLevel | null;
  pap: PapLevel | null;
}

/** The marking definitions an import can resolve references against. */
export interface MarkingCatalogue {
  /** Marking definitions defined in the bundle or already stored, by id. */
  definitions: ReadonlyMap<string, MarkingMeaning>;
  /** Level for objects that carry no TLP marking. */
  defaultTlp: TlpLevel;
  /** Level the sharer asked for explicitly, if any; a marked object is never held below it. */
  requestedTlp?: TlpLevel | null;
}

/** The classification of one object, or why it is rejected. */
export type Classification =
  | {
      ok: true;
      tlp: TlpLevel;
      pap: PapLevel | null;
      warnings: string[];
      /** True when the object carries no TLP marking and took the catalogue's default level. */
      isDefaultTlp: boolean;
    }
  | { ok: false; reason: string };

function parsePap(text: string): PapLevel | null {
  const value = text.trim().toLowerCase().replace(/^pap:/, '');
  if (value === 'white') return 'clear';

  return (papLevels as readonly string[]).includes(value) ? (value as PapLevel) : null;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Reads what a marking definition means. Besides the standard TLP ids it recognises definitions
 * named `TLP:<level>` or `PAP:<level>`, the STIX 2.1 `tlp` definition type, and the PAP form
 * that OpenCTI writes (`x_opencti_definition_type: "PAP"`).
 */
export function readMarkingDefinition(definition: Record<string, unknown>): MarkingMeaning {
  const id = textOf(definition.id);
  const name = textOf(definition.name);
  const body = definition.definition as Record<string, unknown> | null | undefined;
  const definitionType = textOf(definition.definition_type).toLowerCase();

  let tlp = tlpByMarkingId.get(id) ?? null;
  if (tlp === null && /^tlp:/i.test(name)) tlp = parseTlp(name);
  if (tlp === null && definitionType === 'tlp' && body !== null && typeof body === 'object') {
    tlp = parseTlp(textOf(body.tlp));
  }

  let pap: PapLevel | null = null;
  if (/^pap:/i.test(name)) pap = parsePap(name);
  if (pap === null && textOf(definition.x_opencti_definition_type).toUpperCase() === 'PAP') {
    pap = parsePap(textOf(definition.x_opencti_definition));
  }
  if (pap === null && definitionType === 'pap' && body !== null && typeof body === 'object') {
    pap = parsePap(textOf(body.pap));
  }

  return { tlp, pap };
}

/** Formats levels as labels joined for a message: `TLP:CLEAR and TLP:RED`. */
function joinLabels(levels: TlpLevel[]): string {
  const labels = levels.map(tlpLabel);
  const last = labels.pop() ?? '';

  return labels.length === 0 ? last : `${labels.join(', ')} and ${last}`;
}

function strictest(levels: TlpLevel[]): TlpLevel | null {
  return levels.reduce<TlpLevel | null>(
    (max, level) => (max === null || tlpRank(level) > tlpRank(max) ? level : max),
    null,
  );
}

function markingRefs(object: Record<string, unknown>): string[] {
  const refs = object.object_marking_refs;

  return Array.isArray(refs) ? refs.filter((ref): ref is string => typeof ref === 'string') : [];
}

function granularRefs(object: Record<string, unknown>): string[] {
  const markings = object.granular_markings;
  if (!Array.isArray(markings)) return [];

  return markings
    .map((marking: unknown) => (marking as Record<string, unknown> | null)?.marking_ref)
    .filter((ref): ref is string => typeof ref === 'string');
}

/** Lists every marking referenced by an object, whole-object and granular. */
export function markingRefsOf(object: Record<string, unknown>): string[] {
  return [...markingRefs(object), ...granularRefs(object)];
}

/**
 * Decides the TLP and PAP of one object. Its TLP comes from `object_marking_refs`; two different
 * TLP levels there reject the object. A marking that cannot be resolved, or a stricter TLP on
 * some properties (`granular_markings`), keeps the whole object at the stricter level, because
 * objects are shared whole.
 */
export function classifyObject(
  checked: CheckedObject,
  catalogue: MarkingCatalogue,
): Classification {
  if (checked.type === 'marking-definition' && tlpByMarkingId.has(checked.id)) {
    return { ok: true, tlp: 'clear', pap: null, warnings: [], isDefaultTlp: false };
  }

  const resolve = (ref: string): MarkingMeaning | null => {
    const standard = tlpByMarkingId.get(ref);

    return standard !== undefined
      ? { tlp: standard, pap: null }
      : (catalogue.definitions.get(ref) ?? null);
  };
  const warnings: string[] = [];
  const unresolved = new Set<string>();
  const objectLevels = new Set<TlpLevel>();
  const papFound: PapLevel[] = [];
  for (const ref of markingRefs(checked.object)) {
    const meaning = resolve(ref);
    if (meaning === null) unresolved.add(ref);
    if (meaning?.tlp != null) objectLevels.add(meaning.tlp);
    if (meaning?.pap != null) papFound.push(meaning.pap);
  }
  if (objectLevels.size > 1) {
    const sorted = tlpLevels.filter((level) => objectLevels.has(level));
    return { ok: false, reason: `conflicting TLP markings: ${joinLabels(sorted)}` };
  }

  let tlp = strictest([...objectLevels]) ?? catalogue.defaultTlp;
  const granularLevels: TlpLevel[] = [];
  for (const ref of granularRefs(checked.object)) {
    const meaning = resolve(ref);
    if (meaning === null) unresolved.add(ref);
    if (meaning?.tlp != null) granularLevels.push(meaning.tlp);
  }
  for (const ref of unresolved) {
    warnings.push(
      `marking ${ref} is not defined in this bundle or stored, so it is held as TLP:RED`,
    );
  }
  if (unresolved.size > 0) tlp = 'red';
  const requested = catalogue.requestedTlp ?? null;
  if (requested !== null && tlpRank(requested) > tlpRank(tlp)) {
    // The sharer requested a stricter level than the object's marking. Sharing wider than that
    // would leak, so the stricter level applies and a warning says so.
    warnings.push(`marked ${tlpLabel(tlp)} but shared as ${tlpLabel(requested)}, which applies`);
    tlp = requested;
  }
  const granular = strictest(granularLevels);
  if (granular !== null && tlpRank(granular) > tlpRank(tlp)) {
    warnings.push(`some properties are marked ${tlpLabel(granular)}, so the object is held at it`);
    tlp = granular;
  }
  const pap = papFound.reduce<PapLevel | null>(
    (max, level) =>
      max === null || papLevels.indexOf(level) > papLevels.indexOf(max) ? level : max,
    null,
  );

  return { ok: true, tlp, pap, warnings, isDefaultTlp: objectLevels.size === 0 };
}
