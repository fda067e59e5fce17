import { z } from 'zod';

/** An account an upload may name, as `GET /api/v1/bundles/recipients` lists it. */
export const RecipientAccount = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  state: z.string().nullable(),
  organisation: z.string().nullable(),
});

/** An account an upload may name. */
export type RecipientAccount = z.infer<typeof RecipientAccount>;

/** A partner organisation an upload may name, without its clearance. */
export const RecipientOrganisation = z.object({ id: z.string(), name: z.string() });

/** A partner organisation an upload may name. */
export type RecipientOrganisation = z.infer<typeof RecipientOrganisation>;

/** Reply of `GET /api/v1/bundles/recipients`. */
export const ShareRecipients = z.object({
  accounts: z.array(RecipientAccount),
  organisations: z.array(RecipientOrganisation),
});

/** The accounts and partner organisations the caller may name when sharing. */
export type ShareRecipients = z.infer<typeof ShareRecipients>;
