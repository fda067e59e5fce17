import ICAL from 'ical.js';

import type { DirectoryPoc, DirectoryState } from './directory.service.ts';
import { formatHours } from './directory.csv.ts';

const CRLF = '\r\n';
// RFC 6350 §3.2: a content line SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_LINE_OCTETS = 75;

/**
 * Folds one content line (RFC 6350 §3.2) so that every physical line, the leading space of a
 * continuation line included, is at most 75 octets of UTF-8, never splitting a character.
 */
export function foldContentLine(line: string): string {
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const character of line) {
    const size = Buffer.byteLength(character, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += character;
    octets += size;
  }
  lines.push(current);

  return lines.join(CRLF);
}

/**
 * Serialises a card with its lines folded at 75 octets. ical.js 2.2 puts 75 octets of text after
 * the leading space of a continuation line, which makes 76, so its folds are undone here and the
 * lines folded again.
 */
function serialiseCard(card: ICAL.Component): string {
  const unfolded = card.toString().replace(/\r\n[ \t]/g, '');

  return unfolded.split(CRLF).map(foldContentLine).join(CRLF) + CRLF;
}

function addText(card: ICAL.Component, name: string, value: string | null | undefined) {
  if (value === null || value === undefined || value === '') return;
  card.addPropertyWithValue(name, value);
}

/**
 * Adds the OpenPGP key as `KEY;MEDIATYPE=application/pgp-keys;VALUE=TEXT`, the armored text with
 * its line breaks escaped. RFC 6350 §6.8.1 lets KEY be reset from a URI to text. NOTE: the
 * RFC's `data:application/pgp-keys;base64,…` form is not used because ical.js 2.2 escapes the
 * comma of a URI value in vCard (`base64\,`), which other readers would take as part of the data.
 */
function addKey(card: ICAL.Component, armoredKey: string | null | undefined) {
  if (armoredKey === null || armoredKey === undefined || armoredKey === '') return;
  const key = new ICAL.Property('key');
  key.resetType('text');
  key.setParameter('mediatype', 'application/pgp-keys');
  key.setValue(armoredKey);
  card.addProperty(key);
}

/**
 * Builds a vCard 4.0 (RFC 6350) for one PoC with the fields the caller may see. ical.js escapes
 * the values, and `serialiseCard` folds the lines.
 */
export function pocToVcard(state: DirectoryState, poc: DirectoryPoc): string {
  const card = new ICAL.Component(['vcard', [], []]);
  card.addPropertyWithValue('version', '4.0');
  card.addPropertyWithValue('uid', `urn:uuid:${poc.id}`);
  card.addPropertyWithValue('fn', poc.name ?? `${state.name} ${poc.level} point of contact`);
  addText(card, 'title', poc.designation);
  if (poc.organisation !== undefined) {
    // ORG is a structured value: an array keeps a ";" or "," inside the name escaped.
    const org = new ICAL.Property('org');
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- ical.js types
    org.setValue([poc.organisation] as unknown as string);
    card.addProperty(org);
  }
  addText(card, 'email', poc.email);
  for (const [number, types] of [
    [poc.phone, ['work', 'voice']],
    [poc.emergencyPhone, ['work', 'voice', 'x-emergency']],
  ] as const) {
    if (number === null || number === undefined) continue;
    const tel = new ICAL.Property('tel');
    tel.setParameter('type', [...types]);
    tel.setParameter('value', 'uri');
    tel.setValue(`tel:${number}`);
    card.addProperty(tel);
  }
  (poc.languages ?? []).forEach((language, index) => {
    const lang = new ICAL.Property('lang');
    lang.setParameter('pref', String(index + 1));
    lang.setValue(language);
    card.addProperty(lang);
  });
  addText(card, 'tz', poc.timeZone);
  const categories = new ICAL.Property('categories');
  categories.setValues([poc.level, poc.role, state.code]);
  card.addProperty(categories);
  addKey(card, poc.pgpKey);
  const notes = [
    poc.hours === undefined || poc.hours === null ? null : `Hours: ${formatHours(poc.hours)}`,
    poc.pgpFingerprint ? `OpenPGP fingerprint: ${poc.pgpFingerprint}` : null,
    poc.pgpFingerprint ? `OpenPGP key expires: ${poc.pgpExpiresAt ?? 'never'}` : null,
  ].filter((note) => note !== null);
  addText(card, 'note', notes.join('\n'));

  return serialiseCard(card);
}

/** Builds one vCard file holding a card for each of a state's PoCs. */
export function stateToVcards(state: DirectoryState): string {
  return state.pocs.map((poc) => pocToVcard(state, poc)).join('');
}

/** The values of one card, as a re-import reads them. */
export interface VcardValues {
  uid: string;
  fn: string;
  org: string | null;
  title: string | null;
  email: string | null;
  tel: string[];
  /** Armored OpenPGP key of the KEY property; absent when the card has none. */
  key?: string;
}

/** Reads every card of a vCard file. */
export function parseVcards(text: string): VcardValues[] {
  // ICAL.parse returns one jCard for one card, and an array of jCards for several.
  const parsed = ICAL.parse(text) as unknown[];
  const jcards = (Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[][];

  return jcards.map((jcard) => {
    const card = new ICAL.Component(jcard);
    const text = (name: string) => {
      const value: unknown = card.getFirstPropertyValue(name);
      return typeof value === 'string' ? value : null;
    };
    const org = card.getFirstProperty('org')?.getValues() as string[] | undefined;
    const key = text('key');

    return {
      uid: text('uid') ?? '',
      fn: text('fn') ?? '',
      org: org === undefined ? null : org.join(';'),
      title: text('title'),
      email: text('email'),
      tel: card.getAllProperties('tel').map((p) => String(p.getFirstValue())),
      ...(key === null ? {} : { key }),
    };
  });
}
