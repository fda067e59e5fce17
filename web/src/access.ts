import type { Role } from './schemas.ts';

// The pages that each role gets in the navigation. This only shapes the interface, because the
// server checks the permission of every request itself.

/** Workspace pages that only some roles may use. */
export type RestrictedPage =
  'pocs' | 'share' | 'sendAlert' | 'visibility' | 'admin' | 'health' | 'exercises';

const pageRoles: Record<RestrictedPage, readonly Role[]> = {
  // State editors manage the entries of their own state and of no other.
  pocs: ['state-editor'],
  // Members share threat information: PoCs, partners and the secretariat.
  share: ['poc', 'partner', 'secretariat'],
  // Partners receive alerts but cannot send them.
  sendAlert: ['poc', 'state-editor', 'secretariat'],
  // Only a state's own editors choose which fields of its entries are public.
  visibility: ['state-editor'],
  // The secretariat admits states and partners. Editors invite and manage their own state's.
  admin: ['secretariat', 'state-editor'],
  // The directory health page shows every state's gaps, so only the secretariat may open it.
  health: ['secretariat'],
  // The secretariat plans and controls exercises.
  exercises: ['secretariat'],
};

/** Returns true when the role may use the page. */
export function canUsePage(role: Role, page: RestrictedPage): boolean {
  return pageRoles[page].includes(role);
}
