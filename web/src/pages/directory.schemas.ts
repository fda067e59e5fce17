import { z } from 'zod';

// Reply schemas of the directory APIs that only the PoC history and visibility pages read.

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

/** PoC fields whose visibility a state chooses, in the order the settings page lists them. */
export const visibilityFields = [
  'name',
  'designation',
  'organisation',
  'email',
  'phone',
  'emergencyPhone',
  'languages',
  'timeZone',
  'hours',
  'pgpKey',
] as const;

/** A PoC field whose visibility a state chooses. */
export type VisibilityField = (typeof visibilityFields)[number];

/** Audience of a field: everyone, or signed-in members only. */
export const visibilityChoices = ['public', 'members'] as const;

/** Audience of a field. */
export type Visibility = (typeof visibilityChoices)[number];

/** Reply of `GET` and `PUT /api/v1/states/{code}/visibility`. */
export const StateVisibility = z.object({
  state: z.string(),
  fields: z.record(z.enum(visibilityFields), z.enum(visibilityChoices)),
});

/** Field visibility of one state. */
export type StateVisibility = z.infer<typeof StateVisibility>;
