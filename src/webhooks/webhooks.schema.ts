import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';

const HttpUrl = z
  .url({
    protocol: /^https?$/,
    error: processMessages.webhooks.urlInvalid,
  })
  .max(2000, processMessages.validation.atMost(2_000, 'string'));

/**
 * Request body of `POST /api/v1/webhooks`. State editors and partners register endpoints of
 * their own state or organisation; the secretariat names one of `state` or `organisation`.
 */
export const NewWebhookSchema = z.object({
  url: HttpUrl,
  /** HMAC key; a random one is made when absent. It is shown only in this reply. */
  secret: z.string().min(16, processMessages.validation.atLeast(16, 'string')).max(200).optional(),
  isActive: z.boolean().default(true),
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
    .transform((code) => code.toUpperCase())
    .optional(),
  organisation: z.string().min(1).max(100).optional(),
});

/** A validated new webhook. */
export type NewWebhook = z.output<typeof NewWebhookSchema>;

/** Request body of `PATCH /api/v1/webhooks/{id}`. */
export const WebhookPatchSchema = z.strictObject({ isActive: z.boolean() });

/** Path parameters of one webhook. */
export const WebhookParams = z.object({ id: z.string().min(1).max(100) });

/** One webhook as the API lists it, without its secret. */
export interface WebhookView {
  id: string;
  ownerKind: string;
  owner: string;
  url: string;
  isActive: boolean;
  createdAt: string;
}

/** JSON body of a webhook call carrying an alert. */
export interface WebhookAlertBody {
  type: 'alert';
  /** `EXERCISE` for a drill, null otherwise. */
  marking: 'EXERCISE' | null;
  /** Stable for the alert and endpoint, the same on every retry. */
  idempotencyKey: string;
  alert: {
    id: string;
    title: string;
    severity: number;
    severityName: string;
    tlp: string;
    tlpLabel: string;
    body: string;
    objectIds: string[];
    senderState: string | null;
    createdAt: string;
    exercise: boolean;
    responseDueAt: string | null;
  };
}
