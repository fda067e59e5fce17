/**
 * State of a one-time link. A `valid` link can be used once. The other states show a page that
 * explains what happened: 404 for an unknown token, 410 for a used, expired or revoked one.
 */
export type LinkStatus = 'valid' | 'unknown' | 'used' | 'expired' | 'revoked';

/** The fields of a stored one-time link that decide its status. */
export interface StoredLink {
  used_at: string | null;
  revoked_at: string | null;
  expires_at: string;
}

/** Returns the status of a stored link at `now` (an ISO timestamp), `unknown` when there is none. */
export function linkStatusOf(link: StoredLink | undefined, now: string): LinkStatus {
  if (link === undefined) return 'unknown';
  if (link.used_at !== null) return 'used';
  if (link.revoked_at !== null) return 'revoked';
  if (link.expires_at <= now) return 'expired';

  return 'valid';
}
