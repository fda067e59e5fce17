import { z } from 'zod';

// Reply schemas of the exercise API, and the inject kinds the creation form offers.

/**
 * Inject kinds, in the order the creation form offers them. This is the one list the form reads,
 * so a kind the server learns is added here and in the catalogue's `exercises.kinds`.
 */
export const injectKinds = ['check', 'alert', 'request', 'bundle'] as const;

/** An inject kind the form offers. */
export type InjectKind = (typeof injectKinds)[number];

/** TLP levels an inject may carry. TLP:RED needs named accounts, which exercises do not take. */
export const injectTlps = ['clear', 'green', 'amber', 'amber+strict'] as const;

/** A TLP level an inject may carry. */
export type InjectTlp = (typeof injectTlps)[number];

/** One exercise as `GET /api/v1/exercises` lists it. */
export const ExerciseSummary = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  createdAt: z.string(),
});

/** One exercise in the list. */
export type ExerciseSummary = z.infer<typeof ExerciseSummary>;

/** Reply of `GET /api/v1/exercises`, newest first. */
export const ExerciseList = z.object({ exercises: z.array(ExerciseSummary) });

/** One timed inject of an exercise. */
export const Inject = z.object({
  id: z.string(),
  // A string rather than an enum, so a kind the workspace does not know yet still shows.
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  offsetMinutes: z.number(),
  windowMinutes: z.number(),
  tlp: z.string().nullish(),
  releasedAt: z.string().nullable(),
  releasedBy: z.string().nullable(),
  targetId: z.string().nullable(),
});

/** One timed inject of an exercise. */
export type Inject = z.infer<typeof Inject>;

/** Reply of `GET /api/v1/exercises/{id}` and of start and end. */
export const Exercise = z.object({
  id: z.string(),
  title: z.string(),
  scenario: z.string(),
  status: z.string(),
  states: z.array(z.string()),
  levels: z.array(z.string()),
  partnerOrgIds: z.array(z.string()),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  injects: z.array(Inject),
});

/** An exercise with its injects. */
export type Exercise = z.infer<typeof Exercise>;

/** Reply of `POST /api/v1/exercises`. */
export const CreatedExercise = z.object({ id: z.string() });

/** Reply of `POST /api/v1/exercises/{id}/injects/{injectId}/release`. */
export const ReleaseResult = z.object({ released: z.boolean() });
