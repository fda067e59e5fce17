import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { isSafeMultiLine, isSingleLine, MULTI_LINE, SINGLE_LINE } from '../shared/text.ts';
import { singleLineText } from '../shared/validation.ts';

import { parseTlp, type TlpLevel } from '../sharing/tlp.ts';

const Tlp = z.string().transform((value, ctx): TlpLevel => {
  const level = parseTlp(value);
  if (level !== null) return level;
  ctx.addIssue({
    code: 'custom',
    message: processMessages.validation.tlp2Level,
  });

  return z.NEVER;
});

const Title = singleLineText(200);

const Body = z
  .string()
  .min(1, processMessages.validation.notEmpty)
  .max(200_000, processMessages.validation.atMost(200_000, 'string'))
  .refine(isSafeMultiLine, MULTI_LINE);

const Tags = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[\p{L}\p{N}][\p{L}\p{N} +._-]{0,39}$/u, processMessages.problems.library.fields.tag),
  )
  .max(20, processMessages.problems.library.fields.tagsAtMost)
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
      .number({ error: processMessages.problems.library.fields.baseVersion })
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
