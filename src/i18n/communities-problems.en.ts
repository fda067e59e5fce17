/** English text of the errors that trusted communities return. */
export const communitiesProblems = {
  secretariatOnly: 'Only the secretariat creates and changes communities',
  notAdmittedPartner: (given: string) =>
    `${given} is not an admitted partner organisation: give its id or exact name`,
  nameTaken: 'name: another community already has this name',
  nameTakenField: 'is taken by another community: choose another name',
  communityNotFound: 'Community not found',
  archived: 'This community is archived and can no longer change',
  alreadyArchived: 'This community is already archived',
  notMember: 'is not an active community you belong to: list yours with GET /api/v1/communities',
  /** Messages of the request schema's own checks. */
  fields: {
    statesAtMost: 'must name at most 200 states',
    organisationsAtMost: 'must name at most 200 organisations',
    patchEmpty: 'give at least one of name, description, states or organisations',
    communityId: 'must be a community id (a UUID)',
  },
} as const;
