import { z } from 'zod';

// Reply schemas of the API-key routes of the caller's own account.

/** An API key as `GET /api/v1/users/{id}/api-keys` lists it, without its secret. */
export const ApiKey = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

/** An API key of the caller. */
export type ApiKey = z.infer<typeof ApiKey>;

/** Reply of `GET /api/v1/users/{id}/api-keys`. */
export const ApiKeyList = z.object({ apiKeys: z.array(ApiKey) });

/** Reply of `POST /api/v1/users/{id}/api-keys`: the only time the secret is sent. */
export const CreatedApiKey = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string().nullable(),
  token: z.string(),
});

/** A newly created API key with its secret. */
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;
