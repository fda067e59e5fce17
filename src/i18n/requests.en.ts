/**
 * Joins a sender's name, organisation and state as `name, organisation (state)`, leaving out an
 * empty part and an organisation that repeats the name (exercise control sends for no state).
 */
function joinSender(name: string, organisation: string, state: string | null): string {
  const names = organisation === '' || organisation === name ? name : `${name}, ${organisation}`;

  return state === null || state === '' ? names : `${names} (${state})`;
}

/** English text of the mails about requests between states. */
export const requestsMessages = {
  typeNames: {
    'request-for-information': 'Request for information',
    'request-for-assistance': 'Request for assistance',
    notification: 'Notification',
    response: 'Response',
    acknowledgement: 'Acknowledgement of receipt',
  } as Readonly<Record<string, string>>,
  mail: {
    heading: (typeName: string, reference: string) => `${typeName} ${reference}`,
    subject: (subject: string) => `Subject: ${subject}`,
    from: (name: string, organisation: string, state: string | null, email: string) =>
      `From: ${joinSender(name, organisation, state)} <${email}>`,
    sector: (sector: string) => `Sector: ${sector}`,
    severity: (severity: string) => `Severity: ${severity}`,
    responseDue: (dueAt: string) => `Response requested by: ${dueAt}`,
    requested: 'Requested:',
    replyLink: (link: string) => `Acknowledge and reply in the workspace: ${link}`,
    encryptedTitle: 'Encrypted message',
    withheldTitle: 'Message waiting in Parley',
    withheldIntro:
      'A message was sent to you in Parley. Its content is not in this mail: sign in to read it.',
    withheldReason: (reason: string) => `Your OpenPGP key could not be used: ${reason}`,
    subjectLine: (
      isExercise: boolean,
      tlpLabel: string,
      reference: string,
      typeName: string,
      subject: string,
    ) =>
      `[Parley]${isExercise ? ' [EXERCISE]' : ''} [${tlpLabel}] [${reference}] ${typeName}: ${subject}`,
  },
} as const;
