/**
 * STIX 2.1 object kinds and the properties each standard type requires, mirrored from the OASIS
 * STIX 2.1 JSON schemas (`schemas/sdos`, `sros`, `observables` and `common`).
 */

/** Category of a STIX type, which decides its versioning and common required properties. */
export type StixKind = 'sdo' | 'sro' | 'marking' | 'meta' | 'sco' | 'custom';

/** A rule that at least one group of properties is fully present, as an `anyOf` of `required`. */
export interface AnyOfRule {
  anyOf: readonly (readonly string[])[];
}

/** Properties one type requires beyond the common ones. */
export interface TypeRequirements {
  kind: StixKind;
  required: readonly string[];
  /** Each rule needs one of its property groups present. */
  anyOf?: readonly AnyOfRule[];
}

const sdo = (required: readonly string[] = [], anyOf?: AnyOfRule[]): TypeRequirements => ({
  kind: 'sdo',
  required,
  ...(anyOf === undefined ? {} : { anyOf }),
});
/** Builds the rule that at least one of the named properties is present. */
const anyProperty = (names: readonly string[]): AnyOfRule => ({ anyOf: names.map((n) => [n]) });

const sco = (required: readonly string[] = [], anyOf?: AnyOfRule[]): TypeRequirements => ({
  kind: 'sco',
  required,
  ...(anyOf === undefined ? {} : { anyOf }),
});

/** Requirements of every type that STIX 2.1 defines; other types are custom. */
export const stixTypes: ReadonlyMap<string, TypeRequirements> = new Map([
  ['attack-pattern', sdo(['name'])],
  ['campaign', sdo(['name'])],
  ['course-of-action', sdo(['name'])],
  ['grouping', sdo(['context', 'object_refs'])],
  ['identity', sdo(['name'])],
  ['incident', sdo(['name'])],
  ['indicator', sdo(['pattern', 'pattern_type', 'valid_from'])],
  ['infrastructure', sdo(['name'])],
  ['intrusion-set', sdo(['name'])],
  ['location', sdo([], [{ anyOf: [['region'], ['country'], ['latitude', 'longitude']] }])],
  ['malware', sdo(['is_family'])],
  ['malware-analysis', sdo(['product'], [{ anyOf: [['result'], ['analysis_sco_refs']] }])],
  ['note', sdo(['content', 'object_refs'])],
  [
    'observed-data',
    sdo(
      ['first_observed', 'last_observed', 'number_observed'],
      [{ anyOf: [['objects'], ['object_refs']] }],
    ),
  ],
  ['opinion', sdo(['object_refs', 'opinion'])],
  ['report', sdo(['name', 'published', 'object_refs'])],
  ['threat-actor', sdo(['name'])],
  ['tool', sdo(['name'])],
  ['vulnerability', sdo(['name'])],

  ['relationship', { kind: 'sro', required: ['relationship_type', 'source_ref', 'target_ref'] }],
  ['sighting', { kind: 'sro', required: ['sighting_of_ref'] }],

  // A marking definition is never versioned, so it has `created` but no `modified`; a definition
  // written as an extension may leave out `definition_type` and `definition`.
  ['marking-definition', { kind: 'marking', required: [] }],
  ['language-content', { kind: 'meta', required: ['object_ref', 'contents'] }],
  [
    'extension-definition',
    { kind: 'meta', required: ['name', 'schema', 'version', 'extension_types'] },
  ],

  ['artifact', sco([], [{ anyOf: [['payload_bin'], ['url', 'hashes']] }])],
  ['autonomous-system', sco(['number'])],
  ['directory', sco(['path'])],
  ['domain-name', sco(['value'])],
  ['email-addr', sco(['value'])],
  ['email-message', sco(['is_multipart'])],
  ['file', sco([], [{ anyOf: [['hashes'], ['name']] }])],
  ['ipv4-addr', sco(['value'])],
  ['ipv6-addr', sco(['value'])],
  ['mac-addr', sco(['value'])],
  ['mutex', sco(['name'])],
  ['network-traffic', sco(['protocols'], [{ anyOf: [['src_ref'], ['dst_ref']] }])],
  [
    'process',
    sco(
      [],
      [
        anyProperty([
          'extensions',
          'is_hidden',
          'pid',
          'name',
          'created',
          'cwd',
          'arguments',
          'command_line',
          'environment_variables',
          'opened_connection_refs',
          'creator_user_ref',
          'image_ref',
          'parent_ref',
          'child_refs',
        ]),
      ],
    ),
  ],
  ['software', sco(['name'])],
  ['url', sco(['value'])],
  [
    'user-account',
    sco(
      [],
      [
        anyProperty([
          'extensions',
          'user_id',
          'credential',
          'account_login',
          'account_type',
          'display_name',
          'is_service_account',
          'is_privileged',
          'can_escalate_privs',
          'is_disabled',
          'account_created',
          'account_expires',
          'credential_last_changed',
          'account_first_login',
          'account_last_login',
        ]),
      ],
    ),
  ],
  [
    'windows-registry-key',
    sco([], [anyProperty(['key', 'values', 'modified', 'creator_user_ref', 'number_of_subkeys'])]),
  ],
  [
    'x509-certificate',
    sco(
      [],
      [
        anyProperty([
          'is_self_signed',
          'hashes',
          'version',
          'serial_number',
          'signature_algorithm',
          'issuer',
          'validity_not_before',
          'validity_not_after',
          'subject',
          'subject_public_key_algorithm',
          'subject_public_key_modulus',
          'subject_public_key_exponent',
          'x509_v3_extensions',
        ]),
      ],
    ),
  ],
]);

/** Custom types get the common checks of SDOs (the `core` schema): created and modified. */
const customType: TypeRequirements = { kind: 'custom', required: [] };

/** Returns the requirements of a type; unknown and `x-` types are custom. */
export function requirementsOf(type: string): TypeRequirements {
  return stixTypes.get(type) ?? customType;
}

/** Returns true when objects of this kind carry `created`. */
export function hasCreated(kind: StixKind): boolean {
  return kind !== 'sco';
}

/** Returns true when objects of this kind carry `modified` (every versioned kind). */
export function hasModified(kind: StixKind): boolean {
  return kind !== 'sco' && kind !== 'marking';
}

/**
 * Timestamp properties of the standard types that are checked like `created`. Custom properties
 * are not checked because their meaning is unknown.
 */
export const timestampProperties: readonly string[] = [
  'valid_from',
  'valid_until',
  'published',
  'first_seen',
  'last_seen',
  'first_observed',
  'last_observed',
  'start_time',
  'stop_time',
];
