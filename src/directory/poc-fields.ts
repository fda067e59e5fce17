import type { Insertable } from 'kysely';

import { requireEmailKey } from '../accounts/accounts.service.ts';
import type { PocsTable } from '../db/schema.ts';
import { confusableSkeleton, displayEmail } from '../shared/email.ts';
import { foldForSearch } from '../shared/text.ts';
import type { Catalogue } from '../i18n/messages.ts';
import {
  digestKey,
  expiresSoon,
  inspectPublicKey,
  KEY_EXPIRY_WARNING_DAYS,
} from './openpgp-key.ts';
import { normalisePhone } from './phone.ts';
import type { ContactRole, Hours, PocCreate, PocLevel, PocPatch, PocView } from './pocs.schema.ts';
import type { PocRow } from './pocs.queries.ts';

/** Column values derived from API input; only the fields present in the input are set. */
export type PocColumns = Partial<Insertable<PocsTable>>;

/** Fields compared for history, by their API names. */
export const historyFields = [
  'level',
  'role',
  'name',
  'designation',
  'organisation',
  'email',
  'phone',
  'emergencyPhone',
  'languages',
  'timeZone',
  'hours',
  'pgpFingerprint',
  'pgpExpiresAt',
  'pgpKeySha256',
] as const;

/** A field recorded in history. */
export type HistoryField = (typeof historyFields)[number];

/**
 * Converts validated API input into column values: names in NFC with a folded search key,
 * e-mail keys, telephones in E.164 (read in the state's numbering plan), JSON for lists, and the
 * fingerprint and expiry of an OpenPGP key.
 */
export async function toPocColumns(
  input: PocCreate | PocPatch,
  stateCode: string,
  now: Date,
): Promise<PocColumns> {
  const columns: PocColumns = {};
  if (input.level !== undefined) columns.level = input.level;
  if (input.role !== undefined) columns.contact_role = input.role;
  if (input.name !== undefined) {
    columns.name = input.name.normalize('NFC');
    columns.name_key = foldForSearch(input.name);
  }
  if (input.designation !== undefined) columns.designation = input.designation.normalize('NFC');
  if (input.organisation !== undefined) columns.organisation = input.organisation.normalize('NFC');
  if (input.email !== undefined) {
    // Stored with a Unicode domain, whichever form was typed (browsers send punycode).
    columns.email = displayEmail(input.email.normalize('NFC'));
    columns.email_key = requireEmailKey(input.email);
  }
  if (input.phone !== undefined) columns.phone = normalisePhone(input.phone, stateCode);
  if (input.emergencyPhone !== undefined) {
    columns.emergency_phone = normalisePhone(input.emergencyPhone, stateCode, 'emergencyPhone');
  }
  if (input.languages !== undefined)
    columns.languages = JSON.stringify([...new Set(input.languages)]);
  if (input.timeZone !== undefined) columns.time_zone = input.timeZone;
  if (input.hours !== undefined)
    columns.hours = input.hours === null ? null : JSON.stringify(input.hours);
  if (input.pgpKey !== undefined) await addKeyColumns(columns, input.pgpKey, now);

  return columns;
}

async function addKeyColumns(columns: PocColumns, armored: string | null, now: Date) {
  if (armored === null || armored.trim() === '') {
    Object.assign(columns, { pgp_key: null, pgp_fingerprint: null, pgp_expires_at: null });
    return;
  }
  const facts = await inspectPublicKey(armored, now);
  columns.pgp_key = armored.trim();
  columns.pgp_fingerprint = facts.fingerprint;
  columns.pgp_expires_at = facts.expiresAt;
}

/**
 * Returns the key under which two names count as likely duplicates: the UTS #39 confusable
 * skeleton of the folded name, so `New Person` and the same name written with a Cyrillic `е`
 * share one key. Search keeps matching on the folded name alone.
 */
export function nameLookalikeKey(nameKey: string): string {
  return confusableSkeleton(nameKey);
}

/** Returns true when an entry's last confirmation is older than the stale period. */
export function isStale(lastConfirmedAt: string | null, now: Date, staleAfterDays: number) {
  if (lastConfirmedAt === null) return true;

  return now.getTime() - Date.parse(lastConfirmedAt) > staleAfterDays * 24 * 60 * 60 * 1000;
}

/**
 * Returns the strong entity tag of a PoC entry at a version, as the `ETag` header carries it.
 * NOTE: `stale` in the view follows the server's clock and is not part of the tag, because the
 * tag names a stored version for `If-Match`. An entry that turns stale keeps its tag.
 */
export function pocEtag(version: number): string {
  return `"${version}"`;
}

/** Converts a stored row into the API's view for the state's own editors. */
export function toPocView(row: PocRow, now: Date, staleAfterDays: number): PocView {
  return {
    id: row.id,
    stateCode: row.state_code,
    level: row.level as PocLevel,
    role: row.contact_role as ContactRole,
    name: row.name,
    designation: row.designation,
    organisation: row.organisation,
    email: row.email,
    phone: row.phone,
    emergencyPhone: row.emergency_phone,
    languages: JSON.parse(row.languages) as string[],
    timeZone: row.time_zone,
    hours: row.hours === null ? null : (JSON.parse(row.hours) as Hours),
    pgpKey: row.pgp_key,
    pgpFingerprint: row.pgp_fingerprint,
    pgpExpiresAt: row.pgp_expires_at,
    lastConfirmedAt: row.last_confirmed_at,
    stale: isStale(row.last_confirmed_at, now, staleAfterDays),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    etag: pocEtag(row.version),
  };
}

function isEmpty(value: unknown): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Returns the value history records for a field. The key itself is recorded as its SHA-256
 * digest, so a key re-issued with the same fingerprint (new expiry or subkeys) is a change too.
 */
function historyValue(view: PocView | null, field: HistoryField): unknown {
  if (view === null) return null;
  if (field === 'pgpKeySha256') return digestKey(view.pgpKey);

  return view[field];
}

/** Lists the fields whose values differ between two views, with old and new values. */
export function diffViews(before: PocView | null, after: PocView | null) {
  const changes: Record<string, { old: unknown; new: unknown }> = {};
  for (const field of historyFields) {
    const oldValue = historyValue(before, field);
    const newValue = historyValue(after, field);
    // An empty list and a missing value are the same: "no languages" is not a change.
    if (isEmpty(oldValue) && isEmpty(newValue)) continue;
    if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) {
      changes[field] = { old: oldValue, new: newValue };
    }
  }

  return changes;
}

/** A problem with a saved entry that does not stop the save. */
export interface PocWarning {
  field: string;
  /** Stable code: `key_expires_soon`. */
  code: string;
  message: string;
}

/**
 * Returns a saved entry with the warnings its editor should act on, in the language of
 * `catalogue`: a key that expires within `KEY_EXPIRY_WARNING_DAYS`. An empty list means nothing
 * to act on.
 */
export function withKeyWarnings(
  poc: PocView,
  now: Date,
  catalogue: Catalogue,
): PocView & { warnings: PocWarning[] } {
  const warnings: PocWarning[] = [];
  if (poc.pgpExpiresAt !== null && expiresSoon(poc.pgpExpiresAt, now)) {
    const message = catalogue.problems.directory.keyExpiresSoon(
      poc.pgpExpiresAt,
      KEY_EXPIRY_WARNING_DAYS,
    );
    warnings.push({ field: 'pgpKey', code: 'key_expires_soon', message });
  }

  return { ...poc, warnings };
}
