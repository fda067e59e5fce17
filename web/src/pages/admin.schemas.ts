import { z } from 'zod';

import { roles, tlpLevels } from '../schemas.ts';

// Reply schemas of the administration API that the administration page reads.

/** Roles an invitation may give. Secretariat accounts are made on the command line. */
export const invitableRoles = ['state-editor', 'poc', 'partner'] as const;

/** A role an invitation may give. */
export type InvitableRole = (typeof invitableRoles)[number];

const OrganisationRef = z.object({ id: z.string(), name: z.string() });

/** An account as `GET /api/v1/users` lists it. */
export const User = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(roles),
  state: z.string().nullable(),
  organisation: OrganisationRef.nullable(),
  suspended: z.boolean(),
  createdAt: z.string(),
});

/** An account as the administration page shows it. */
export type User = z.infer<typeof User>;

/** Reply of `GET /api/v1/users`. */
export const UserList = z.object({ users: z.array(User) });

/** Reply of `POST /api/v1/invitations`. The one-time link goes only into the mail. */
export const Invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: z.enum(roles),
  state: z.string().nullable(),
  organisation: OrganisationRef.nullable(),
  expiresAt: z.string(),
});

/** A partner organisation with its clearance, the highest TLP level its accounts may read. */
export const Organisation = z.object({
  id: z.string(),
  name: z.string(),
  clearance: z.enum(tlpLevels),
  createdAt: z.string(),
});

/** A partner organisation. */
export type Organisation = z.infer<typeof Organisation>;

/** Reply of `GET /api/v1/organisations`. */
export const OrganisationList = z.object({ organisations: z.array(Organisation) });
