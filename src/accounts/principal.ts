/** The four kinds of account. */
export const roles = ['secretariat', 'state-editor', 'poc', 'partner'] as const;

/** A kind of account; decides what the account may do. */
export type Role = (typeof roles)[number];

/** The signed-in caller of a request, resolved on the server from a session or a token. */
export interface Principal {
  accountId: string;
  email: string;
  emailKey: string;
  role: Role;
  /** The account's state (ISO alpha-2) for state editors and PoCs; null otherwise. */
  stateCode: string | null;
  /** The account's partner organisation id; null otherwise. */
  organisationId: string | null;
}

/** Returns true when `value` is one of the known roles. */
export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}
