/** English text of the errors that communication checks return. */
export const checksProblems = {
  startersOnly: 'Only the secretariat and state editors may start checks',
  ownStateOnly: (state: string) => `a state editor may only check ${state}`,
  partnerNotFound: (id: string) => `Partner organisation ${id} not found`,
  notSponsor: (state: string, id: string) => `${state} does not sponsor partner organisation ${id}`,
  noPartnerAccounts: 'these partner organisations have no active account',
  noMatchingPoc: 'no PoC matches these levels, states and regions',
  linkNotFound: 'Check link not found',
  /** `closedAt` is an ISO 8601 timestamp. */
  closed: (closedAt: string) => `This check closed at ${closedAt}`,
  checkNotFound: 'Check not found',
  /** Messages of the request schema's own checks. */
  fields: {
    partnersAtMost: 'may name at most 100 partner organisations',
    windowMinutes: 'must be a whole number of minutes from 5 to 43,200 (30 days)',
    windowAtLeast: 'must be at least 5 minutes',
    windowAtMost: 'must be at most 43,200 minutes (30 days)',
    reminderType: 'must be minutes before the window closes',
    reminderInteger: 'must be a whole number of minutes before the window closes',
    reminderAtLeast: 'must be at least 1 minute before the window closes',
    remindersAtMost: 'may list at most 5 reminders',
    repeatDays: 'must be a whole number of days from 1 to 366',
    reminderBeforeClose: (windowMinutes: number) =>
      `must be less than windowMinutes (${windowMinutes}), so the reminder goes out while the ` +
      'window is open',
  },
} as const;
