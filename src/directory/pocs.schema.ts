import ISO6391 from 'iso-639-1';
import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { singleLine } from '../shared/validation.ts';
import { HoursSchema, TimeZoneSchema, type Hours } from './hours.schema.ts';

export { HoursSchema, weekdays, type Hours } from './hours.schema.ts';

/** The three levels at which a state designates points of contact. */
export const pocLevels = ['diplomatic', 'policy', 'technical'] as const;

/** A PoC level. */
export type PocLevel = (typeof pocLevels)[number];

/** Whether a PoC is the state's main contact at its level or a stand-in. */
export const contactRoles = ['primary', 'alternate'] as const;

/** Primary or alternate. */
export type ContactRole = (typeof contactRoles)[number];

const text = (max: number) => singleLine(max);

const language = z
  .string()
  .transform((code) => code.trim().toLowerCase())
  .refine((code) => ISO6391.validate(code), processMessages.problems.directory.fields.language);

const pocFields = {
  level: z.enum(pocLevels, { error: processMessages.validation.oneOf(pocLevels) }),
  role: z
    .enum(contactRoles, { error: processMessages.problems.directory.fields.role })
    .default('primary'),
  name: text(200),
  designation: text(200),
  organisation: text(300),
  email: z.string().trim().min(1, processMessages.validation.notEmpty).max(254),
  phone: z.string().max(40).nullable().optional(),
  emergencyPhone: z.string().max(40).nullable().optional(),
  languages: z.array(language).max(20).default([]),
  timeZone: TimeZoneSchema.nullable().optional(),
  hours: HoursSchema.nullable().optional(),
  pgpKey: z.string().max(100_000).nullable().optional(),
};

const stateMessage = processMessages.problems.directory.fields.stateNotAccepted;

// The state is never taken from the body; naming it is an error that says so.
const stateFields = {
  state: z.never({ error: stateMessage }).optional(),
  stateCode: z.never({ error: stateMessage }).optional(),
};

/** Body of `POST /api/v1/pocs`; the state comes from the editor's account, never the body. */
export const PocCreateSchema = z.strictObject({ ...pocFields, ...stateFields });

/** Input of a new PoC. */
export type PocCreate = z.infer<typeof PocCreateSchema>;

/** Body of `PATCH /api/v1/pocs/{id}`: any subset of the fields, with no defaults applied. */
export const PocPatchSchema = z
  .strictObject({
    ...pocFields,
    ...stateFields,
    role: z.enum(contactRoles, { error: processMessages.problems.directory.fields.role }),
    languages: z.array(language).max(20),
  })
  .partial();

/** Changes to a PoC. */
export type PocPatch = z.infer<typeof PocPatchSchema>;

/** A PoC as the API returns it to its own state's editors. */
export interface PocView {
  id: string;
  stateCode: string;
  level: PocLevel;
  role: ContactRole;
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone: string | null;
  emergencyPhone: string | null;
  languages: string[];
  timeZone: string | null;
  hours: Hours | null;
  pgpKey: string | null;
  pgpFingerprint: string | null;
  pgpExpiresAt: string | null;
  lastConfirmedAt: string | null;
  stale: boolean;
  createdAt: string;
  updatedAt: string;
  /** Incremented by every change, confirmations included. */
  version: number;
  /** The `ETag` of the entry, such as `"3"`, for `If-Match` when a client cannot read headers. */
  etag: string;
}
