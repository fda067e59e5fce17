import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { displayEmail } from '../shared/email.ts';
import { foldForSearch } from '../shared/text.ts';
import { hasExpired } from './openpgp-key.ts';
import { isStale } from './poc-fields.ts';
import type { PocRow } from './pocs.queries.ts';
import { pocLevels, type ContactRole, type Hours, type PocLevel } from './pocs.schema.ts';
import { defaultVisibility, loadVisibility, type VisibilityMap } from './visibility.ts';

/** A PoC as the directory shows it; fields the state keeps for members are left out for others. */
export interface DirectoryPoc {
  id: string;
  level: PocLevel;
  role: ContactRole;
  lastConfirmedAt: string | null;
  stale: boolean;
  name?: string;
  designation?: string;
  organisation?: string;
  email?: string;
  phone?: string | null;
  emergencyPhone?: string | null;
  languages?: string[];
  timeZone?: string | null;
  hours?: Hours | null;
  /** Armored OpenPGP public key, for encrypting to this PoC. */
  pgpKey?: string | null;
  pgpFingerprint?: string | null;
  pgpExpiresAt?: string | null;
  /** True when the key has expired; present whenever the key is. */
  pgpKeyExpired?: boolean;
}

/** One state in the directory, with the levels it has designated and how fresh they are. */
export interface DirectoryState {
  code: string;
  alpha3: string;
  name: string;
  status: 'member' | 'observer';
  region: string | null;
  levels: PocLevel[];
  /** The oldest confirmation among the state's PoCs: the entry is only as fresh as that. */
  lastConfirmedAt: string | null;
  /** True when any of the state's PoCs is stale. */
  stale: boolean;
  pocs: DirectoryPoc[];
}

/** What building the directory needs. */
export interface DirectoryDeps {
  db: Kysely<Tables>;
  clock: Clock;
  config: { staleAfterDays: number };
}

function toDirectoryPoc(
  row: PocRow,
  visible: (field: keyof VisibilityMap) => boolean,
  stale: boolean,
  now: Date,
) {
  const poc: DirectoryPoc = {
    id: row.id,
    level: row.level as PocLevel,
    role: row.contact_role as ContactRole,
    lastConfirmedAt: row.last_confirmed_at,
    stale,
  };
  if (visible('name')) poc.name = row.name;
  if (visible('designation')) poc.designation = row.designation;
  if (visible('organisation')) poc.organisation = row.organisation;
  if (visible('email')) poc.email = displayEmail(row.email);
  if (visible('phone')) poc.phone = row.phone;
  if (visible('emergencyPhone')) poc.emergencyPhone = row.emergency_phone;
  if (visible('languages')) poc.languages = JSON.parse(row.languages) as string[];
  if (visible('timeZone')) poc.timeZone = row.time_zone;
  if (visible('hours')) poc.hours = row.hours === null ? null : (JSON.parse(row.hours) as Hours);
  if (visible('pgpKey')) {
    poc.pgpKey = row.pgp_key;
    poc.pgpFingerprint = row.pgp_fingerprint;
    poc.pgpExpiresAt = row.pgp_expires_at;
    poc.pgpKeyExpired = hasExpired(row.pgp_expires_at, now);
  }

  return poc;
}

function matches(state: DirectoryState, query: string): DirectoryState | null {
  if (foldForSearch(`${state.code} ${state.alpha3} ${state.name}`).includes(query)) return state;

  const pocs = state.pocs.filter((poc) => foldForSearch(poc.name ?? '').includes(query));

  return pocs.length === 0 ? null : { ...state, pocs };
}

/**
 * Builds the directory of every state as the caller may see it: the fields each state made
 * public for everyone, every field for signed-in members. `query` keeps states whose name or code
 * matches, and PoCs whose name matches, ignoring case, accents and Unicode normalisation.
 */
export async function getDirectory(
  deps: DirectoryDeps,
  principal: Principal | null,
  query = '',
): Promise<DirectoryState[]> {
  const [states, pocs, visibility] = await Promise.all([
    deps.db.selectFrom('states').selectAll().orderBy('name').execute(),
    deps.db
      .selectFrom('pocs')
      .selectAll()
      .orderBy('level')
      .orderBy('contact_role')
      .orderBy('name')
      .execute(),
    loadVisibility(deps.db),
  ]);
  const now = deps.clock.now();
  const isMember = principal !== null;
  const byState = new Map<string, DirectoryPoc[]>();
  for (const row of pocs) {
    const fields = visibility.get(row.state_code) ?? defaultVisibility;
    const visible = (field: keyof VisibilityMap) => isMember || fields[field] === 'public';
    const stale = isStale(row.last_confirmed_at, now, deps.config.staleAfterDays);
    const list = byState.get(row.state_code) ?? [];
    list.push(toDirectoryPoc(row, visible, stale, now));
    byState.set(row.state_code, list);
  }

  const directory = states.map((state): DirectoryState => {
    const statePocs = byState.get(state.code) ?? [];
    const designated = new Set(statePocs.map((p) => p.level));
    const confirmations = statePocs.map((p) => p.lastConfirmedAt ?? '').sort();

    return {
      code: state.code,
      alpha3: state.alpha3,
      name: state.name,
      status: state.un_status,
      region: state.region,
      levels: pocLevels.filter((level) => designated.has(level)),
      lastConfirmedAt: confirmations.length === 0 ? null : confirmations[0] || null,
      stale: statePocs.some((p) => p.stale),
      pocs: statePocs,
    };
  });
  const folded = foldForSearch(query);
  if (folded === '') return directory;

  return directory.map((state) => matches(state, folded)).filter((s) => s !== null);
}
