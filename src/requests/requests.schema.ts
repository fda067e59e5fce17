import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { isSafeMultiLine, MULTI_LINE } from '../shared/text.ts';
import { singleLineText } from '../shared/validation.ts';

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

const Tlp = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: processMessages.validation.tlp2Level,
  });

  return z.NEVER;
});

const Severity = z
  .number({ error: processMessages.validation.severity })
  .int(processMessages.validation.severity)
  .min(0, processMessages.validation.severity)
  .max(5, processMessages.validation.severity);

const ResponseMinutes = z
  .number({ error: processMessages.problems.requests.fields.responseMinutes })
  .int(processMessages.problems.requests.fields.responseMinutes)
  .min(1, processMessages.problems.requests.fields.responseMinutes)
  .max(43_200, processMessages.problems.requests.fields.responseMinutes);

/** Request body of `POST /api/v1/requests`: a first message to another state's PoCs. */
export const NewRequestSchema = z.object({
  type: z.enum(requestTypes, processMessages.validation.oneOf(requestTypes)),
  toState: z
    .string()
    .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
    .transform((code) => code.toUpperCase()),
  toLevels: z
    .array(z.enum(pocLevels, processMessages.problems.requests.fields.level))
    .min(1, processMessages.problems.requests.fields.levelsMissing)
    .max(3),
  subject: singleLineText(200),
  sector: singleLineText(200),
  description: z
    .string()
    .trim()
    .min(1, processMessages.validation.notEmpty)
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
  type: z.enum(requestTypes, processMessages.validation.oneOf(requestTypes)).default('response'),
  description: z
    .string()
    .trim()
    .min(1, processMessages.validation.notEmpty)
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
  box: z.enum(['inbox', 'outbox'], processMessages.problems.requests.fields.box).default('inbox'),
});

/** Path parameters naming a message by its reference. */
export const RequestParams = z.object({
  reference: z
    .string()
    .regex(/^PRL-\d{4}-\d{6,}$/, processMessages.problems.requests.fields.reference),
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
