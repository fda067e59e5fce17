import type { Principal } from '../accounts/principal.ts';
import type { AppContext } from '../app/context.ts';
import { notFound, type FieldError } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { storeVersions, type Candidate } from './import-store.ts';
import { assertMayShare, type Recipients } from './access.ts';
import { assertPartnersCleared, resolveAudience } from './audience.ts';
import {
  classifyObject,
  markingRefsOf,
  readMarkingDefinition,
  type MarkingCatalogue,
  type MarkingMeaning,
} from './markings.ts';
import { exportObjects, findMarkingDefinitions, findReadableVersion } from './sharing.queries.ts';
import { BundleEnvelopeSchema, type ShareOptions } from './sharing.schema.ts';
import { canonicalIdentifier, isIdentifier } from './stix-identifiers.ts';
import { checkStixObject, versionKey, type CheckedObject } from './stix-validation.ts';
import { readPriority } from './severity.ts';
import { tlpByMarkingId } from './tlp.ts';
import { tlpDefinition, withTlp2Marking } from './tlp-definitions.ts';

/** The parts of the application context that the sharing services use. */
export type SharingDeps = Pick<AppContext, 'db' | 'clock' | 'logger'>;

/** An object of the bundle that was not stored, and why. */
export interface RejectedObject {
  /** The object's id, or null when it has none. */
  id: string | null;
  /** Position of the object in the bundle's `objects` array. */
  index: number;
  reason: string;
}

/**
 * Builds one field error per rejected object, named `objects.<index>`.
 * TODO: the rejection reasons come from STIX validation in English, outside the catalogue.
 */
export function rejectedFields(rejected: readonly RejectedObject[]): FieldError[] {
  return rejected.map(({ id, index, reason }) => ({
    field: `objects.${index}`,
    message: (m) =>
      id === null
        ? m.problems.sharing.rejectedObjectWithoutId(reason)
        : m.problems.sharing.rejectedObject(id, reason),
  }));
}

/** Something the sharer should know about an object that was stored. */
export interface ImportWarning {
  id: string;
  reason: string;
}

/** Outcome of an import. */
export interface ImportResult {
  /** Objects stored now or already stored with the same version and content. */
  stored: number;
  rejected: RejectedObject[];
  warnings: ImportWarning[];
  /** The id and version of every object counted in `stored`. */
  accepted: { id: string; version: string }[];
}

/** Collects what the marking definitions in the bundle and in storage mean. */
async function buildCatalogue(deps: SharingDeps, checked: readonly CheckedObject[]) {
  const definitions = new Map<string, MarkingMeaning>();
  for (const item of checked) {
    if (item.type === 'marking-definition') {
      definitions.set(item.id, readMarkingDefinition(item.object));
    }
  }
  const referenced = new Set<string>();
  for (const item of checked) {
    for (const ref of markingRefsOf(item.object)) {
      if (!definitions.has(ref) && !tlpByMarkingId.has(ref)) referenced.add(ref);
    }
  }
  for (const row of await findMarkingDefinitions(deps.db, [...referenced])) {
    definitions.set(
      row.object_id,
      readMarkingDefinition(JSON.parse(row.data) as Record<string, unknown>),
    );
  }

  return definitions;
}

/** A bundle checked and classified as an upload is, before anything is stored. */
export interface CheckedBundle {
  bundleId: string;
  /** Time the check ran; the version of objects without one. */
  now: string;
  candidates: Candidate[];
  rejected: RejectedObject[];
  warnings: ImportWarning[];
  /** Copies of the built-in TLP 2.0 definitions: accepted, never stored. */
  builtIn: { id: string; version: string }[];
}

/**
 * Checks every object of a STIX 2.1 bundle and classifies it by TLP, exactly as an upload does,
 * without storing anything. Exercise bundle injects use it too, so drills meet the same rules.
 */
export async function checkBundle(
  deps: SharingDeps,
  bundle: unknown,
  options: ShareOptions,
): Promise<CheckedBundle> {
  const envelope = parseInput(BundleEnvelopeSchema, bundle, 'bundle');
  const now = deps.clock.now().toISOString();

  const rejected: RejectedObject[] = [];
  const checked: { index: number; item: CheckedObject }[] = [];
  // The standard TLP definitions are built in, so a copy in the bundle is accepted, not stored.
  const builtIn: { id: string; version: string }[] = [];
  envelope.objects.forEach((value, index) => {
    const result = checkStixObject(value);
    if (!result.ok) {
      rejected.push({ id: idOf(value), index, reason: result.problems.join('; ') });
    } else if (result.value.type === 'marking-definition' && tlpByMarkingId.has(result.value.id)) {
      builtIn.push({ id: result.value.id, version: result.value.version ?? now });
    } else {
      checked.push({ index, item: result.value });
    }
  });

  const catalogue = {
    definitions: await buildCatalogue(
      deps,
      checked.map((entry) => entry.item),
    ),
    defaultTlp: options.tlp ?? 'amber',
    requestedTlp: options.tlp,
  };
  const classified = classifyAll(checked, catalogue, options, now);
  rejected.push(...classified.rejected);
  const bundleId = typeof envelope.id === 'string' ? envelope.id : '(bundle)';

  return {
    bundleId,
    now,
    candidates: classified.candidates,
    rejected,
    warnings: classified.warnings,
    builtIn,
  };
}

