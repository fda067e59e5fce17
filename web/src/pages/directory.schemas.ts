import { z } from 'zod';

import { visibilityChoices, visibilityFields } from '../../../src/directory/visibility-fields.ts';

// Reply schemas of the directory APIs that only the PoC history and visibility pages read.

// The field list is the server's own, so the settings page offers exactly the fields it accepts.
export {
  visibilityChoices,
  visibilityFields,
  type Visibility,
  type VisibilityField,
} from '../../../src/directory/visibility-fields.ts';

/** One change of a PoC entry: who made it, when, and each field's old and new value. */
export const PocHistoryEntry = z.object({
  action: z.string(),
  at: z.string(),
  by: z.string().nullable(),
  note: z.string().nullable(),
  changes: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
});

/** One change of a PoC entry. */
export type PocHistoryEntry = z.infer<typeof PocHistoryEntry>;

/** Reply of `GET /api/v1/pocs/{id}/history`, oldest change first. */
export const PocHistory = z.object({ history: z.array(PocHistoryEntry) });

/** Reply of `GET` and `PUT /api/v1/states/{code}/visibility`. */
export const StateVisibility = z.object({
  state: z.string(),
  fields: z.record(z.enum(visibilityFields), z.enum(visibilityChoices)),
});

/** Field visibility of one state. */
export type StateVisibility = z.infer<typeof StateVisibility>;
