import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { findUnsafeText } from '../shared/text.ts';
import { singleLine } from '../shared/validation.ts';
import { incidentKinds, isSeverity } from './severity.ts';
import { hashAlgorithms, type HashAlgorithm } from './stix-pattern-build.ts';
import { checkTimestamp } from './stix-validation.ts';
import { parseTlp, type TlpLevel } from './tlp.ts';

/** Maximum length of an observable value or file name, in UTF-16 code units. */
const MAX_VALUE_LENGTH = 2048;

/** Maximum length of a STIX pattern sent to the matcher, in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 10_000;

/** Hex digits of each hash algorithm's digest. */
const HASH_HEX_LENGTH: Record<HashAlgorithm, number> = {
  MD5: 32,
  'SHA-1': 40,
  'SHA-256': 64,
  'SHA-512': 128,
};

// A DNS name: labels of letters, digits, hyphens and underscores (as in `_dmarc`), with no label
// starting or ending in a hyphen, and an optional final dot.
const DOMAIN_NAME =
  /^(?=.{1,253}\.?$)(?!-)[\p{L}\p{N}_-]{1,63}(?<!-)(?:\.(?!-)[\p{L}\p{N}_-]{1,63}(?<!-))*\.?$/u;

/**
 * An observable value kept exactly as given, because a pattern must match the original text:
 * not empty, one line, without control characters.
 */
const observableText = z
  .string()
  .min(1, processMessages.validation.notEmpty)
  .max(MAX_VALUE_LENGTH, processMessages.validation.atMost(MAX_VALUE_LENGTH, 'string'))
  .superRefine((text, ctx) => {
    const problem = findUnsafeText(text);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

function isAddress(value: string, address: z.ZodType, block: z.ZodType): boolean {
  return address.safeParse(value).success || block.safeParse(value).success;
}

const ipv4Value = observableText.refine((value) => isAddress(value, z.ipv4(), z.cidrv4()), {
  error: processMessages.problems.sharing.fields.ipv4,
  abort: true,
});

const ipv6Value = observableText.refine((value) => isAddress(value, z.ipv6(), z.cidrv6()), {
  error: processMessages.problems.sharing.fields.ipv6,
  abort: true,
});

const domainValue = observableText.refine((value) => DOMAIN_NAME.test(value), {
  error: processMessages.problems.sharing.fields.domainName,
  abort: true,
});

const urlValue = observableText.refine((value) => URL.canParse(value), {
  error: processMessages.problems.sharing.fields.url,
  abort: true,
});

const emailValue = observableText.refine((value) => z.email().safeParse(value).success, {
  error: processMessages.problems.sharing.fields.email,
  abort: true,
});

function hashDigest(algorithm: HashAlgorithm) {
  const length = HASH_HEX_LENGTH[algorithm];

  return z
    .string()
    .regex(
      new RegExp(`^[0-9A-Fa-f]{${length}}$`),
      processMessages.problems.sharing.fields.hexDigits(length),
    );
}

const fileHashes = z
  .strictObject({
    MD5: hashDigest('MD5').optional(),
    'SHA-1': hashDigest('SHA-1').optional(),
    'SHA-256': hashDigest('SHA-256').optional(),
    'SHA-512': hashDigest('SHA-512').optional(),
  })
  .refine((hashes) => Object.keys(hashes).length > 0, {
    error: processMessages.problems.sharing.fields.hashesMissing(hashAlgorithms.join(', ')),
  });

/** The observable an indicator is built from, shaped like its STIX cyber-observable. */
export const ObservableSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('ipv4-addr'), value: ipv4Value }),
    z.strictObject({ type: z.literal('ipv6-addr'), value: ipv6Value }),
    z.strictObject({ type: z.literal('domain-name'), value: domainValue }),
    z.strictObject({ type: z.literal('url'), value: urlValue }),
    z.strictObject({ type: z.literal('email-addr'), value: emailValue }),
    z
      .strictObject({
        type: z.literal('file'),
        name: observableText.optional(),
        hashes: fileHashes.optional(),
      })
      .refine((file) => file.name !== undefined || file.hashes !== undefined, {
        error: processMessages.problems.sharing.fields.fileMissing,
        path: ['name'],
      }),
  ],
  {
    error: processMessages.problems.sharing.fields.observableType,
  },
);

const tlpLevel = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: processMessages.validation.notTlpLevel(value),
  });

  return z.NEVER;
});

const timestamp = z.string().superRefine((value, ctx) => {
  const problem = checkTimestamp(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Body of `POST /api/v1/indicators`: the observable, the indicator's text and the audience. */
export const NewIndicatorSchema = z.strictObject({
  observable: ObservableSchema,
  name: singleLine(250).optional(),
  description: z
    .string()
    .trim()
    .min(1, processMessages.problems.sharing.fields.notEmptyOmit)
    .max(5000, processMessages.validation.atMost(5_000, 'string'))
    .superRefine((text, ctx) => {
      const problem = findUnsafeText(text, true);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  tlp: tlpLevel,
  severity: z
    .number()
    .refine(isSeverity, processMessages.problems.sharing.fields.severityWhole)
    .optional(),
  kind: z.enum(incidentKinds, processMessages.validation.oneOf(incidentKinds)).optional(),
  validFrom: timestamp.optional(),
  states: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, processMessages.validation.eachStateCode)
        .transform((code) => code.toUpperCase()),
    )
    .max(250, processMessages.problems.sharing.fields.statesAtMost)
    .default([]),
  orgs: z.array(z.string().min(1, processMessages.validation.notEmpty)).max(500).default([]),
  accounts: z.array(z.string().min(1, processMessages.validation.notEmpty)).max(1000).default([]),
  community: z.uuid(processMessages.problems.sharing.fields.communityId).optional(),
});

/** A parsed `POST /api/v1/indicators` body. */
export type NewIndicator = z.output<typeof NewIndicatorSchema>;

/** Body of `POST /api/v1/patterns/match`: a STIX pattern and one cyber-observable object. */
export const PatternMatchSchema = z.strictObject({
  pattern: z
    .string()
    .min(1, processMessages.validation.notEmpty)
    .max(MAX_PATTERN_LENGTH, processMessages.validation.atMost(MAX_PATTERN_LENGTH, 'string')),
  object: z.looseObject({
    type: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, processMessages.problems.sharing.fields.observableTypeName),
  }),
});
