import vm from 'node:vm';

import type { Principal } from '../accounts/principal.ts';
import { DomainError, invalidField, resolvedText, type ErrorText } from '../shared/errors.ts';
import type { NewIndicator } from './indicators.schema.ts';
import { submitForModeration, type ModerationSummary } from './moderation.service.ts';
import type { ShareOptions } from './sharing.schema.ts';
import {
  importBundle,
  readObject,
  rejectedFields,
  type ImportWarning,
  type RejectedObject,
  type SharingDeps,
} from './sharing.service.ts';
import { parsePattern } from './stix-pattern.ts';
import { assertSafeExpressions } from './regex-safety.ts';
import {
  assertEvaluable,
  buildIndicator,
  ExpressionInputError,
  matchesObservation,
  UnsupportedPatternError,
} from './stix-pattern-build.ts';

/**
 * Time one pattern match may take before it is stopped, in milliseconds. It guards against what
 * the ReDoS check misses, because the match runs on the main thread and every request waits.
 */
const MATCH_TIMEOUT_MS = 50;

/** Outcome of creating an indicator that was stored at once. */
export interface StoredIndicator {
  status: 'stored';
  id: string;
  /** The stored version: the indicator's `modified` timestamp. */
  version: string;
  pattern: string;
  /** The indicator exactly as stored, with its TLP marking. */
  object: Record<string, unknown>;
  stored: number;
  rejected: RejectedObject[];
  warnings: ImportWarning[];
}

/** Outcome of creating an indicator that a partner submitted, held until a moderator decides. */
export interface HeldIndicator {
  status: 'held';
  id: string;
  pattern: string;
  object: Record<string, unknown>;
  moderation: ModerationSummary;
}

function sharingOptions(input: NewIndicator): ShareOptions {
  return {
    tlp: input.tlp,
    states: input.states,
    orgs: input.orgs,
    accounts: input.accounts,
    severity: input.severity,
    kind: input.kind,
    community: input.community,
    respond_by: undefined,
  };
}

/**
 * Builds a STIX 2.1 indicator from one observable and shares it as a one-object bundle, through
 * the same import as an upload: the same checks, TLP marking, audience grants and severity. A
 * partner's indicator is held for moderation instead, as a partner's TAXII upload is. Throws
 * `validation_failed` (or `tlp_conflict`) naming the reason when the indicator was not stored.
 */
export async function createIndicator(
  deps: SharingDeps,
  principal: Principal,
  input: NewIndicator,
): Promise<StoredIndicator | HeldIndicator> {
  const now = deps.clock.now().toISOString();
  const indicator = buildIndicator(input.observable, now, {
    name: input.name,
    description: input.description,
    validFrom: input.validFrom,
  });
  const id = String(indicator.id);
  const pattern = String(indicator.pattern);
  const bundle = { type: 'bundle', objects: [indicator] };
  const options = sharingOptions(input);

  if (principal.role === 'partner') {
    const moderation = await submitForModeration(deps, principal, bundle, options);
    return { status: 'held', id, pattern, object: indicator, moderation };
  }

  const result = await importBundle(deps, principal, bundle, options);
  const accepted = result.accepted.find((item) => item.id === id);
  if (accepted === undefined) throw notStored(result.rejected);
  const text = await readObject(deps, principal, id, accepted.version);
  deps.logger.info({ accountId: principal.accountId, objectId: id }, 'indicator created');

  return {
    status: 'stored',
    id,
    version: accepted.version,
    pattern,
    object: JSON.parse(text) as Record<string, unknown>,
    stored: result.stored,
    rejected: result.rejected,
    warnings: result.warnings,
  };
}

/** Builds the error for an indicator the import rejected, in the shape an upload's 422 has. */
function notStored(rejected: readonly RejectedObject[]): DomainError {
  const allTlp =
    rejected.length > 0 &&
    rejected.every((item) => item.reason.startsWith('conflicting TLP markings'));
  const reasons = rejected.map((item) => item.reason).join('; ');
  const text: ErrorText =
    reasons === ''
      ? (m) => m.problems.sharing.indicatorRejected
      : (m) => m.problems.sharing.indicatorNotStored(reasons);

  return new DomainError(
    allTlp ? 'tlp_conflict' : 'validation_failed',
    text,
    rejectedFields(rejected),
  );
}

/**
 * Returns whether one cyber-observable object satisfies a STIX pattern. The pattern must be one
 * observation, or several joined by OR, without qualifiers, because one object is not a sequence
 * of observations; anything else gives `validation_failed` on `pattern` instead of a result.
 * MATCHES and LIKE expressions that can backtrack catastrophically are rejected before the
 * match, and the match itself runs under a time limit as a second guard.
 */
export async function matchPattern(
  pattern: string,
  object: Record<string, unknown>,
): Promise<boolean> {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) {
    const { position, message } = parsed;
    throw invalidField('pattern', (m) => m.problems.sharing.invalidPattern(position, message));
  }
  try {
    assertEvaluable(parsed.pattern);
    await assertSafeExpressions(parsed.pattern);
    const evaluate = () => matchesObservation(parsed.pattern, object);

    return vm.runInNewContext('evaluate()', { evaluate }, { timeout: MATCH_TIMEOUT_MS }) === true;
  } catch (error) {
    if (error instanceof UnsupportedPatternError) {
      const reason = error.message;
      throw invalidField('pattern', (m) => m.problems.sharing.patternNotEvaluable(reason));
    }
    if (error instanceof ExpressionInputError) {
      // TODO: the expression evaluator writes this message in English, outside the catalogue.
      throw invalidField('object', resolvedText(error.message));
    }
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw invalidField('pattern', (m) => m.problems.sharing.matchTimedOut(MATCH_TIMEOUT_MS));
    }
    throw error;
  }
}
