import { formatCount, selectPlural } from './format.ts';

const locale = 'en';

/** English text that exercises put into requests, alerts and the controller's pages. */
export const exercisesMessages = {
  mark: 'EXERCISE',
  subject: (title: string) => `[EXERCISE] ${title}`,
  controlName: 'Exercise control',
  bundleAlertTitle: (title: string) => `STIX bundle: ${title}`,
  bundleAlertBody: (count: number, link: string) =>
    selectPlural(locale, count, {
      one: `${formatCount(locale, count)} exercise STIX object was released. Read it at ${link}`,
      other: `${formatCount(locale, count)} exercise STIX objects were released. Read them at ${link}`,
    }),
  liveTimeline: 'The timeline updates live.',
  reload: 'Reload the timeline',
  /** Shown to a secretariat account that did not create the exercise. */
  notLive: "Only the exercise's controller sees new entries live; reload to see them.",
  pages: {
    listTitle: 'Exercises',
    planNew: 'Plan a new exercise',
    listMeta: (status: string, createdAt: string) => `${status}, created ${createdAt}`,
    statuses: { planned: 'planned', running: 'running', ended: 'ended' } as Readonly<
      Record<string, string>
    >,
    bannerMark: 'EXERCISE',
    bannerNote: '- everything on this page belongs to a drill',
    statusLine: (status: string, states: readonly string[]) =>
      `Status ${status}; states ${states.join(', ')}`,
    injectKinds: {
      check: 'check',
      alert: 'alert',
      request: 'request',
      bundle: 'bundle',
    } as Readonly<Record<string, string>>,
    injects: 'Injects',
    when: 'When',
    kind: 'Kind',
    title: 'Title',
    release: 'Release',
    releaseNow: 'Release now',
    notReleased: 'not released',
    releasedAt: (releasedAt: string) => `released ${releasedAt}`,
    offset: (minutes: number) => `+${formatCount(locale, minutes)} min`,
    timelineHeading: 'Timeline',
    reportLink: 'After-action report',
    reportTitle: (title: string) => `After-action report: ${title}`,
    reportDates: (startedAt: string | null, endedAt: string | null) =>
      `Started ${startedAt ?? '–'}; ended ${endedAt ?? 'still running'}`,
    statesReached: (reached: readonly string[], states: readonly string[]) =>
      `States reached: ${reached.join(', ') || 'none'} of ${states.join(', ')}`,
    reachedCaption: (rate: string, reached: number, participants: number) =>
      `${rate} (${formatCount(locale, reached)} of ${formatCount(locale, participants)})`,
    noResponse: 'no response',
    minutes: (minutes: number) => `${formatCount(locale, minutes)} min`,
    respondedByLevel: 'Participants who responded, per level',
    medianByLevel: 'Median minutes to respond, per level',
    timesCaption: 'Times per participant (minutes)',
    state: 'State',
    level: 'Level',
    email: 'E-mail',
    inject: 'Inject',
    toAcknowledge: 'To acknowledge',
    toRespond: 'To respond',
    injectWithKind: (title: string, kind: string) => `${title} (${kind})`,
    gapsHeading: 'Gaps found',
  },
  gaps: {
    /** Headings of the kinds of gap an after-action report lists. */
    kinds: {
      'missing-level': 'Level not designated',
      'no-alternate': 'No alternate',
      'stale-entry': 'Stale entry',
      'unreachable-mailbox': 'Unreachable mailbox',
      unanswered: 'Unanswered inject',
    },
    missingLevel: 'No PoC at this level',
    noAlternate: 'No alternate PoC',
    staleEntry: (email: string, confirmedAt: string | null) =>
      `${email} last confirmed ${confirmedAt ?? 'never'}`,
    mailFailed: (email: string, reason: string | null) =>
      `${email}: ${reason ?? 'delivery failed'}`,
    alertMailFailed: (email: string) => `${email}: alert mail failed`,
    unanswered: (email: string, inject: string) => `${email} did not respond to "${inject}"`,
  },
  timeline: {
    exerciseStarted: 'Exercise started',
    exerciseEnded: 'Exercise ended',
    injectReleasedWithKind: (title: string, kind: string) => `Inject released: ${title} (${kind})`,
    checkMailFailed: (who: string) => `Mail to ${who} failed`,
    checkOpened: (who: string) => `${who} opened the check`,
    checkAnsweredBy: (who: string) => `${who} answered`,
    checkEscalated: (who: string) => `${who} escalated`,
    injectReleased: (title: string) => `Inject released: ${title}`,
    delivered: (who: string, title: string) => `"${title}" delivered to ${who}`,
    deliveryFailed: (who: string, title: string) => `Mail of "${title}" to ${who} failed`,
    checkAnswered: (who: string, title: string) => `${who} answered "${title}"`,
    /** Role shown for a partner organisation's account, which has no level. */
    partner: 'partner',
    requestAcknowledged: (who: string, subject: string) => `${who} acknowledged "${subject}"`,
    requestAnswered: (who: string, subject: string) => `${who} answered "${subject}"`,
    alertAcknowledged: (who: string, title: string) => `${who} acknowledged "${title}"`,
  },
} as const;
