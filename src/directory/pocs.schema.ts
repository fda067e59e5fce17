import { z } from 'zod';

/** The three levels at which a state designates points of contact. */
export const pocLevels = ['diplomatic', 'policy', 'technical'] as const;

/** A PoC level. */
export type PocLevel = (typeof pocLevels)[number];

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

const pocFields = {
  level: z.enum(pocLevels, { error: 'must be one of diplomatic, policy, technical' }),
  name: text(200),
  designation: text(200),
  organisation: text(300),
  email: z.string().trim().min(1, 'must not be empty').max(254),
  phone: z.string().max(40).nullable().optional(),
};

const stateMessage = 'is not accepted: a PoC always belongs to your own state';

/** Body of `POST /api/v1/pocs`; the state comes from the editor's account, never the body. */
export const PocCreateSchema = z.strictObject(pocFields, {
  error: (issue) =>
    issue.code === 'unrecognized_keys' && issue.keys.some((k) => /^state/i.test(k))
      ? `${issue.keys.join(', ')} ${stateMessage}`
      : undefined,
});

/** Input of a new PoC. */
export type PocCreate = z.infer<typeof PocCreateSchema>;

/** Body of `PATCH /api/v1/pocs/{id}`: any subset of the fields. */
export const PocPatchSchema = PocCreateSchema.partial();

/** Changes to a PoC. */
export type PocPatch = z.infer<typeof PocPatchSchema>;

/** A PoC as the API returns it. */
export interface PocView {
  id: string;
  stateCode: string;
  level: PocLevel;
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}
