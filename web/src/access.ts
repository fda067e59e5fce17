import type { Role } from './schemas.ts';

// The pages that each role gets in the navigation. This only shapes the interface, because the
// server checks the permission of every request itself.

/** Workspace pages that only some roles may use. */
export type RestrictedPage = 'pocs' | 'share' | 'sendAlert';

const pageRoles: Record<RestrictedPage, readonly Role[]> = {
  // State editors manage the entries of their own state and of no other.
  pocs: ['state-editor'],
  // Members share threat information: PoCs, partners and the secretariat.
  share: ['poc', 'partner', 'secretariat'],
  // Partners receive alerts but cannot send them.
  sendAlert: ['poc', 'state-editor', 'secretariat'],
};

/** Returns true when the role may use the page. */
export function canUsePage(role: Role, page: RestrictedPage): boolean {
  return pageRoles[page].includes(role);
}
