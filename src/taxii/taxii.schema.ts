import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import type { VersionFilter, VersionMatch } from '../sharing/versions.queries.ts';
import { toMillisecondText } from '../sharing/stix-timestamps.ts';
import { canonicalIdentifier, isIdentifier } from '../sharing/stix-identifiers.ts';
import { checkTimestamp, versionKey } from '../sharing/stix-validation.ts';

// TAXII 2.1: several values of one match field are comma-separated and ORed.
const listParameter = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (Array.isArray(value) ? value : [value ?? ''])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

const timestamp = z.string().superRefine((value, ctx) => {
  const problem = checkTimestamp(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Query parameters of the TAXII list endpoints; unknown match fields are ignored. `match[id]`
 * values are matched in lower case, the form in which ids are stored.
 */
export const TaxiiQuerySchema = z.object({
  added_after: timestamp.optional(),
  'match[id]': listParameter.pipe(
    z.array(
      z
        .string()
        .refine((id) => isIdentifier(id), {
          error: processMessages.problems.taxii.fields.eachId,
        })
        .transform(canonicalIdentifier),
    ),
  ),
  'match[type]': listParameter.pipe(
    z.array(
      z.string().regex(/^[a-z][a-z0-9-]{2,249}$/, processMessages.validation.eachStixTypeName),
    ),
  ),
  'match[version]': listParameter.pipe(
    z.array(
      z.string().refine((value) => isVersionWord(value) || checkTimestamp(value) === null, {
        error: processMessages.problems.taxii.fields.eachVersion,
      }),
    ),
  ),
  'match[spec_version]': listParameter.pipe(
    z.array(z.string().regex(/^\d+\.\d+$/, processMessages.problems.taxii.fields.eachSpecVersion)),
  ),
  limit: z.coerce.number().int().min(1, processMessages.problems.taxii.fields.limit).optional(),
  next: z.string().min(1).max(8192).optional(),
});

/** Parsed query parameters of a TAXII list endpoint. */
export type TaxiiQuery = z.output<typeof TaxiiQuerySchema>;

function isVersionWord(value: string): value is 'first' | 'last' | 'all' {
  return value === 'first' || value === 'last' || value === 'all';
}

/** Returns true when the request gives any filter, so a cursor's filters can be compared. */
export function hasFilters(query: TaxiiQuery): boolean {
  return (
    query.added_after !== undefined ||
    query['match[id]'].length > 0 ||
    query['match[type]'].length > 0 ||
    query['match[version]'].length > 0 ||
    query['match[spec_version]'].length > 0
  );
}

/**
 * Builds the version filter of a request to a collection, which may hold one TLP level or one
 * community's versions only. As TAXII 2.1 defines, `match[version]` defaults to `last`. The
 * `fixed` fields narrow the filter for the single-object endpoints.
 */
export function toVersionFilter(
  query: TaxiiQuery,
  scope: { tlp: string | null; communityId: string | null },
  fixed: Partial<VersionFilter> = {},
): VersionFilter {
  const versions: VersionMatch[] = query['match[version]'].map((value) =>
    isVersionWord(value) ? { kind: value } : { key: versionKey(value) },
  );

  return {
    ids: query['match[id]'],
    types: query['match[type]'],
    specVersions: query['match[spec_version]'],
    versions: versions.length > 0 ? versions : [{ kind: 'last' }],
    addedAfter: query.added_after === undefined ? null : toMillisecondText(query.added_after),
    tlp: scope.tlp,
    community: scope.communityId,
    ...fixed,
  };
}

/** Body of a TAXII POST: an envelope whose objects are checked one by one later. */
export const EnvelopeSchema = z.looseObject({
  objects: z.array(z.unknown(), { error: processMessages.validation.stixObjects }),
});
