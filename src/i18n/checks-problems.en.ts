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
} as const;
