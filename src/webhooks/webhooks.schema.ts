import { z } from 'zod';

const HttpUrl = z
  .url({
    protocol: /^https?$/,
    error: 'must be an http or https URL such as https://example.org/hook',
  })
  .max(2000, 'must have at most 2,000 characters');

/**
 * Request body of `POST /api/v1/webhooks`. State editors and partners register endpoints of
 * their own state or organisation; the secretariat names one of `state` or `organisation`.
 */
export const NewWebhookSchema = z.object({
  url: HttpUrl,
  /** HMAC key; a random one is made when absent. It is shown only in this reply. */
  secret: z.string().min(16, 'must have at least 16 characters').max(200).optional(),
  isActive: z.boolean().default(true),
  state: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
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
