import { z } from 'zod';

import { isSafeMultiLine, isSingleLine, MULTI_LINE, SINGLE_LINE } from '../shared/text.ts';

import { parseTlp, type TlpLevel } from '../sharing/tlp.ts';

const Tlp = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: 'must be a TLP 2.0 level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED',
  });

  return z.NEVER;
});

const Title = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must have at most 200 characters')
  .refine(isSingleLine, SINGLE_LINE);

const Body = z
  .string()
  .min(1, 'must not be empty')
  .max(200_000, 'must have at most 200,000 characters')
  .refine(isSafeMultiLine, MULTI_LINE);

const Tags = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^[\p{L}\p{N}][\p{L}\p{N} +._-]{0,39}$/u,
        'must be 1 to 40 letters, digits or - . _ +',
      ),
  )
  .max(20, 'may list at most 20 tags')
  .transform((tags) => [...new Set(tags)]);

/** Request body of `POST /api/v1/library`. */
export const NewDocumentSchema = z
  .object({ title: Title, body: Body, tags: Tags.default([]), tlp: Tlp })
  .strict();

/** A validated new document. */
export type NewDocument = z.output<typeof NewDocumentSchema>;

/** Request body of `PATCH /api/v1/library/{id}`: the changed fields and the version edited. */
export const DocumentPatchSchema = z
  .object({
    title: Title.optional(),
    body: Body.optional(),
    tags: Tags.optional(),
    tlp: Tlp.optional(),
    baseVersion: z
      .number({ error: 'must be the version number the edit starts from' })
      .int()
      .min(1),
  })
  .strict();

/** A validated document edit. */
export type DocumentPatch = z.output<typeof DocumentPatchSchema>;

/** Query of `GET /api/v1/library`. */
export const LibraryQuerySchema = z.object({
  q: z.string().trim().max(200).refine(isSingleLine, SINGLE_LINE).optional(),
  tag: z.string().trim().toLowerCase().max(40).optional(),
});

/** Path parameters of one document and one of its versions. */
export const DocumentParams = z.object({
  id: z.string().min(1).max(100),
  version: z.coerce.number().int().min(1).optional(),
});

/** One document as the API returns it. */
export interface DocumentView {
  id: string;
  title: string;
  tags: string[];
  tlp: TlpLevel;
  version: number;
  body: string;
  authorId: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}
