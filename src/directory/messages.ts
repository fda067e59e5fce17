/**
 * User-facing text of the directory pages, in English. Every string the pages show comes from
 * here, so that a catalogue per UN language can replace this one without touching the pages.
 */
export const messages = {
  pageTitle: 'Directory',
  title: 'Directory of cyber points of contact',
  searchLabel: 'Search by state or name',
  search: 'Search',
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
  healthStatesWithoutPoc: (count: number, total: number) =>
    `States with no point of contact: ${count} of ${total}`,
  healthStatesMissingLevel: (count: number) => `States missing a level: ${count}`,
  healthStatesWithoutAlternate: (count: number) =>
    `States with a level without an alternate: ${count}`,
  healthStaleEntries: (count: number) => `Stale entries: ${count}`,
  healthBounced: (count: number) => `Addresses whose last mail bounced: ${count}`,
  reminderSubject: (state: string, count: number) =>
    `[Parley] ${count} point-of-contact entries of ${state} need confirming`,
  reminderLine: (level: string, name: string, lastConfirmedAt: string | null) =>
    `- ${level}: ${name} (last confirmed ${lastConfirmedAt?.slice(0, 10) ?? 'never'})`,
  reminderBody: (days: number, lines: string[], link: string) =>
    [
      `These entries of your state have not been confirmed for more than ${days} days, so the`,
      'public directory marks them stale:',
      '',
      ...lines,
      '',
      `Please check each one and confirm or correct it: ${link}`,
    ].join('\n'),
  designatedSummary: (designated: number, total: number) =>
    `${designated} of ${total} states have designated points of contact.`,
  matchSummary: (count: number, query: string) => `${count} states match “${query}”.`,
} as const;
