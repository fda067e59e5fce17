import { z } from 'zod';

import { processMessages } from '../i18n/messages.ts';
import { isSingleLine, SINGLE_LINE } from '../shared/text.ts';
import { singleLineText } from '../shared/validation.ts';

import { TokenLabel } from '../accounts/accounts.service.ts';
import { isGuessablePassword } from '../accounts/password-strength.ts';
import { MIN_PASSWORD_LENGTH } from '../accounts/passwords.ts';
import type { Role } from '../accounts/principal.ts';
import { parseTlp, type TlpLevel } from '../sharing/tlp.ts';

/** Roles an invitation may give; secretariat accounts are created with `parley user create`. */
export const invitableRoles = ['state-editor', 'poc', 'partner'] as const;

const StateCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, processMessages.validation.stateCode)
  .transform((code) => code.toUpperCase());

const Clearance = z
  .string()
  .refine((text) => parseTlp(text) !== null, {
    error: processMessages.validation.tlpLevel,
  })
  .transform((text) => parseTlp(text) as TlpLevel);

/** Body of `POST /api/v1/invitations`. */
export const InvitationRequest = z.strictObject({
  email: z.string().trim().min(3).max(254).refine(isSingleLine, SINGLE_LINE),
  role: z.enum(invitableRoles, {
    error: processMessages.problems.admin.fields.invitableRole,
  }),
  state: StateCode.optional(),
  organisation: singleLineText(200).optional(),
  clearance: Clearance.optional(),
  /** State that sponsors a new partner organisation; its editors may then check the partner. */
  sponsorState: StateCode.optional(),
});

/** Body of `POST /api/v1/invitations`. */
export type InvitationRequest = z.output<typeof InvitationRequest>;

/** Body of `PATCH /api/v1/organisations/{id}`. */
export const OrganisationPatch = z
  .strictObject({
    clearance: Clearance.optional(),
    /** State that sponsors the organisation, or null for none. */
    sponsorState: StateCode.nullable().optional(),
  })
  .refine((patch) => patch.clearance !== undefined || patch.sponsorState !== undefined, {
    error: processMessages.problems.admin.fields.organisationPatchEmpty,
  });

/** Body of `PATCH /api/v1/organisations/{id}`. */
export type OrganisationPatch = z.output<typeof OrganisationPatch>;

/** Body of `POST /api/v1/users/{id}/api-keys`. */
export const ApiKeyRequest = z.strictObject({
  label: TokenLabel,
});

/** Body of `POST /api/v1/users/{id}/api-keys`. */
export type ApiKeyRequest = z.output<typeof ApiKeyRequest>;

/** The form of the invitation and password-reset pages. */
export const PasswordForm = z
  .object({
    _csrf: z.string().default(''),
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, processMessages.validation.atLeast(MIN_PASSWORD_LENGTH, 'string'))
      .max(1024, processMessages.validation.atMost(1024, 'string'))
      .refine((password) => !isGuessablePassword(password), {
        error: processMessages.admin.linkPages.formProblems.guessable,
      }),
    confirm: z.string().max(1024),
  })
  .refine((form) => form.password === form.confirm, {
    path: ['confirm'],
    error: processMessages.problems.admin.fields.passwordMismatch,
  });

/** The form of the invitation and password-reset pages. */
export type PasswordForm = z.output<typeof PasswordForm>;

/** An organisation as the API returns it inside other resources. */
export interface OrganisationRef {
  id: string;
  name: string;
}

/** An organisation as the API returns it. */
export interface OrganisationView extends OrganisationRef {
  /** Highest TLP level the organisation's accounts may read. */
  clearance: string;
  /** ISO code of the state that sponsors the organisation, or null. */
  sponsorState: string | null;
  createdAt: string;
}

/** An account as the API returns it; never its password hash or tokens. */
export interface UserView {
  id: string;
  email: string;
  role: Role;
  state: string | null;
  organisation: OrganisationRef | null;
  suspended: boolean;
  createdAt: string;
}

/** An invitation as the API returns it; the token goes only into the mail. */
export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  state: string | null;
  organisation: OrganisationRef | null;
  expiresAt: string;
}

/** An API key as the API lists it, without its secret. */
export interface ApiKeyView {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
