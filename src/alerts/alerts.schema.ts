import { z } from 'zod';

import { parseTlp, type TlpLevel } from '../sharing/tlp.ts';

/** Severity names by level, from 0 (Baseline) to 5 (Emergency). */
export const severityNames = ['Baseline', 'Low', 'Medium', 'High', 'Severe', 'Emergency'] as const;

/** Formats a severity for people, for example `3 High`. */
export function severityLabel(severity: number): string {
  return `${severity} ${severityNames[severity] ?? 'Unknown'}`;
}

// C0 and C1 control characters, line breaks and tabs included.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

// STIX 2.1 identifier: `<type>--<UUID>`, the type in lower case with digits and hyphens.
const STIX_ID =
  /^[a-z][a-z0-9-]*[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const Tlp = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: 'must be a TLP 2.0 level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED',
  });

  return z.NEVER;
});

/** Request body of `POST /api/v1/alerts`. */
export const NewAlertSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must have at most 200 characters')
    .refine((title) => !CONTROL_CHARACTERS.test(title), {
      error: 'must not contain control characters such as line breaks or tabs',
    }),
  severity: z
    .number({ error: 'must be an integer from 0 (Baseline) to 5 (Emergency)' })
    .int('must be an integer from 0 (Baseline) to 5 (Emergency)')
    .min(0, 'must be an integer from 0 (Baseline) to 5 (Emergency)')
    .max(5, 'must be an integer from 0 (Baseline) to 5 (Emergency)'),
  tlp: Tlp,
  body: z.string().max(20_000, 'must have at most 20,000 characters'),
  objectIds: z
    .array(z.string().regex(STIX_ID, 'must be a STIX id such as indicator--<UUID>'))
    .max(100, 'may name at most 100 objects')
    .default([]),
  states: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
        .transform((code) => code.toUpperCase()),
    )
    .max(250)
    .default([]),
  accounts: z.array(z.string().max(254)).max(1000, 'may name at most 1,000 accounts').default([]),
});

/** A validated new alert. */
export type NewAlert = z.output<typeof NewAlertSchema>;

/** Request body of `POST /api/v1/alerts/{id}/acknowledge`; the web workspace sends `web`. */
export const AcknowledgeSchema = z
  .object({ via: z.enum(['web', 'api']).default('api') })
  .default({ via: 'api' });

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
}

/** Delivery report of one alert, for its sender and the secretariat. */
export interface DeliveryReport {
  alertId: string;
  counts: {
    recipients: number;
    queued: number;
    sent: number;
    failed: number;
    acknowledged: number;
  };
  recipients: {
    email: string;
    state: string | null;
    level: string | null;
    status: string;
    attempts: number;
    sentAt: string | null;
    failureReason: string | null;
    openedAt: string | null;
    acknowledgedAt: string | null;
    acknowledgedVia: string | null;
  }[];
}
