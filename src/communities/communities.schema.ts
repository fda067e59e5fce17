import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { findUnsafeText, isSingleLine, SINGLE_LINE } from '../shared/text.ts';
import { singleLine } from '../shared/validation.ts';

const stateCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
  .transform((code) => code.toUpperCase());

const organisation = z
  .string()
  .trim()
  .min(1, processMessages.validation.notEmpty)
  .max(200, processMessages.validation.atMost(200, 'string'))
  .refine(isSingleLine, SINGLE_LINE);

const description = z
  .string()
  .trim()
  .max(2000, processMessages.validation.atMost(2_000, 'string'))
  .superRefine((text, ctx) => {
    const problem = findUnsafeText(text, true);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

const members = {
  /** Member states by ISO 3166-1 alpha-2 code. */
  states: z.array(stateCode).max(200, processMessages.problems.communities.fields.statesAtMost),
  /** Member partner organisations by id or by name. */
  organisations: z
    .array(organisation)
    .max(200, processMessages.problems.communities.fields.organisationsAtMost),
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
    error: processMessages.problems.communities.fields.patchEmpty,
  });

/** A validated change to a community. */
export type CommunityPatch = z.output<typeof CommunityPatchSchema>;

/** Query of the community list: the secretariat may ask for archived ones too. */
export const CommunityListQuery = z.strictObject({
  archived: z
    .enum(['true', 'false'], processMessages.validation.trueOrFalse)
    .default('false')
    .transform((value) => value === 'true'),
});

/** Path parameters naming one community. */
export const CommunityParams = z.object({
  id: z.uuid(processMessages.problems.communities.fields.communityId),
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
