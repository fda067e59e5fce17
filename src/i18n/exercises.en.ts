/** English text that exercises put into requests, alerts and the controller's pages. */
export const exercisesMessages = {
  mark: 'EXERCISE',
  /** First line of the body of every request or alert an inject releases. */
  bodyBanner: 'EXERCISE - this is a drill, not a real incident.',
  subject: (title: string) => `[EXERCISE] ${title}`,
  controlName: 'Exercise control',
  bundleAlertTitle: (title: string) => `[EXERCISE] STIX bundle: ${title}`,
  bundleAlertBody: (count: number, link: string) =>
    `${count} exercise STIX objects were released. Read them at ${link}`,
  liveTimeline: 'The timeline updates live.',
  reload: 'Reload the timeline',
  /** Shown to a secretariat account that did not create the exercise. */
  notLive: "Only the exercise's controller sees new entries live; reload to see them.",
  timeline: {
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
