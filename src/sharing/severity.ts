/**
 * Severity (0 Baseline to 5 Emergency) and kind of shared items. Kinds are the classes of the
 * Reference Security Incident Taxonomy, written in lower case with hyphens.
 */
export const incidentKinds = [
  'abusive-content',
  'malicious-code',
  'information-gathering',
  'intrusion-attempts',
  'intrusions',
  'availability',
  'information-content-security',
  'fraud',
  'vulnerable',
  'other',
  'test',
] as const;

/** A Reference Security Incident Taxonomy class. */
export type IncidentKind = (typeof incidentKinds)[number];

/** Severity and kind given as upload options, applied to objects that do not set their own. */
export interface Priority {
  severity?: number | undefined;
  kind?: IncidentKind | undefined;
  respondBy?: string | undefined;
}

/** The priority of one object, or why its own properties are invalid. */
export type PriorityResult =
  { ok: true; severity: number; kind: IncidentKind | null } | { ok: false; reason: string };

/** Returns true when the value is a severity: a whole number from 0 to 5. */
export function isSeverity(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 5;
}

/** Returns true when the value is a Reference Security Incident Taxonomy class. */
export function isIncidentKind(value: unknown): value is IncidentKind {
  return typeof value === 'string' && (incidentKinds as readonly string[]).includes(value);
}

/**
 * Reads an object's severity and kind: its own `x_parley_severity` and `x_parley_kind` win over
 * the upload options, and an object with neither gets severity 0 (Baseline) and no kind.
 */
export function readPriority(object: Record<string, unknown>, options: Priority): PriorityResult {
  const severity = object.x_parley_severity ?? options.severity ?? 0;
  if (!isSeverity(severity)) {
    return {
      ok: false,
      reason: `x_parley_severity: ${JSON.stringify(severity)} is not a severity; use a whole number from 0 (Baseline) to 5 (Emergency)`,
    };
  }
  const kind = object.x_parley_kind ?? options.kind ?? null;
  if (kind !== null && !isIncidentKind(kind)) {
    return {
      ok: false,
      reason: `x_parley_kind: ${JSON.stringify(kind)} is not an incident class; use one of ${incidentKinds.join(', ')}`,
    };
  }

  return { ok: true, severity, kind };
}
