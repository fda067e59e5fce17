import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { isSafeMultiLine, isSingleLine, MULTI_LINE, SINGLE_LINE } from '../shared/text.ts';
import { singleLineText } from '../shared/validation.ts';

import { PageQuery } from '../shared/keyset.ts';
import { canonicalIdentifier } from '../sharing/stix-identifiers.ts';
import { parseTlp, type TlpLevel } from '../sharing/tlp.ts';

/** Severity names by level, from 0 (Baseline) to 5 (Emergency). */
export const severityNames = ['Baseline', 'Low', 'Medium', 'High', 'Severe', 'Emergency'] as const;

/** Formats a severity for people, for example `3 High`. */
export function severityLabel(severity: number): string {
  return `${severity} ${severityNames[severity] ?? 'Unknown'}`;
}

// STIX 2.1 identifier: `<type>--<UUID>`, the type in lower case with digits and hyphens. The UUID
// may come in either case and is kept in lower case, the form in which objects are stored.
const STIX_ID =
  /^[a-z][a-z0-9-]*[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const Tlp = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: processMessages.validation.tlp2Level,
  });

  return z.NEVER;
});

/** Request body of `POST /api/v1/alerts`. */
export const NewAlertSchema = z.object({
  title: singleLineText(200),
  severity: z
    .number({ error: processMessages.validation.severity })
    .int(processMessages.validation.severity)
    .min(0, processMessages.validation.severity)
    .max(5, processMessages.validation.severity),
  tlp: Tlp,
  body: z
    .string()
    .max(20_000, processMessages.validation.atMost(20_000, 'string'))
    .refine(isSafeMultiLine, MULTI_LINE),
  objectIds: z
    .array(
      z
        .string()
        .regex(STIX_ID, processMessages.problems.alerts.fields.objectId)
        .transform(canonicalIdentifier),
    )
    .max(100, processMessages.problems.alerts.fields.objectsAtMost)
    .default([]),
  states: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
        .transform((code) => code.toUpperCase()),
    )
    .max(250)
    .default([]),
  accounts: z
    .array(z.string().max(254).refine(isSingleLine, SINGLE_LINE))
    .max(1000, processMessages.problems.alerts.fields.accountsAtMost)
    .default([]),
  levels: z
    .array(
      z.enum(['diplomatic', 'policy', 'technical'], processMessages.problems.alerts.fields.level),
    )
    .max(3)
    .default([]),
  /** Sends a CLEAR or GREEN alert to every partner organisation cleared for it. */
  partners: z.boolean().default(false),
  organisations: z
    .array(z.string().min(1).max(100).refine(isSingleLine, SINGLE_LINE))
    .max(500, processMessages.problems.alerts.fields.organisationsAtMost)
    .default([]),
  exercise: z.boolean().default(false),
  /** Minutes to acknowledge; 0 means no deadline, absent means the default of the severity. */
  responseMinutes: z
    .number({ error: processMessages.problems.alerts.fields.responseMinutes })
    .int(processMessages.problems.alerts.fields.responseMinutes)
    .min(0, processMessages.problems.alerts.fields.responseMinutes)
    .max(43_200, processMessages.problems.alerts.fields.responseMinutes)
    .optional(),
});

/** A validated new alert. */
export type NewAlert = z.output<typeof NewAlertSchema>;

/** Orders of `GET /api/v1/alerts`: a leading `-` means descending. */
export const alertSorts = ['severity', '-severity', 'created', '-created'] as const;

/** Query of `GET /api/v1/alerts`; the default is highest severity first, then newest. */
export const AlertListQuery = PageQuery.extend({
  sort: z.enum(alertSorts, processMessages.validation.oneOf(alertSorts)).default('-severity'),
});

/** An order of the alert list. */
export type AlertSort = (typeof alertSorts)[number];

/** Request body of `POST /api/v1/alerts/{id}/acknowledge`; the web workspace sends `web`. */
export const AcknowledgeSchema = z
  .object({ via: z.enum(['web', 'api']).default('api') })
  .default({ via: 'api' });

/** Delivery channel of an alert's live event in a signed-in workspace. */
export const LIVE_CHANNEL = 'live';

/**
 * Request body of `POST /api/v1/alerts/{id}/receipts`, by which the workspace confirms that its
 * open stream received the alert's live event with this SSE id.
 */
export const LiveReceiptSchema = z.strictObject({
  channel: z.literal(LIVE_CHANNEL),
  eventId: z
    .number({ error: processMessages.problems.alerts.fields.eventId })
    .int(processMessages.problems.alerts.fields.eventId)
    .min(1, processMessages.problems.alerts.fields.eventId)
    .max(Number.MAX_SAFE_INTEGER, processMessages.problems.alerts.fields.eventId),
});

/** A validated live receipt. */
export type LiveReceipt = z.output<typeof LiveReceiptSchema>;

/** Channel through which a recipient acknowledged an alert. */
export type AcknowledgedVia = 'web' | 'link' | 'api';

/** One alert as the API returns it to a recipient or its sender. */
export interface AlertView {
  id: string;
  title: string;
  severity: number;
  tlp: string;
  body: string;
  createdAt: string;
  senderState: string | null;
  objectIds: string[];
  isSender: boolean;
  acknowledgedAt: string | null;
  exercise: boolean;
  responseDueAt: string | null;
}

/** One channel of one recipient in a delivery report. */
export interface ChannelDelivery {
  /** `email`, `email-pgp`, `email-reminder` or `live`. */
  channel: string;
  status: string;
  attempts: number;
  queuedAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  failureReason: string | null;
  /**
   * True when the mail was a notice without the alert's content, because the recipient's
   * OpenPGP key could not be used; `failureReason` says why.
   */
  contentWithheld: boolean;
}

/** Delivery report of one alert, for its sender and the secretariat. */
export interface DeliveryReport {
  alertId: string;
  exercise: boolean;
  responseDueAt: string | null;
  counts: {
    recipients: number;
    /** Recipients by the status of their first mail, from `queued` to `failed`. */
    queued: number;
    sent: number;
    delivered: number;
    failed: number;
    /** Recipients whose open workspace confirmed the alert's live event. */
    liveDelivered: number;
    opened: number;
    acknowledged: number;
    reminded: number;
    escalated: number;
    /** Recipients who got at least one notice without the alert's content. */
    contentWithheld: number;
    webhooks: number;
    webhooksDelivered: number;
  };
  recipients: {
    email: string;
    state: string | null;
    level: string | null;
    organisationId: string | null;
    contactRole: string | null;
    /**
     * Furthest step reached: `acknowledged`, `opened`, `delivered` by the first mail or the live
     * stream, else the status of the first mail.
     */
    status: string;
    attempts: number;
    sentAt: string | null;
    deliveredAt: string | null;
    failureReason: string | null;
    openedAt: string | null;
    acknowledgedAt: string | null;
    acknowledgedVia: string | null;
    remindedAt: string | null;
    escalatedAt: string | null;
    /** E-mail of the recipient whose missing acknowledgement added this alternate. */
    escalatedFrom: string | null;
    channels: ChannelDelivery[];
  }[];
  webhooks: {
    webhookId: string;
    url: string;
    owner: string;
    status: string;
    attempts: number;
    responseStatus: number | null;
    deliveredAt: string | null;
    failureReason: string | null;
  }[];
}
