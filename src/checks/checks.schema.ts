import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { isSingleLine, SINGLE_LINE } from '../shared/text.ts';
import { singleLineText } from '../shared/validation.ts';

import { pocLevels } from '../directory/pocs.schema.ts';

/** UN regional groups, as stored in `states.region`. */
export const unRegions = [
  'african',
  'asia-pacific',
  'eastern-european',
  'latin-american-caribbean',
  'western-european-others',
] as const;

/** Maximum response window of a check: 30 days, in minutes. */
export const MAX_WINDOW_MINUTES = 30 * 24 * 60;

const StateCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
  .transform((code) => code.toUpperCase());

/** Request body of `POST /api/v1/checks`. */
export const NewCheckSchema = z
  .object({
    title: singleLineText(200),
    levels: z
      .array(z.enum(pocLevels, { error: processMessages.validation.oneOf(pocLevels) }))
      .max(3)
      .default([]),
    states: z.array(StateCode).max(250).default([]),
    regions: z
      .array(z.enum(unRegions, { error: processMessages.validation.oneOf(unRegions) }))
      .max(5)
      .default([]),
    /**
     * Partner organisations whose active accounts receive the check. With partners and neither
     * states nor regions, the check goes to the partners only.
     */
    partners: z
      .array(z.string().min(1).max(100).refine(isSingleLine, SINGLE_LINE))
      .max(100, processMessages.problems.checks.fields.partnersAtMost)
      .default([]),
    windowMinutes: z
      .number({ error: processMessages.problems.checks.fields.windowMinutes })
      .int(processMessages.problems.checks.fields.windowMinutes)
      .min(5, processMessages.problems.checks.fields.windowAtLeast)
      .max(MAX_WINDOW_MINUTES, processMessages.problems.checks.fields.windowAtMost),
    reminderMinutes: z
      .array(
        z
          .number({ error: processMessages.problems.checks.fields.reminderType })
          .int(processMessages.problems.checks.fields.reminderInteger)
          .min(1, processMessages.problems.checks.fields.reminderAtLeast),
      )
      .max(5, processMessages.problems.checks.fields.remindersAtMost)
      .default([]),
    repeatEveryDays: z
      .number({ error: processMessages.problems.checks.fields.repeatDays })
      .int(processMessages.problems.checks.fields.repeatDays)
      .min(1)
      .max(366)
      .optional(),
  })
  .strict()
  .superRefine((check, ctx) => {
    check.reminderMinutes.forEach((minutes, i) => {
      if (minutes >= check.windowMinutes) {
        ctx.addIssue({
          code: 'custom',
          path: ['reminderMinutes', i],
          message: processMessages.problems.checks.fields.reminderBeforeClose(check.windowMinutes),
        });
      }
    });
  });

/** A validated new check. */
export type NewCheck = z.output<typeof NewCheckSchema>;

/** Channel through which a recipient answered a check. */
export type AnsweredVia = 'link' | 'web' | 'api';

/** Request body of `POST /api/v1/checks/{id}/answer`; the web workspace sends `web`. */
export const AnswerSchema = z
  .object({ via: z.enum(['web', 'api']).default('api') })
  .strict()
  .default({ via: 'api' });

/** Path parameter of a check route. */
export const CheckParams = z.object({ id: z.string().min(1).max(100) });

/** Path parameter of a personal link. */
export const TokenParams = z.object({ token: z.string().min(1).max(200) });

/** Share of answers among recipients of one group (a level, a region or all). */
export interface ResponseRate {
  recipients: number;
  answered: number;
  /** Answered in time divided by recipients, from 0 to 1; null without recipients. */
  rate: number | null;
}

/** Aggregate figures of one check, safe to show to anyone: no names or addresses. */
export interface CheckSummary {
  id: string;
  title: string;
  isExercise: boolean;
  status: string;
  createdAt: string;
  closesAt: string;
  overall: ResponseRate & { delivered: number; opened: number; escalations: number };
  byLevel: Record<string, ResponseRate>;
  byRegion: Record<string, ResponseRate>;
  /** Median minutes from sending to answer, among answers in time; null without answers. */
  medianMinutesToAnswer: number | null;
}

/** One recipient row as the results show it to the secretariat or the recipient's state. */
export interface CheckResultRow {
  id: string;
  /** Empty for a partner account, whose organisation is in `organisationId`. */
  stateCode: string;
  organisationId: string | null;
  level: string;
  contactRole: string;
  email: string;
  isEscalation: boolean;
  escalatedFrom: string | null;
  dueAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  deliveryFailedAt: string | null;
  openedAt: string | null;
  answeredAt: string | null;
  answeredVia: string | null;
  remindersSent: number;
  escalatedAt: string | null;
  /** Minutes from sending to answer; null without an answer. */
  minutesToAnswer: number | null;
}
