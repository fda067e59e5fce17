import { tlp2MarkingIds, tlpByMarkingId, tlpLabel, tlpLevels, type TlpLevel } from './tlp.ts';

/** Id of the OASIS TLP 2.0 extension definition that the TLP 2.0 marking definitions use. */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

/** The `created` timestamp of every TLP 2.0 marking definition, which is also its version. */
export const TLP2_CREATED = '2022-10-01T00:00:00.000Z';

/**
 * The TLP 2.0 marking-definition objects as OASIS publishes them in `cti-stix-common-objects`
 * (`extension-definition-specifications/tlp-2.0/examples`): fixed ids and `created`, so every
 * platform serves byte-for-byte the same definitions.
 */
export const tlp2Definitions: ReadonlyMap<string, Record<string, unknown>> = new Map(
  tlpLevels.map((level) => [
    tlp2MarkingIds[level],
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id: tlp2MarkingIds[level],
      created: TLP2_CREATED,
      name: tlpLabel(level),
      extensions: {
        [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level },
      },
    },
  ]),
);

/** Returns the JSON text of a TLP 2.0 marking definition, or undefined for other ids. */
export function tlpDefinitionText(id: string): string | undefined {
  const definition = tlp2Definitions.get(id);

  return definition === undefined ? undefined : JSON.stringify(definition);
}

/**
 * Rewrites an object's markings for storage and export: every TLP reference (TLP 1.0, TLP 2.0 or
 * the other AMBER+STRICT id) is replaced by the one TLP 2.0 id of the level the object is held
 * at, other markings such as PAP stay, and `tlp:` labels are dropped because the marking carries
 * the level. Returns a new object; the input is not changed.
 */
export function withTlp2Marking(
  object: Record<string, unknown>,
  tlp: TlpLevel,
): Record<string, unknown> {
  const refs = Array.isArray(object.object_marking_refs)
    ? (object.object_marking_refs as unknown[])
    : [];
  const others = refs.filter((ref) => typeof ref !== 'string' || !tlpByMarkingId.has(ref));
  const result: Record<string, unknown> = {
    ...object,
    object_marking_refs: [tlp2MarkingIds[tlp], ...others],
  };
  if (Array.isArray(object.labels)) {
    const labels = (object.labels as unknown[]).filter(
      (label) => typeof label !== 'string' || !/^tlp:/i.test(label.trim()),
    );
    if (labels.length > 0) result.labels = labels;
    else delete result.labels;
  }

  return result;
}

/** Lists the TLP 2.0 marking definitions that the given JSON texts reference. */
export function referencedTlpDefinitions(texts: readonly string[]): Record<string, unknown>[] {
  return tlpLevels
    .filter((level) => texts.some((text) => text.includes(tlp2MarkingIds[level])))
    .map((level) => tlp2Definitions.get(tlp2MarkingIds[level]))
    .filter((definition) => definition !== undefined);
}
