import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { canonicalIdentifier, isIdentifier } from './stix-identifiers.ts';
import { checkTimestamp } from './stix-validation.ts';
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
        message: processMessages.validation.notTlpLevel(value),
      });
      return z.NEVER;
    }

    return level;
  }),
  states: listField.pipe(
    z.array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, processMessages.validation.eachStateCode)
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
        message: processMessages.problems.sharing.fields.notSeverity(value),
      });
      return z.NEVER;
    }

    return severity;
  }),
  kind: singleField.pipe(
    z
      .enum(incidentKinds, processMessages.problems.sharing.fields.kind(incidentKinds.join(', ')))
      .optional(),
  ),
  /** The sharing community to share into: only its members will read the objects. */
  community: singleField.pipe(z.uuid(processMessages.problems.sharing.fields.community).optional()),
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
  type: z.literal('bundle', { error: processMessages.problems.sharing.fields.bundleType }),
  objects: z.array(z.unknown(), { error: processMessages.validation.stixObjects }),
});

/** Path parameters naming one STIX object; the id is looked up in lower case. */
export const ObjectParamsSchema = z.object({
  id: z
    .string()
    .refine((id) => isIdentifier(id), {
      error: processMessages.problems.sharing.fields.bundleObjectId,
    })
    .transform(canonicalIdentifier),
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
    .regex(/^[a-z][a-z0-9-]{2,249}$/, processMessages.problems.sharing.fields.typeName)
    .optional(),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT.max).default(LIST_LIMIT.default),
});

/** Query of the file export: types (comma-separated or repeated) and `added_after`. */
export const ExportQuerySchema = z.object({
  type: listField.pipe(
    z.array(
      z.string().regex(/^[a-z][a-z0-9-]{2,249}$/, processMessages.validation.eachStixTypeName),
    ),
  ),
  added_after: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : checkTimestamp(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
});
