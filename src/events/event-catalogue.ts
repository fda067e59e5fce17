import { z } from 'zod';

import { tlpLevels } from '../sharing/tlp.ts';

/** Payload of `alert`: a new alert, without its body (clients fetch it when allowed). */
export const AlertEvent = z.object({
  id: z.string(),
  title: z.string(),
  severity: z.number().int().min(0).max(5),
  tlp: z.enum(tlpLevels),
  createdAt: z.string(),
  senderState: z.string().nullable(),
  /** True for a drill; clients show EXERCISE beside the title. */
  exercise: z.boolean().default(false),
  /**
   * Recipient whose missing acknowledgement added alternate PoCs to an existing alert; such an
   * event goes to those alternates only. Null for a new alert.
   */
  escalatedFrom: z.string().nullable().default(null),
});

/** Payload of `alert`. */
export type AlertEvent = z.infer<typeof AlertEvent>;

/** Payload of `acknowledgement`: a recipient acknowledged an alert; sent to the alert's sender. */
export const AcknowledgementEvent = z.object({
  alertId: z.string(),
  email: z.string(),
  acknowledgedAt: z.string(),
  via: z.enum(['web', 'link', 'api']),
});

/** Payload of `acknowledgement`. */
export type AcknowledgementEvent = z.infer<typeof AcknowledgementEvent>;

/** Payload of `delivery`: one channel of one recipient changed status; sent to the sender. */
export const DeliveryEvent = z.object({
  alertId: z.string(),
  /** Recipient e-mail, or the endpoint URL for a webhook. */
  recipient: z.string(),
  channel: z.string(),
  status: z.enum(['queued', 'sent', 'delivered', 'failed', 'reminded', 'escalated']),
  at: z.string(),
  reason: z.string().nullable().default(null),
});

/** Payload of `delivery`. */
export type DeliveryEvent = z.infer<typeof DeliveryEvent>;

/** Payload of `request`: a new message between states, or a change to one. */
export const RequestEvent = z.object({
  id: z.string(),
  reference: z.string(),
  threadId: z.string(),
  type: z.string(),
  subject: z.string(),
  severity: z.number().int().min(0).max(5),
  change: z.enum(['created', 'acknowledged']),
  exercise: z.boolean().default(false),
});

/** Payload of `request`. */
export type RequestEvent = z.infer<typeof RequestEvent>;

/** Kinds of entry on an exercise's live timeline. */
export const exerciseEntryKinds = [
  'inject-released',
  'delivered',
  'delivery-failed',
  'acknowledged',
  'answered',
  'request-acknowledged',
  'request-answered',
] as const;

/**
 * Payload of `exercise`: one new entry of an exercise's timeline, sent to the exercise's
 * controller only. `acknowledged` and the deliveries concern an exercise alert, `answered` an
 * exercise check, and the `request-` kinds an exercise request.
 */
export const ExerciseEvent = z.object({
  exerciseId: z.string(),
  kind: z.enum(exerciseEntryKinds),
  /** Participant concerned; null for an inject release. A partner has no state or level. */
  who: z
    .object({
      state: z.string().nullable(),
      level: z.string().nullable(),
      organisationId: z.string().nullable(),
      email: z.string().nullable(),
    })
    .nullable(),
  /** Title of the inject, alert or check, or the reference and subject of the request. */
  subject: z.string(),
  at: z.string(),
});

/** Payload of `exercise`. */
export type ExerciseEvent = z.infer<typeof ExerciseEvent>;

/**
 * Payload of `access`: an account's credentials changed (suspended, deleted, a token revoked,
 * signed out, password reset). It is never sent to a client: each instance checks the
 * credentials of that account's open streams again and closes those that no longer authenticate.
 */
export const AccessEvent = z.object({ accountId: z.string() });

/** Payload of `access`. */
export type AccessEvent = z.infer<typeof AccessEvent>;

/** Every live event name with the schema of its payload. */
export const eventCatalogue = {
  alert: AlertEvent,
  acknowledgement: AcknowledgementEvent,
  delivery: DeliveryEvent,
  request: RequestEvent,
  exercise: ExerciseEvent,
  access: AccessEvent,
} as const;

/** A live event name. */
export type EventName = keyof typeof eventCatalogue;

/** The payload type of one event name. */
export type EventPayload<N extends EventName> = z.infer<(typeof eventCatalogue)[N]>;

/** The payload of one event name as a publisher passes it, before defaults apply. */
export type EventInput<N extends EventName> = z.input<(typeof eventCatalogue)[N]>;

/** A stored live event: its row id (the SSE `id:`), name and typed payload. */
export type LiveEvent = {
  [N in EventName]: { id: number; name: N; payload: EventPayload<N>; createdAt: string };
}[EventName];

/** Returns true when `name` is in the catalogue. */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(eventCatalogue, name);
}

/** Checks a stored row against the catalogue; throws a zod error for an unknown shape. */
export function parseLiveEvent(row: {
  id: number;
  kind: string;
  payload: string;
  created_at: string;
}): LiveEvent {
  if (!isEventName(row.kind)) throw new Error(`Unknown live event kind ${row.kind}`);
  const data: unknown = JSON.parse(row.payload);
  const base = { id: row.id, createdAt: row.created_at };

  switch (row.kind) {
    case 'alert':
      return { ...base, name: 'alert', payload: AlertEvent.parse(data) };
    case 'acknowledgement':
      return { ...base, name: 'acknowledgement', payload: AcknowledgementEvent.parse(data) };
    case 'delivery':
      return { ...base, name: 'delivery', payload: DeliveryEvent.parse(data) };
    case 'request':
      return { ...base, name: 'request', payload: RequestEvent.parse(data) };
    case 'exercise':
      return { ...base, name: 'exercise', payload: ExerciseEvent.parse(data) };
    case 'access':
      return { ...base, name: 'access', payload: AccessEvent.parse(data) };
  }
}
