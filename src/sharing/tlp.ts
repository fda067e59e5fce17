/** TLP 2.0 levels, least strict first; the index is the strictness rank. */
export const tlpLevels = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;

/** A TLP 2.0 level in lower case, as stored. */
export type TlpLevel = (typeof tlpLevels)[number];

/** TLP 2.0 marking-definition ids (OASIS TLP 2.0 extension), written on export. */
export const tlp2MarkingIds: Record<TlpLevel, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/**
 * Every marking id read as a TLP level on import: TLP 2.0, TLP 1.0 (predefined in STIX 2.1 §7.2.1.4,
 * WHITE read as CLEAR) and the AMBER+STRICT id that OpenCTI writes.
 */
export const tlpByMarkingId: ReadonlyMap<string, TlpLevel> = new Map<string, TlpLevel>([
  ...Object.entries(tlp2MarkingIds).map(([level, id]) => [id, level as TlpLevel] as const),
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'clear'],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
  ['marking-definition--826578e1-40ad-459f-bc73-ede076f81f37', 'amber+strict'],
]);

/** Returns the strictness rank of a level (0 for CLEAR, 4 for RED). */
export function tlpRank(level: TlpLevel): number {
  return tlpLevels.indexOf(level);
}

/** Returns true when `value` is a stored TLP level. */
export function isTlpLevel(value: string): value is TlpLevel {
  return (tlpLevels as readonly string[]).includes(value);
}

/** Formats a level as its label, for example `TLP:AMBER+STRICT`. */
export function tlpLabel(level: TlpLevel): string {
  return `TLP:${level.toUpperCase()}`;
}

/**
 * Parses a TLP given by a person or a form: `amber`, `AMBER+STRICT`, `TLP:GREEN`, `white`.
 * Returns null when the text names no TLP 2.0 level.
 */
export function parseTlp(text: string): TlpLevel | null {
  const value = text.trim().toLowerCase().replace(/^tlp:/, '');
  if (value === 'white') return 'clear';

  return isTlpLevel(value) ? value : null;
}
