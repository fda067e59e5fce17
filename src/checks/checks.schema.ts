import { z } from 'zod';

import { isSingleLine, SINGLE_LINE } from '../shared/text.ts';

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

// C0 and C1 control characters, line breaks and tabs included.

const StateCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
  .transform((code) => code.toUpperCase());

/** Request body of `POST /api/v1/checks`. */
export const NewCheckSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must have at most 200 characters')
      .refine(isSingleLine, SINGLE_LINE),
    levels: z
      .array(z.enum(pocLevels, { error: 'must be one of diplomatic, policy, technical' }))
      .max(3)
      .default([]),
    states: z.array(StateCode).max(250).default([]),
    regions: z
      .array(z.enum(unRegions, { error: `must be one of ${unRegions.join(', ')}` }))
      .max(5)
      .default([]),
    /**
     * Partner organisations whose active accounts receive the check. With partners and neither
     * states nor regions, the check goes to the partners only.
     */
    partners: z
      .array(z.string().min(1).max(100).refine(isSingleLine, SINGLE_LINE))
      .max(100, 'may name at most 100 partner organisations')
      .default([]),
    windowMinutes: z
      .number({ error: 'must be a whole number of minutes from 5 to 43,200 (30 days)' })
      .int('must be a whole number of minutes from 5 to 43,200 (30 days)')
      .min(5, 'must be at least 5 minutes')
      .max(MAX_WINDOW_MINUTES, 'must be at most 43,200 minutes (30 days)'),
    reminderMinutes: z
      .array(
        z
          .number({ error: 'must be minutes before the window closes' })
          .int('must be a whole number of minutes before the window closes')
          .min(1, 'must be at least 1 minute before the window closes'),
      )
      .max(5, 'may list at most 5 reminders')
      .default([]),
    repeatEveryDays: z
      .number({ error: 'must be a whole number of days from 1 to 366' })
      .int('must be a whole number of days from 1 to 366')
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
          message: `must be less than windowMinutes (${check.windowMinutes}), so the reminder goes out while the window is open`,
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
