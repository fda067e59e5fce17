import { z } from 'zod';

import { findUnsafeText, isSingleLine, SINGLE_LINE } from '../shared/text.ts';
import { singleLine } from '../shared/validation.ts';

const stateCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
  .transform((code) => code.toUpperCase());

const organisation = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(isSingleLine, SINGLE_LINE);

const description = z
  .string()
  .trim()
  .max(2000, 'must be at most 2,000 characters')
  .superRefine((text, ctx) => {
    const problem = findUnsafeText(text, true);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const members = {
  /** Member states by ISO 3166-1 alpha-2 code. */
  states: z.array(stateCode).max(200, 'must name at most 200 states'),
  /** Member partner organisations by id or by name. */
  organisations: z.array(organisation).max(200, 'must name at most 200 organisations'),
};

/** Body of `POST /api/v1/communities`. */
export const NewCommunitySchema = z.strictObject({
  name: singleLine(120),
  description: description.default(''),
  states: members.states.default([]),
  organisations: members.organisations.default([]),
});

/** A validated new community. */
export type NewCommunity = z.output<typeof NewCommunitySchema>;

/**
 * Body of `PATCH /api/v1/communities/{id}`: a new name or description, and the full member lists
 * to keep. A list left out keeps its members.
 */
export const CommunityPatchSchema = z
  .strictObject({
    name: singleLine(120).optional(),
    description: description.optional(),
    states: members.states.optional(),
    organisations: members.organisations.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    error: 'give at least one of name, description, states or organisations',
  });

/** A validated change to a community. */
export type CommunityPatch = z.output<typeof CommunityPatchSchema>;

/** Query of the community list: the secretariat may ask for archived ones too. */
export const CommunityListQuery = z.strictObject({
  archived: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((value) => value === 'true'),
});

/** Path parameters naming one community. */
export const CommunityParams = z.object({
  id: z.uuid('must be a community id (a UUID)'),
});

/** A community as the API returns it. */
export interface CommunityView {
  id: string;
  name: string;
  description: string;
  states: string[];
  organisations: { id: string; name: string }[];
  /** Path of the community's TAXII collection. */
  taxiiCollection: string;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}
