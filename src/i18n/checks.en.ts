import { formatCount, formatPercent, selectPlural } from './format.ts';

const locale = 'en';

/** Formats a rate from 0 to 1 as a whole percentage, or a dash without data. */
const rate = (value: number | null) => (value === null ? '–' : formatPercent(locale, value));

/** English text of communication checks: their pages, charts and mails. */
export const checksMessages = {
  /** Names of the UN regional groups. */
  regionNames: {
    african: 'African Group',
    'asia-pacific': 'Asia-Pacific Group',
    'eastern-european': 'Eastern European Group',
    'latin-american-caribbean': 'Latin American and Caribbean Group',
    'western-european-others': 'Western European and Others Group',
    observer: 'Observer states',
  } as Readonly<Record<string, string>>,
  /** A recipient's level as results show it; partner organisations have the level `partner`. */
  levels: {
    diplomatic: 'diplomatic',
    policy: 'policy',
    technical: 'technical',
    partner: 'partner',
  } as Readonly<Record<string, string>>,
  contactRoles: {
    primary: 'primary',
    alternate: 'alternate',
    partner: 'partner',
  } as Readonly<Record<string, string>>,
  /** How an answer came in: the personal link, the workspace or the API. */
  answeredVia: { link: 'link', web: 'web', api: 'api' } as Readonly<Record<string, string>>,
  statuses: { open: 'open', escalating: 'escalating', closed: 'closed' } as Readonly<
    Record<string, string>
  >,
  /** A state's outcome in the grid of states. */
  outcomes: {
    answered: 'Answered',
    'answered-after-escalation': 'Answered by an alternate',
    unanswered: 'No answer',
    pending: 'Waiting for an answer',
  },
  rate,
  /** A response rate with its counts, for example `75% (3 of 4)`. */
  rateCaption: (value: number | null, answered: number, recipients: number) =>
    `${rate(value)} (${formatCount(locale, answered)} of ${formatCount(locale, recipients)})`,
  exerciseMark: 'EXERCISE',
  exerciseNote: '- not a real check',
  summary: {
    heading: 'Aggregate results',
    responseRate: 'Response rate',
    medianTime: 'Median time to answer',
    noMedian: '–',
    minutes: (minutes: number) =>
      selectPlural(locale, minutes, {
        one: `${formatCount(locale, minutes)} minute`,
        other: `${formatCount(locale, minutes)} minutes`,
      }),
    deliveryHeading: 'Delivered, opened, escalations',
    delivery: (delivered: number, opened: number, escalated: number) =>
      `${formatCount(locale, delivered)} delivered, ${formatCount(locale, opened)} opened, ` +
      `${formatCount(locale, escalated)} escalated`,
    rateByLevel: 'Response rate per level',
    rateByRegion: 'Response rate per UN regional group',
    regions: 'Regions',
    downloadCsv: 'Download the aggregates as CSV',
  },
  results: {
    heading: 'Results per recipient',
    states: 'States',
    caption: 'Recipients',
    state: 'State',
    level: 'Level',
    role: 'Role',
    email: 'E-mail',
    delivered: 'Delivered',
    opened: 'Opened',
    answered: 'Answered',
    reminders: 'Reminders',
    escalated: 'Escalated',
    escalation: '(escalation)',
    deliveryFailed: 'failed',
    notYet: '–',
    answeredVia: (via: string) => `(${via})`,
    downloadCsv: 'Download these results as CSV',
  },
  form: {
    heading: 'Start a check',
    title: 'Title',
    states: 'States (ISO codes separated by commas; empty for all)',
    statesPlaceholder: 'FR, DE, JP',
    levels: 'Levels',
    regions: 'UN regional groups',
    window: 'Response window in minutes',
    reminders: 'Reminders, in minutes before the window closes (commas)',
    remindersPlaceholder: '60, 10',
    repeat: 'Repeat every how many days (empty for once)',
    submit: 'Start check',
  },
  pages: {
    listTitle: 'Communication checks',
    recent: 'Recent checks',
    exerciseTag: '[EXERCISE]',
    listMeta: (status: string, startedAt: string) => `${status}, started ${startedAt}`,
    checkTitle: (title: string) => `Communication check: ${title}`,
    answerIntro: (dueAt: string) =>
      `Press the button to confirm that you can be reached. Please answer by ${dueAt}.`,
    answerButton: 'Answer',
    answeredAt: (answeredAt: string) => `You answered this check at ${answeredAt}.`,
    answerRecorded: 'Answer recorded',
    answerRecordedAt: (answeredAt: string) =>
      `Your answer was recorded at ${answeredAt}. Thank you.`,
    youAreRecipient: 'You are a recipient of this check.',
    statusLine: (status: string, startedAt: string, closesAt: string) =>
      `Status ${status}; started ${startedAt}; window closes ${closesAt}`,
  },
  mail: {
    escalation: 'You receive this check because the primary contact of your state did not answer.',
    reminderOpening: 'Reminder: you have not answered this communication check yet.',
    inviteOpening: 'This is a communication check of the Parley directory of points of contact.',
    check: (title: string) => `Check: ${title}`,
    answerBy: (dueAt: string) => `Please answer by: ${dueAt}`,
    instructions: [
      'Open the link and press "Answer" to confirm that you can be reached. Opening the link alone',
      'does not count as an answer. The link is personal: do not forward this mail.',
    ].join('\n'),
    subject: (isReminder: boolean, title: string, isExercise = false) =>
      `[Parley] ${isExercise ? '[EXERCISE] ' : ''}${isReminder ? 'Reminder: ' : ''}` +
      `Communication check: ${title}`,
  },
} as const;