/**
 * Imports a STIX 2.1 bundle shared by `principal`: checks every object, classifies it by TLP,
 * and stores the accepted versions with their audience in one transaction. A bad object is
 * reported in `rejected` and does not stop the others, but a named partner cleared below an
 * object's TLP rejects the whole upload before anything is stored. Called by the HTTP upload,
 * the demo data loader and TAXII.
 */
export async function importBundle(
  deps: SharingDeps,
  principal: Principal,
  bundle: unknown,
  options: ShareOptions,
): Promise<ImportResult> {
  assertMayShare(principal);
  parseInput(BundleEnvelopeSchema, bundle, 'bundle');
  const { recipients, partners } = await resolveAudience(deps, principal, options);
  const checked = await checkBundle(deps, bundle, options);
  assertPartnersCleared(partners, checked.candidates);

  const rejected = [...checked.rejected];
  const outcome = await storeVersions(deps, principal, recipients, checked.candidates, checked.now);
  rejected.push(...outcome.rejected);
  rejected.sort((a, b) => a.index - b.index);
  const warnings = [
    ...checked.warnings,
    ...bundleWarnings(checked.bundleId, recipients, checked.candidates, outcome.storedRed),
  ];
  deps.logger.info(
    {
      accountId: principal.accountId,
      stored: outcome.accepted.length,
      inserted: outcome.inserted,
      rejected: rejected.length,
    },
    'bundle imported',
  );

  const accepted = [...checked.builtIn, ...outcome.accepted];

  return { stored: accepted.length, rejected, warnings, accepted };
}

/** Classifies every checked object by TLP and turns the accepted ones into candidates. */
function classifyAll(
  checked: readonly { index: number; item: CheckedObject }[],
  catalogue: MarkingCatalogue,
  options: ShareOptions,
  now: string,
) {
  const rejected: RejectedObject[] = [];
  const warnings: ImportWarning[] = [];
  const candidates: Candidate[] = [];
  for (const { index, item } of checked) {
    const classification = classifyObject(item, catalogue);
    if (!classification.ok) {
      rejected.push({ id: item.id, index, reason: classification.reason });
      continue;
    }
    const priority = readPriority(item.object, options);
    if (!priority.ok) {
      rejected.push({ id: item.id, index, reason: priority.reason });
      continue;
    }
    warnings.push(...classification.warnings.map((reason) => ({ id: item.id, reason })));
    const version = item.version ?? now;
    candidates.push({
      index,
      item,
      version,
      versionKey: versionKey(version),
      tlp: classification.tlp,
      pap: classification.pap,
      // Re-serialising keeps every string, so timestamps, exactly; numbers may change form (1.0 → 1).
      // The marking is rewritten to the TLP 2.0 id of the level held, so every way out carries it.
      data: JSON.stringify(withTlp2Marking(item.object, classification.tlp)),
      // With neither a marking nor a tlp option, the object stays with the sharer's own audience.
      isOwnOnly: classification.isDefaultTlp && options.tlp === null,
      severity: priority.severity,
      kind: priority.kind,
      respondBy: options.respond_by ?? null,
    });
  }

  return { rejected, warnings, candidates };
}

/** Lists the warnings about the audience of the whole upload. */
function bundleWarnings(
  bundleId: string,
  recipients: Recipients,
  candidates: readonly Candidate[],
  storedRed: number,
): ImportWarning[] {
  const warnings: ImportWarning[] = [];
  const hasRecipients =
    recipients.states.length + recipients.organisationIds.length + recipients.accountIds.length > 0;
  const ownOnly = candidates.filter((candidate) => candidate.isOwnOnly).length;
  if (hasRecipients && ownOnly > 0) {
    warnings.push({
      id: bundleId,
      reason:
        `${ownOnly} objects have no TLP marking and no tlp option was given, so they are ` +
        'TLP:AMBER for your own state, organisation or secretariat only. ' +
        'Give the tlp option to share them with the named recipients',
    });
  }
  if (storedRed > 0 && recipients.accountIds.length === 0) {
    warnings.push({
      id: bundleId,
      reason: `${storedRed} TLP:RED objects name no recipient accounts, so only you can read them`,
    });
  }

  return warnings;
}

/** Returns the id of a rejected object as given, or in lower case when it is an identifier. */
export function idOf(value: unknown): string | null {
  const id = (value as Record<string, unknown> | null)?.id;
  if (isIdentifier(id)) return canonicalIdentifier(id);

  return typeof id === 'string' ? id : null;
}

/**
 * Returns the stored JSON text of an object version the principal may read: the given version
 * (a `modified` timestamp), or else the latest readable one. Throws `not_found` otherwise.
 */
export async function readObject(
  deps: SharingDeps,
  principal: Principal | null,
  objectId: string,
  version?: string,
): Promise<string> {
  const definition = tlpDefinition(objectId);
  if (definition !== undefined && (version === undefined || version === definition.created)) {
    return JSON.stringify(definition);
  }
  const key = version === undefined ? null : versionKey(version);
  const row = await findReadableVersion(deps.db, principal, objectId, key);
  if (row === undefined) throw notFound((m) => m.problems.sharing.objectNotFound);

  return row.data;
}

/**
 * Lists the JSON text of the latest readable version of each object: highest severity first,
 * then the earliest requested response, then the newest.
 */
export async function listObjects(
  deps: SharingDeps,
  principal: Principal | null,
  filter: { type?: string | undefined; limit: number },
): Promise<string[]> {
  const rows = await exportObjects(deps.db, principal, filter);

  return rows.map((row) => row.data);
}
