import { formatCount, selectPlural } from './format.ts';

const locale = 'en';
const count = (value: number) => formatCount(locale, value);

/** English text of the directory pages and the directory's reminder mails. */
export const directoryMessages = {
  pageTitle: 'Directory',
  title: 'Directory of cyber points of contact',
  searchLabel: 'Search by state or name',
  search: 'Search',
  /** `problem` is a validation message such as "must have at most 200 characters". */
  searchError: (problem: string) => `Search ${problem}`,
  showAll: 'Show all',
  download: 'Download',
  downloadStateVcards: 'Download all contact cards of this state (vCard)',
  pointsOfContact: 'Points of contact',
  coverage: 'Coverage',
  coverageCaption: 'Coverage: which levels each state has designated, and when last confirmed',
  noMatch: 'No points of contact match.',
  state: 'State',
  level: 'Level',
  levels: { diplomatic: 'Diplomatic', policy: 'Policy', technical: 'Technical' },
  alternate: 'alternate',
  name: 'Name',
  designation: 'Designation',
  organisation: 'Organisation',
  email: 'E-mail',
  phone: 'Telephone',
  emergencyPhone: 'Emergency telephone',
  hours: 'Hours',
  languages: 'Languages',
  timeZone: 'Time zone',
  lastConfirmed: 'Last confirmed',
  contactCard: 'Contact card',
  openpgpKey: 'OpenPGP key',
  keyExpires: (date: string) => `expires ${date}`,
  keyNeverExpires: 'does not expire',
  keyExpired: 'Expired',
  downloadKey: 'Download key (.asc)',
  vcard: 'vCard',
  json: 'JSON',
  csv: 'CSV',
  designated: 'Designated',
  notDesignated: 'Not designated',
  membersOnly: 'Members only',
  stale: 'Stale',
  never: 'Never',
  healthTitle: 'Directory health',
  healthCaption: 'Gaps per state; choose a column heading to sort',
  missingLevels: 'Levels not designated',
  withoutAlternate: 'Levels without an alternate',
  staleCount: 'Stale entries',
  bouncedAddresses: 'Bounced addresses',
  healthStatesWithoutPoc: (states: number, total: number) =>
    `States with no point of contact: ${count(states)} of ${count(total)}`,
  healthStatesMissingLevel: (states: number) => `States missing a level: ${count(states)}`,
  healthStatesWithoutAlternate: (states: number) =>
    `States with a level without an alternate: ${count(states)}`,
  healthStaleEntries: (entries: number) => `Stale entries: ${count(entries)}`,
  healthBounced: (addresses: number) => `Addresses whose last mail bounced: ${count(addresses)}`,
  openpgpKeys: 'OpenPGP keys expired / expiring',
  healthExpiredKeys: (entries: number) =>
    `Entries whose OpenPGP key has expired: ${count(entries)}`,
  healthKeysExpiringSoon: (entries: number, days: number) =>
    `Entries whose OpenPGP key expires within ${count(days)} days: ${count(entries)}`,
  healthKeyCell: (expired: number, expiring: number) =>
    expired + expiring === 0 ? '—' : `${count(expired)} expired, ${count(expiring)} expiring`,
  reminderSubject: (state: string, entries: number) =>
    selectPlural(locale, entries, {
      one: `[Parley] ${count(entries)} point-of-contact entry of ${state} needs confirming`,
      other: `[Parley] ${count(entries)} point-of-contact entries of ${state} need confirming`,
    }),
  reminderLine: (level: string, name: string, lastConfirmedAt: string | null) =>
    `- ${level}: ${name} (last confirmed ${lastConfirmedAt?.slice(0, 10) ?? 'never'})`,
  reminderBody: (days: number, lines: string[], link: string) =>
    [
      `These entries of your state have not been confirmed for more than ${count(days)} days, so the`,
      'public directory marks them stale:',
      '',
      ...lines,
      '',
      `Please check each one and confirm or correct it: ${link}`,
    ].join('\n'),
  designatedSummary: (designated: number, total: number) =>
    selectPlural(locale, total, {
      one: `${count(designated)} of ${count(total)} state has designated points of contact.`,
      other: `${count(designated)} of ${count(total)} states have designated points of contact.`,
    }),
  matchSummary: (states: number, query: string) =>
    selectPlural(locale, states, {
      one: `${count(states)} state matches “${query}”.`,
      other: `${count(states)} states match “${query}”.`,
    }),
} as const;
