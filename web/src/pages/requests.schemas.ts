import { z } from 'zod';

/** One message between states, as `GET /api/v1/requests` and the thread return it. */
export const RequestMessage = z.object({
  id: z.string(),
  reference: z.string(),
  threadReference: z.string(),
  parentReference: z.string().nullish(),
  type: z.string(),
  subject: z.string(),
  sector: z.string(),
  description: z.string(),
  requestedAction: z.string(),
  severity: z.number().int(),
  tlp: z.string(),
  exercise: z.boolean(),
  sender: z.object({
    name: z.string(),
    organisation: z.string(),
    email: z.string(),
    state: z.string().nullable(),
  }),
  toState: z.string(),
  createdAt: z.string(),
  responseDueAt: z.string().nullish(),
  acknowledgedAt: z.string().nullish(),
  acknowledgedBy: z.string().nullish(),
  answeredAt: z.string().nullish(),
  timeToAcknowledgeSeconds: z.number().nullish(),
  timeToAnswerSeconds: z.number().nullish(),
  isOverdue: z.boolean(),
  isSender: z.boolean(),
});

/** One message between states. */
export type RequestMessage = z.infer<typeof RequestMessage>;

/** Reply of `GET /api/v1/requests?box=…`. */
export const RequestList = z.object({
  requests: z.array(RequestMessage),
  next: z.string().nullable(),
});

/** Reply of `GET /api/v1/requests/{reference}`: the thread, oldest first. */
export const RequestThread = z.object({ messages: z.array(RequestMessage) });

/** Reply of `POST /api/v1/requests` and of a reply. */
export const SentRequest = z.object({ reference: z.string() });

/** Message types, in the order the compose form offers them. */
export const requestTypes = [
  'request-for-assistance',
  'request-for-information',
  'notification',
  'response',
  'acknowledgement',
] as const;

/** PoC levels a request can address. */
export const requestLevels = ['technical', 'policy', 'diplomatic'] as const;
