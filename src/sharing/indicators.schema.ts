import { z } from 'zod';

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
  .min(1, 'must not be empty')
  .max(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`)
  .superRefine((text, ctx) => {
    const problem = findUnsafeText(text);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

function isAddress(value: string, address: z.ZodType, block: z.ZodType): boolean {
  return address.safeParse(value).success || block.safeParse(value).success;
}

const ipv4Value = observableText.refine((value) => isAddress(value, z.ipv4(), z.cidrv4()), {
  error: 'must be an IPv4 address such as 203.0.113.9 or a CIDR block such as 198.51.100.0/24',
  abort: true,
});

const ipv6Value = observableText.refine((value) => isAddress(value, z.ipv6(), z.cidrv6()), {
  error: 'must be an IPv6 address such as 2001:db8::1 or a CIDR block such as 2001:db8::/32',
  abort: true,
});

const domainValue = observableText.refine((value) => DOMAIN_NAME.test(value), {
  error: 'must be a domain name such as example.org',
  abort: true,
});

const urlValue = observableText.refine((value) => URL.canParse(value), {
  error: 'must be an absolute URL with a scheme, such as https://example.org/path',
  abort: true,
});

const emailValue = observableText.refine((value) => z.email().safeParse(value).success, {
  error: 'must be an e-mail address such as ops@example.org',
  abort: true,
});

function hashDigest(algorithm: HashAlgorithm) {
  const length = HASH_HEX_LENGTH[algorithm];

  return z
    .string()
    .regex(new RegExp(`^[0-9A-Fa-f]{${length}}$`), `must be ${length} hexadecimal digits`);
}

const fileHashes = z
  .strictObject({
    MD5: hashDigest('MD5').optional(),
    'SHA-1': hashDigest('SHA-1').optional(),
    'SHA-256': hashDigest('SHA-256').optional(),
    'SHA-512': hashDigest('SHA-512').optional(),
  })
  .refine((hashes) => Object.keys(hashes).length > 0, {
    error: `must name at least one hash: ${hashAlgorithms.join(', ')}`,
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
        error: 'a file observable needs name, hashes or both',
        path: ['name'],
      }),
  ],
  {
    error:
      'type must be one of ipv4-addr, ipv6-addr, domain-name, url, email-addr or file; ' +
      'a file takes name and hashes, the others take value',
  },
);

const tlpLevel = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" is not a TLP level; use clear, green, amber, amber+strict or red`,
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
    .min(1, 'must not be empty; leave it out instead')
    .max(5000, 'must be at most 5000 characters')
    .superRefine((text, ctx) => {
      const problem = findUnsafeText(text, true);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  tlp: tlpLevel,
  severity: z
    .number()
    .refine(isSeverity, 'must be a whole number from 0 (Baseline) to 5 (Emergency)')
    .optional(),
  kind: z.enum(incidentKinds, `must be one of ${incidentKinds.join(', ')}`).optional(),
  validFrom: timestamp.optional(),
  states: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, 'each state must be an ISO 3166-1 alpha-2 code such as FR')
        .transform((code) => code.toUpperCase()),
    )
    .max(250, 'must name at most 250 states')
    .default([]),
  orgs: z.array(z.string().min(1, 'must not be empty')).max(500).default([]),
  accounts: z.array(z.string().min(1, 'must not be empty')).max(1000).default([]),
  community: z
    .uuid('must be the id of a community you belong to (see GET /api/v1/communities)')
    .optional(),
});

/** A parsed `POST /api/v1/indicators` body. */
export type NewIndicator = z.output<typeof NewIndicatorSchema>;

/** Body of `POST /api/v1/patterns/match`: a STIX pattern and one cyber-observable object. */
export const PatternMatchSchema = z.strictObject({
  pattern: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_PATTERN_LENGTH, `must be at most ${MAX_PATTERN_LENGTH} characters`),
  object: z.looseObject({
    type: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a STIX cyber-observable type such as file'),
  }),
});
