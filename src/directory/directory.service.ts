import type { Kysely } from 'kysely';

import type { Principal } from '../accounts/principal.ts';
import type { Tables } from '../db/schema.ts';
import { displayEmail } from '../shared/email.ts';
import { pocLevels, type PocLevel } from './pocs.schema.ts';

/** A PoC as the directory shows it; `phone` only appears for signed-in members. */
export interface DirectoryPoc {
  id: string;
  level: PocLevel;
  name: string;
  designation: string;
  organisation: string;
  email: string;
  phone?: string | null;
}

/** One state in the directory, with the levels it has designated. */
export interface DirectoryState {
  code: string;
  alpha3: string;
  name: string;
  status: 'member' | 'observer';
  levels: PocLevel[];
  pocs: DirectoryPoc[];
}

/** Folds text for search: Unicode-normalised, without accents, lower case. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function matches(state: DirectoryState, query: string): DirectoryState | null {
  if (foldForSearch(`${state.code} ${state.alpha3} ${state.name}`).includes(query)) return state;

  const pocs = state.pocs.filter((poc) => foldForSearch(poc.name).includes(query));

  return pocs.length === 0 ? null : { ...state, pocs };
}

/**
 * Builds the directory of every state as the caller may see it: public fields for everyone,
 * members-only fields for signed-in accounts. `query` keeps states whose name or code matches,
 * and PoCs whose name matches, ignoring case and accents.
 */
export async function getDirectory(
  db: Kysely<Tables>,
  principal: Principal | null,
  query = '',
): Promise<DirectoryState[]> {
  const [states, pocs] = await Promise.all([
    db.selectFrom('states').selectAll().orderBy('name').execute(),
    db.selectFrom('pocs').selectAll().orderBy('level').orderBy('name').execute(),
  ]);
  const isMember = principal !== null;
  const byState = new Map<string, DirectoryPoc[]>();
  for (const row of pocs) {
    const poc: DirectoryPoc = {
      id: row.id,
      level: row.level as PocLevel,
      name: row.name,
      designation: row.designation,
      organisation: row.organisation,
      email: displayEmail(row.email),
    };
    if (isMember) poc.phone = row.phone;
    const list = byState.get(row.state_code) ?? [];
    list.push(poc);
    byState.set(row.state_code, list);
  }

  const directory = states.map((state) => {
    const statePocs = byState.get(state.code) ?? [];
    const designated = new Set(statePocs.map((p) => p.level));

    return {
      code: state.code,
      alpha3: state.alpha3,
      name: state.name,
      status: state.un_status,
      levels: pocLevels.filter((level) => designated.has(level)),
      pocs: statePocs,
    };
  });
  const folded = foldForSearch(query.trim());
  if (folded === '') return directory;

  return directory.map((state) => matches(state, folded)).filter((s) => s !== null);
}
