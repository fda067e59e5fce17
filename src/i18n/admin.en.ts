/** English text of the invitation and password-reset mails and their one-time link pages. */
export const adminMessages = {
  mail: {
    roleNames: {
      'state-editor': 'state editor',
      poc: 'point of contact',
      partner: 'partner',
    } as Readonly<Record<string, string>>,
    roleFor: (role: string, of: string) => `${role} for ${of}`,
    invitationSubject: (as: string) => `[Parley] Invitation to join as ${as}`,
    invitationBody: (as: string, expiresAt: string, link: string) =>
      [
        `You are invited to Parley, the directory of cyber points of contact, as ${as}.`,
        '',
        'Open this link to choose your password and create your account. The link works once,',
        `until ${expiresAt}, and is personal: do not forward this mail.`,
        link,
        '',
        'If you did not expect this invitation, ignore this mail: no account exists until the link',
        'is used.',
      ].join('\n'),
    resetSubject: '[Parley] Choose a new password',
    resetBody: (email: string, expiresAt: string, link: string) =>
      [
        `A new password was requested for your Parley account ${email}.`,
        '',
        `Open this link to choose it. The link works once, until ${expiresAt}, and is personal.`,
        link,
        '',
        'Your current password keeps working until you choose a new one. If you did not expect this',
        'mail, tell the Parley secretariat.',
      ].join('\n'),
  },
  linkPages: {
    /** Role names with their article, as the invitation page shows them. */
    roleNames: {
      'state-editor': 'a state editor',
      poc: 'a point of contact',
      partner: 'a partner',
    } as Readonly<Record<string, string>>,
    invitation: {
      title: 'Accept your invitation',
      button: 'Create my account',
      problems: {
        unknown: 'This invitation link is not valid. Check that you copied the whole address.',
        used: 'This invitation was already used. Sign in with the password you chose.',
        expired: 'This invitation has expired. Ask the person who invited you to send a new one.',
        revoked: 'A newer invitation replaced this one. Use the link in the most recent mail.',
      },
      invited: (role: string, stateCode: string | null) =>
        stateCode === null
          ? `You are invited to Parley as ${role}.`
          : `You are invited to Parley as ${role} of ${stateCode}.`,
      choosePassword: 'Choose a password for your account',
    },
    reset: {
      title: 'Choose a new password',
      button: 'Set my password',
      problems: {
        unknown: 'This link is not valid. Check that you copied the whole address.',
        used: 'This link was already used. Sign in with your new password.',
        expired: 'This link has expired. Ask the secretariat or your state editor for a new one.',
        revoked: 'This link no longer works: a newer link was sent, or the account is suspended.',
      },
      intro: 'Choose a new password for your Parley account.',
    },
    signedIn: (email: string) =>
      `You are signed in as ${email}. Sign out, then open this link again.`,
    formExpired: 'The form expired. Please enter your password again.',
    fieldError: (field: string, message: string) => `${field}: ${message}`,
    /** Names of the password form's fields in its error messages. */
    formFields: { password: 'password', confirm: 'confirm' } as Readonly<Record<string, string>>,
    formProblems: {
      missing: 'is required',
      tooShort: (min: number) => `must have at least ${min} characters`,
      tooLong: (max: number) => `must have at most ${max} characters`,
      mismatch: 'must repeat the password exactly',
      guessable:
        'is easy to guess (a common password, a pattern or a repeated character); use a ' +
        'passphrase of several unrelated words',
      invalid: 'is invalid',
    },
    conflict: (detail: string) => `${detail}. Sign in, or ask for a password reset.`,
    newPassword: 'New password (at least 12 characters)',
    repeatPassword: 'Repeat the password',
  },
} as const;
