import { z } from 'zod';

import { isSafeMultiLine, isSingleLine, MULTI_LINE, SINGLE_LINE } from '../shared/text.ts';

import { PageQuery } from '../shared/keyset.ts';
import { parseTlp, type TlpLevel } from '../sharing/tlp.ts';

/** Message types of the communication template between states. */
export const requestTypes = [
  'request-for-information',
  'request-for-assistance',
  'notification',
  'response',
  'acknowledgement',
] as const;

/** A message type. */
export type RequestType = (typeof requestTypes)[number];

/** PoC levels a message can be addressed to. */
export const pocLevels = ['diplomatic', 'policy', 'technical'] as const;

// C0 and C1 control characters, line breaks and tabs included.

const Tlp = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: 'must be a TLP 2.0 level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED',
  });

  return z.NEVER;
});

const Severity = z
  .number({ error: 'must be an integer from 0 (Baseline) to 5 (Emergency)' })
  .int('must be an integer from 0 (Baseline) to 5 (Emergency)')
  .min(0, 'must be an integer from 0 (Baseline) to 5 (Emergency)')
  .max(5, 'must be an integer from 0 (Baseline) to 5 (Emergency)');

const ResponseMinutes = z
  .number({ error: 'must be a whole number of minutes from 1 to 43200 (30 days)' })
  .int('must be a whole number of minutes from 1 to 43200 (30 days)')
  .min(1, 'must be a whole number of minutes from 1 to 43200 (30 days)')
  .max(43_200, 'must be a whole number of minutes from 1 to 43200 (30 days)');

const Subject = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must have at most 200 characters')
  .refine(isSingleLine, SINGLE_LINE);

/** Request body of `POST /api/v1/requests`: a first message to another state's PoCs. */
export const NewRequestSchema = z.object({
  type: z.enum(requestTypes, `must be one of ${requestTypes.join(', ')}`),
  toState: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .transform((code) => code.toUpperCase()),
  toLevels: z
    .array(z.enum(pocLevels, 'must be diplomatic, policy or technical'))
    .min(1, 'name at least one level: diplomatic, policy or technical')
    .max(3),
  subject: Subject,
  sector: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must have at most 200 characters')
    .refine(isSingleLine, SINGLE_LINE),
  description: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(20_000)
    .refine(isSafeMultiLine, MULTI_LINE),
  requestedAction: z.string().trim().max(5_000).refine(isSafeMultiLine, MULTI_LINE).default(''),
  severity: Severity,
  responseMinutes: ResponseMinutes.optional(),
  tlp: Tlp,
  exercise: z.boolean().default(false),
});

/** A validated first message. */
export type NewRequest = z.output<typeof NewRequestSchema>;

/** Request body of `POST /api/v1/requests/{reference}/replies`; omitted fields come from the parent. */
export const ReplySchema = z.object({
  type: z.enum(requestTypes, `must be one of ${requestTypes.join(', ')}`).default('response'),
  description: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(20_000)
    .refine(isSafeMultiLine, MULTI_LINE),
  requestedAction: z.string().trim().max(5_000).refine(isSafeMultiLine, MULTI_LINE).default(''),
  severity: Severity.optional(),
  responseMinutes: ResponseMinutes.optional(),
  tlp: Tlp.optional(),
});

/** A validated reply. */
export type NewReply = z.output<typeof ReplySchema>;

/** Query of `GET /api/v1/requests`. */
export const RequestListQuery = PageQuery.extend({
  box: z.enum(['inbox', 'outbox'], 'must be inbox or outbox').default('inbox'),
});

/** Path parameters naming a message by its reference. */
export const RequestParams = z.object({
  reference: z.string().regex(/^PRL-\d{4}-\d{6,}$/, 'must be a reference such as PRL-2026-000123'),
});

/** One message as the API returns it to its sender or a recipient. */
export interface RequestView {
  id: string;
  reference: string;
  threadReference: string;
  parentReference: string | null;
  type: string;
  subject: string;
  sector: string;
  description: string;
  requestedAction: string;
  severity: number;
  tlp: string;
  exercise: boolean;
  /** `state` is null for a sender that speaks for no state: exercise control or a partner. */
  sender: { name: string; organisation: string; email: string; state: string | null };
  toState: string;
  toLevels: string[];
  createdAt: string;
  responseDueAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  answeredAt: string | null;
  /** Seconds from sending to the first acknowledgement, null until acknowledged. */
  timeToAcknowledgeSeconds: number | null;
  /** Seconds from sending to the first response, null until answered. */
  timeToAnswerSeconds: number | null;
  /** True when the response time has passed without a response. */
  isOverdue: boolean;
  isSender: boolean;
  recipients: {
    email: string;
    state: string | null;
    level: string | null;
    mailStatus: string;
    /** Reason of a failed mail, or of a delivered one sent unencrypted or without its content. */
    mailNote: string | null;
  }[];
}
