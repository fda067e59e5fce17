import { markingRefsOf } from './markings.ts';
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

/** The `created` timestamp of every TLP 1.0 marking definition, which is also its version. */
export const TLP1_CREATED = '2017-01-20T00:00:00.000Z';

/**
 * The TLP 1.0 marking-definition objects that STIX 2.1 predefines, by id. Their fields are those
 * the official STIX 2.1 JSON schema (`common/marking-definition.json`) fixes, and a test checks
 * them against it.
 */
export const tlp1Definitions: ReadonlyMap<string, Record<string, unknown>> = new Map(
  (
    [
      ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'white'],
      ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'green'],
      ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'amber'],
      ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'red'],
    ] as const
  ).map(([id, level]) => [
    id,
    {
      type: 'marking-definition',
      spec_version: '2.1',
      id,
      created: TLP1_CREATED,
      definition_type: 'tlp',
      name: `TLP:${level.toUpperCase()}`,
      definition: { tlp: level },
    },
  ]),
);

/** The TLP 2.0 and TLP 1.0 marking definitions that the server serves itself, by id. */
const builtInDefinitions: ReadonlyMap<string, Record<string, unknown>> = new Map([
  ...tlp2Definitions,
  ...tlp1Definitions,
]);

/** Returns a TLP 2.0 or TLP 1.0 marking definition, or undefined for other ids. */
export function tlpDefinition(id: string): Record<string, unknown> | undefined {
  return builtInDefinitions.get(id);
}

/** Returns the JSON text of a TLP 2.0 or TLP 1.0 marking definition, or undefined for other ids. */
export function tlpDefinitionText(id: string): string | undefined {
  const definition = builtInDefinitions.get(id);

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

/**
 * Lists the TLP 2.0 and TLP 1.0 marking definitions that the objects reference, in
 * `object_marking_refs` or in `granular_markings`.
 *
 * TODO: the AMBER+STRICT id that OpenCTI writes has no published definition object, so a granular
 * marking with that id stays unresolvable inside an export.
 */
export function referencedTlpDefinitions(
  objects: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const ids = new Set(objects.flatMap((object) => markingRefsOf(object)));

  return [...builtInDefinitions.values()].filter((definition) => ids.has(definition.id as string));
}
