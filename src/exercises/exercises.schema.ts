import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { isSafeMultiLine, MULTI_LINE } from '../shared/text.ts';
import { singleLineText } from '../shared/validation.ts';

import { pocLevels } from '../directory/pocs.schema.ts';

const Title = singleLineText(200);

/**
 * Kinds of inject: a communication check, an alert, a request to each participating state's PoCs
 * at the chosen levels, or a STIX 2.1 bundle released to the participants.
 */
export const injectKinds = ['check', 'alert', 'request', 'bundle'] as const;

/** TLP levels an inject may carry; TLP:RED needs named accounts, which exercises do not take. */
export const injectTlps = ['clear', 'green', 'amber', 'amber+strict'] as const;

/** One timed inject of a new exercise. */
export const NewInjectSchema = z
  .object({
    kind: z.enum(injectKinds, { error: processMessages.validation.oneOf(injectKinds) }),
    title: Title,
    body: z
      .string()
      .max(20_000, processMessages.validation.atMost(20_000, 'string'))
      .refine(isSafeMultiLine, MULTI_LINE)
      .default(''),
    offsetMinutes: z
      .number({ error: processMessages.problems.exercises.fields.offsetMinutes })
      .int(processMessages.problems.exercises.fields.offsetMinutes)
      .min(0)
      .max(10_080),
    windowMinutes: z
      .number({ error: processMessages.problems.exercises.fields.windowMinutes })
      .int(processMessages.problems.exercises.fields.windowMinutes)
      .min(5)
      .max(10_080)
      .default(60),
    tlp: z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(injectTlps, { error: processMessages.validation.oneOf(injectTlps) }))
      .default('amber'),
    /** The STIX 2.1 bundle of a `bundle` inject, checked as an upload is when the exercise is made. */
    bundle: z.unknown().optional(),
  })
  .strict()
  .superRefine((inject, ctx) => {
    if (inject.kind === 'bundle' && inject.bundle === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bundle'],
        message: processMessages.problems.exercises.fields.bundleRequired,
      });
    }
    if (inject.kind !== 'bundle' && inject.bundle !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['bundle'],
        message: processMessages.problems.exercises.fields.bundleOnly,
      });
    }
  });

/** A validated inject of a new exercise. */
export type NewInject = z.output<typeof NewInjectSchema>;

/** Request body of `POST /api/v1/exercises`. */
export const NewExerciseSchema = z
  .object({
    title: Title,
    scenario: z
      .string()
      .trim()
      .min(1, processMessages.validation.notEmpty)
      .max(50_000)
      .refine(isSafeMultiLine, MULTI_LINE),
    states: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
          .transform((code) => code.toUpperCase()),
      )
      .min(1, processMessages.problems.exercises.fields.statesMissing)
      .max(250),
    levels: z
      .array(z.enum(pocLevels, { error: processMessages.validation.oneOf(pocLevels) }))
      .max(3)
      .default([]),
    /** Partner organisations whose accounts receive every inject besides the states' PoCs. */
    partnerOrgIds: z.array(z.string().min(1).max(100)).max(100).default([]),
    injects: z
      .array(NewInjectSchema)
      .max(100, processMessages.problems.exercises.fields.injectsAtMost)
      .default([]),
  })
  .strict();

/** A validated new exercise. */
export type NewExercise = z.output<typeof NewExerciseSchema>;

/** Path parameters of an exercise and one of its injects. */
export const ExerciseParams = z.object({
  id: z.string().min(1).max(100),
  injectId: z.string().min(1).max(100).optional(),
});
