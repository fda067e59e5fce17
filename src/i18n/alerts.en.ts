/** English text of alert mails and the personal acknowledgement page. */
export const alertsMessages = {
  /** Severity names by level, from 0 to 5. */
  severityNames: ['Baseline', 'Low', 'Medium', 'High', 'Severe', 'Emergency'],
  unknownSeverity: 'Unknown',
  severityLabel: (level: number, name: string) => `${level} ${name}`,
  /** Sharing rules of TLP 2.0 (FIRST), as they apply on this platform. */
  tlpRules: {
    clear: 'Recipients may share this with anyone.',
    green: 'Recipients may share this within the Parley community, but not publicly.',
    amber: 'Recipients may share this within their organisation and its clients, need-to-know.',
    'amber+strict': 'Recipients may share this only within their organisation, need-to-know.',
    red: 'For the named recipients only: do not share it with anyone.',
  },
  /** The line that opens and closes every message about a drill. */
  exerciseBanner: 'EXERCISE EXERCISE EXERCISE: this is a drill, not a real incident.',
  theSecretariat: 'the secretariat',
  mail: {
    reminder: 'REMINDER: you have not acknowledged this alert yet.',
    tlpLine: (label: string, rule: string) => `${label}. ${rule}`,
    alert: (title: string) => `Alert: ${title}`,
    severity: (severity: string) => `Severity: ${severity}`,
    from: (sender: string) => `From: ${sender}`,
    sent: (sentAt: string) => `Sent: ${sentAt}`,
    acknowledgeBy: (dueAt: string) => `Please acknowledge by: ${dueAt}`,
    stixObjects: (ids: readonly string[]) => `STIX objects: ${ids.join(', ')}`,
    acknowledgeLink: 'Acknowledge receipt (the link is personal, do not forward this mail):',
    subjectSite: '[Parley]',
    subjectExercise: '[EXERCISE]',
    subjectReminder: '[Reminder]',
    subjectSeverity: (severity: string) => `[Severity ${severity}]`,
    encryptedTitle: 'Encrypted alert',
    withheldTitle: 'Alert waiting in Parley',
    withheldIntro:
      'An alert was sent to you in Parley. Its content is not in this mail: sign in to read it.',
    withheldReason: (reason: string) => `Your OpenPGP key could not be used: ${reason}`,
    withheldLink:
      'Open the alert and acknowledge it (sign-in required; the link is personal, do not ' +
      'forward this mail):',
  },
  ackPage: {
    severity: (severity: string) => `Severity ${severity}`,
    fromAndSent: (sender: string, sentAt: string) => `From ${sender}, sent ${sentAt}`,
    acknowledge: 'Acknowledge',
    alreadyAcknowledged: (acknowledgedAt: string) =>
      `You acknowledged this alert at ${acknowledgedAt}.`,
    acknowledgedTitle: 'Alert acknowledged',
    acknowledgedStatus: (acknowledgedAt: string) =>
      `Your acknowledgement was recorded at ${acknowledgedAt}.`,
    withheldTitle: 'Alert',
    withheldSignIn:
      'This alert was mailed to you without its content because your OpenPGP key could not ' +
      'be used. Sign in to read it.',
    signIn: 'Sign in',
  },
} as const;
