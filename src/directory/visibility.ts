import type { Kysely } from 'kysely';
import { z } from 'zod';

import type { Tables } from '../db/schema.ts';
import { bumpDirectoryRevision } from './revision.ts';
import {
  visibilityChoices,
  visibilityFields,
  type Visibility,
  type VisibilityField,
} from './visibility-fields.ts';

/** Field visibility of one state. */
export type VisibilityMap = Record<VisibilityField, Visibility>;

/**
 * Defaults until a state chooses. Who a contact is and how to write to them is public. How to
 * phone them, when they work and their key are for members.
 */
export const defaultVisibility: VisibilityMap = {
  name: 'public',
  designation: 'public',
  organisation: 'public',
  email: 'public',
  phone: 'members',
  emergencyPhone: 'members',
  languages: 'public',
  timeZone: 'public',
  hours: 'members',
  pgpKey: 'members',
};

/** Body of `PUT /api/v1/states/{code}/visibility`: any subset of the fields. */
export const VisibilityUpdateSchema = z.strictObject(
  Object.fromEntries(
    visibilityFields.map((field) => [field, z.enum(visibilityChoices).optional()]),
  ) as Record<VisibilityField, z.ZodOptional<z.ZodEnum<{ public: 'public'; members: 'members' }>>>,
);

/** Loads every state's visibility choices, defaults filled in, keyed by state code. */
export async function loadVisibility(db: Kysely<Tables>, stateCode?: string) {
  let query = db.selectFrom('state_field_visibility').selectAll();
  if (stateCode !== undefined) query = query.where('state_code', '=', stateCode);
  const rows = await query.execute();

  const byState = new Map<string, VisibilityMap>();
  for (const row of rows) {
    const map = byState.get(row.state_code) ?? { ...defaultVisibility };
    if ((visibilityFields as readonly string[]).includes(row.field)) {
      map[row.field as VisibilityField] = row.visibility;
    }
    byState.set(row.state_code, map);
  }

  return byState;
}

/** Returns one state's visibility, defaults filled in. */
export async function getStateVisibility(db: Kysely<Tables>, stateCode: string) {
  return (await loadVisibility(db, stateCode)).get(stateCode) ?? { ...defaultVisibility };
}

/** Stores a state's choices for the fields given. */
export async function saveStateVisibility(
  db: Kysely<Tables>,
  stateCode: string,
  changes: Partial<VisibilityMap>,
) {
  await db.transaction().execute(async (trx) => {
    for (const field of visibilityFields) {
      const visibility = changes[field];
      if (visibility === undefined) continue;
      await trx
        .insertInto('state_field_visibility')
        .values({ state_code: stateCode, field, visibility })
        .onConflict((oc) => oc.columns(['state_code', 'field']).doUpdateSet({ visibility }))
        .execute();
    }
    await bumpDirectoryRevision(trx);
  });
}
