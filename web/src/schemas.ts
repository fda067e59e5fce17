import { z } from 'zod';

// Schemas of the JSON API replies that the workspace reads. Replies are checked at this edge so
// a page never renders a value of the wrong type. Unknown extra fields are dropped.

/** TLP 2.0 levels in lower case, least strict first, as the API stores and accepts them. */
export const tlpLevels = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;

/** A TLP 2.0 level in lower case. */
export type TlpLevel = (typeof tlpLevels)[number];

/** PoC levels, in the order the directory lists them. */
export const pocLevels = ['diplomatic', 'policy', 'technical'] as const;

/** A PoC level. */
export type PocLevel = (typeof pocLevels)[number];

/** Account roles known to the workspace. */
export const roles = ['secretariat', 'state-editor', 'poc', 'partner'] as const;

/** An account role. */
export type Role = (typeof roles)[number];

/** `application/problem+json` error body of the API. */
export const Problem = z.object({
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** `application/problem+json` error body of the API. */
export type Problem = z.infer<typeof Problem>;

/** Reply of `GET /api/v1/me`: the signed-in account and its session's CSRF token. */
export const Me = z.object({
  accountId: z.string(),
  email: z.string(),
  role: z.enum(roles),
  stateCode: z.string().nullable(),
  organisationId: z.string().nullable(),
  csrfToken: z.string().nullable(),
});

/** The signed-in account. */
export type Me = z.infer<typeof Me>;

/** Contact roles: the state's main contact at a level, or a stand-in for it. */
export const contactRoles = ['primary', 'alternate'] as const;

/** Weekday keys of working hours, Monday first, as the API stores them. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A weekday key such as `mon`. */
export type Weekday = (typeof weekdays)[number];

/** Working hours in the PoC's time zone: `"24/7"`, or ranges such as `09:00-17:00` per weekday. */
export const Hours = z.union([
  z.literal('24/7'),
  z.partialRecord(z.enum(weekdays), z.array(z.string())),
]);

/** Working hours of a PoC. */
export type Hours = z.infer<typeof Hours>;

/** One point of contact of the caller's state. */
export const Poc = z.object({
  id: z.string(),
  stateCode: z.string(),
  level: z.enum(pocLevels),
  role: z.enum(contactRoles).default('primary'),
  name: z.string(),
  designation: z.string(),
  organisation: z.string(),
  email: z.string(),
  phone: z.string().nullish(),
  emergencyPhone: z.string().nullish(),
  languages: z.array(z.string()).default([]),
  timeZone: z.string().nullish(),
  hours: Hours.nullish(),
  pgpKey: z.string().nullish(),
  pgpFingerprint: z.string().nullish(),
  pgpExpiresAt: z.string().nullish(),
  // Only in the reply of a save: problems that did not stop it, such as a key expiring soon.
  warnings: z
    .array(z.object({ field: z.string(), code: z.string(), message: z.string() }))
    .optional(),
  lastConfirmedAt: z.string().nullish(),
  stale: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  // The entry's ETag, sent back as If-Match so that a change made by someone else in the
  // meantime is not overwritten.
  etag: z.string(),
});

/** One point of contact of the caller's state. */
export type Poc = z.infer<typeof Poc>;

/** Reply of `GET /api/v1/pocs`. */
export const PocList = z.object({ pocs: z.array(Poc) });

/** Severity 0 (Baseline) to 5 (Emergency). */
export const Severity = z.number().int().min(0).max(5);

/** One alert in the caller's inbox. */
export const Alert = z.object({
  id: z.string(),
  title: z.string(),
  severity: Severity,
  tlp: z.string(),
  body: z.string(),
  createdAt: z.string(),
  senderState: z.string().nullish(),
  isSender: z.boolean(),
  acknowledgedAt: z.string().nullish(),
});

/** One alert in the caller's inbox. */
export type Alert = z.infer<typeof Alert>;

/** Reply of `GET /api/v1/alerts`, sorted by the server (severity first, then newest). */
export const AlertList = z.object({ alerts: z.array(Alert), next: z.string().nullable() });

/** Reply of `POST /api/v1/alerts`. */
export const SentAlert = z.object({ id: z.string(), recipients: z.number().int() });

/** One recipient of a sent alert, with its delivery and acknowledgement. */
export const DeliveryRecipient = z.object({
  email: z.string(),
  state: z.string().nullish(),
  level: z.string().nullish(),
  status: z.string(),
  attempts: z.number().int(),
  sentAt: z.string().nullish(),
  failureReason: z.string().nullish(),
  openedAt: z.string().nullish(),
  acknowledgedAt: z.string().nullish(),
  acknowledgedVia: z.string().nullish(),
  deliveredAt: z.string().nullish(),
  remindedAt: z.string().nullish(),
  escalatedAt: z.string().nullish(),
  escalatedFrom: z.string().nullish(),
  channels: z
    .array(
      z.object({ channel: z.string(), status: z.string(), failureReason: z.string().nullish() }),
    )
    .default([]),
});

/** One recipient of a sent alert. */
export type DeliveryRecipient = z.infer<typeof DeliveryRecipient>;

/** Reply of `GET /api/v1/alerts/{id}/deliveries`. */
export const Deliveries = z.object({
  alertId: z.string(),
  counts: z.object({
    recipients: z.number().int(),
    queued: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    acknowledged: z.number().int(),
    delivered: z.number().int().default(0),
    liveDelivered: z.number().int().default(0),
    opened: z.number().int().default(0),
    reminded: z.number().int().default(0),
    escalated: z.number().int().default(0),
    webhooks: z.number().int().default(0),
    webhooksDelivered: z.number().int().default(0),
  }),
  exercise: z.boolean().default(false),
  recipients: z.array(DeliveryRecipient),
  webhooks: z
    .array(
      z.object({
        url: z.string(),
        owner: z.string(),
        status: z.string(),
        attempts: z.number().int(),
        failureReason: z.string().nullish(),
      }),
    )
    .default([]),
});

/** Delivery report of one sent alert. */
export type Deliveries = z.infer<typeof Deliveries>;

/** Reply of `POST /api/v1/bundles`. */
export const BundleResult = z.object({
  // The count of stored objects, or their ids.
  stored: z.union([z.number().int(), z.array(z.string())]),
  rejected: z.array(z.object({ id: z.string().nullish(), reason: z.string() })),
  warnings: z.array(z.unknown()).optional(),
});

/** Reply of `POST /api/v1/bundles`. */
export type BundleResult = z.infer<typeof BundleResult>;

/** Data of the live `alert` event. */
export const AlertEvent = z.object({
  id: z.string(),
  title: z.string(),
  severity: Severity,
  tlp: z.string(),
  createdAt: z.string(),
  senderState: z.string().nullish(),
});

/** Data of the live `acknowledgement` event. */
export const AcknowledgementEvent = z.object({
  alertId: z.string(),
  email: z.string(),
  acknowledgedAt: z.string(),
  via: z.string(),
});

/** Live events by name, with the schema of their data. */
export const liveEventSchemas = {
  alert: AlertEvent,
  acknowledgement: AcknowledgementEvent,
  delivery: z.object({ alertId: z.string(), status: z.string() }),
  request: z.object({ id: z.string(), reference: z.string(), change: z.string() }),
  resync: z.unknown(),
} as const;

/** Name of a live event. */
export type LiveEventName = keyof typeof liveEventSchemas;

/** Data of each live event. */
export type LiveEventData = { [K in LiveEventName]: z.infer<(typeof liveEventSchemas)[K]> };
