/** English text of the errors that account, organisation and invitation administration return. */
export const adminProblems = {
  userNotFound: 'User not found',
  apiKeyNotFound: 'API key not found',
  organisationNotFound: 'Organisation not found',
  suspended: 'The account is suspended: reinstate it first',
  apiKeysOwnerOnly: 'API keys are created only by their owner, who alone sees the key',
  notOnSelf: 'You cannot suspend, reinstate or delete your own account',
  secretariatAccounts: 'Only the secretariat may act on a secretariat account',
  ownStateAccounts: 'State editors act only on state-editor and poc accounts of their own state',
  listAccounts: 'Only the secretariat and state editors list accounts',
  auditSecretariatOnly: 'Only the secretariat reads the audit trail',
  auditRangeReversed: 'must not be later than to',
  manageOrganisations: 'Only the secretariat manages partner organisations',
  inviteOwnStateRoles: 'State editors invite only state-editor and poc accounts of their own state',
  inviteRoles: 'Only the secretariat and state editors may invite',
  ownStateOnly: (own: string) => `must be your own state ${own} or left out`,
  partnerOnly: 'is allowed only for role partner',
  /** `role` is an account role such as state-editor or poc. */
  requiredForRole: (role: string) => `is required for role ${role}`,
  notForPartner: 'is not allowed for role partner',
  requiredForPartner: 'is required for role partner',
  clearanceRequired: 'is required for a new organisation, for example amber',
  accountExists: (email: string) => `An account with e-mail ${email} already exists`,
  hasAccount: 'already has an account',
  invitationPending: (email: string) => `E-mail ${email} has a pending invitation`,
  invitedElsewhere: 'has a pending invitation from another state or the secretariat',
  /** Messages of the request schema's own checks. */
  fields: {
    invitableRole:
      'must be state-editor, poc or partner (secretariat accounts are made with the CLI)',
    organisationPatchEmpty: 'give clearance, sponsorState or both',
    passwordMismatch: 'must repeat the password exactly',
  },
} as const;
