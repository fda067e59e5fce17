import { z } from 'zod';

import { checkTimestamp, isIdentifier } from './stix-validation.ts';
import { incidentKinds, isSeverity } from './severity.ts';
import { parseTlp, type TlpLevel } from './tlp.ts';

/** Default and maximum page size of the object list. */
export const LIST_LIMIT = { default: 50, max: 500 } as const;

// A form may repeat a field; a query string or form may also give one comma-separated value.
const listField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (Array.isArray(value) ? value : [value ?? ''])
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

const singleField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (Array.isArray(value) ? value.at(-1) : value));

/** Sharing options of an upload, from the query string or the form fields. */
export const ShareOptionsSchema = z.object({
  tlp: singleField.transform((value, ctx): TlpLevel | null => {
    if (value === undefined || value.trim() === '') return null;
    const level = parseTlp(value);
    if (level === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a TLP level; use clear, green, amber, amber+strict or red`,
      });
      return z.NEVER;
    }

    return level;
  }),
  states: listField.pipe(
    z.array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, 'each state must be an ISO 3166-1 alpha-2 code such as FR')
        .transform((code) => code.toUpperCase()),
    ),
  ),
  orgs: listField,
  accounts: listField,
  severity: singleField.transform((value, ctx): number | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    const severity = Number(value);
    if (!isSeverity(severity)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a severity; use a whole number from 0 (Baseline) to 5 (Emergency)`,
      });
      return z.NEVER;
    }

    return severity;
  }),
  kind: singleField.pipe(
    z.enum(incidentKinds, `kind must be one of ${incidentKinds.join(', ')}`).optional(),
  ),
  /** The sharing community to share into: only its members will read the objects. */
  community: singleField.pipe(
    z.uuid('must be the id of a community you belong to (see GET /api/v1/communities)').optional(),
  ),
  respond_by: singleField.pipe(
    z
      .string()
      .superRefine((value, ctx) => {
        const problem = checkTimestamp(value);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  ),
});

/** Sharing options of an upload after parsing; severity, kind and response time may be absent. */
export type ShareOptions = Omit<z.output<typeof ShareOptionsSchema>, 'severity' | 'community'> & {
  severity?: number | undefined;
  community?: string | undefined;
};

/** The envelope of an upload: a STIX bundle, whose objects are checked one by one later. */
export const BundleEnvelopeSchema = z.looseObject({
  type: z.literal('bundle', { error: 'must be "bundle"' }),
  objects: z.array(z.unknown(), { error: 'must be an array of STIX objects' }),
});

/** Path parameters naming one STIX object. */
export const ObjectParamsSchema = z.object({
  id: z.string().refine((id) => isIdentifier(id), {
    error: 'must be a STIX identifier such as indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91',
  }),
});

/** Query of a single object read: an optional exact version (`modified`). */
export const ObjectQuerySchema = z.object({
  version: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : checkTimestamp(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

/** Query of the object list. */
export const ObjectListQuerySchema = z.object({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9-]{2,249}$/, 'must be a STIX type name such as indicator')
    .optional(),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT.max).default(LIST_LIMIT.default),
});

/** Query of the file export: types (comma-separated or repeated) and `added_after`. */
export const ExportQuerySchema = z.object({
  type: listField.pipe(
    z.array(z.string().regex(/^[a-z][a-z0-9-]{2,249}$/, 'each type must be a STIX type name')),
  ),
  added_after: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : checkTimestamp(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
});
