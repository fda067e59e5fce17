// Every user-facing string of the workspace, in English. A translation replaces this module
// with one of the same shape.

/** The message catalogue of the workspace. */
export const messages = {
  appName: 'Parley',
  documentTitle: (page: string) => `${page} · Parley workspace`,
  skipToContent: 'Skip to content',
  loading: 'Loading…',
  refresh: 'Refresh',
  cancel: 'Cancel',
  optional: '(optional)',
  none: '—',

  header: {
    navigation: 'Workspace',
    signedInAs: (email: string, role: string) => `Signed in as ${email} (${role})`,
    signOut: 'Sign out',
  },

  roles: {
    secretariat: 'secretariat',
    'state-editor': 'state editor',
    poc: 'point of contact',
    partner: 'partner',
  },

  pages: {
    inbox: 'Alert inbox',
    pocs: "My state's PoCs",
    share: 'Share a bundle',
    sendAlert: 'Send an alert',
    deliveries: 'Deliveries',
    notFound: 'Page not found',
    notAllowed: 'Not available',
  },

  notFound: 'There is no workspace page at this address.',
  notAllowed: 'Your account cannot use this page. Use the links above.',

  errors: {
    summary: 'There is a problem',
    checkFields: 'Correct the fields marked below, then send the form again.',
    requestFailed: (status: number) =>
      `The request failed with HTTP status ${status}. Try again, or reload the page.`,
    network: 'The server could not be reached. Check your connection and try again.',
    unexpectedResponse: 'The server sent a response this page cannot read. Reload the page.',
    sessionExpired: 'Your session has ended. Redirecting to sign-in…',
    stateCodesInvalid: (codes: string) =>
      `Invalid state codes: ${codes}. Use two-letter ISO codes such as FR, KE.`,
  },

  live: {
    connecting: 'Live updates: connecting…',
    connected: 'Live updates: on',
    reconnecting: 'Live updates: connection lost, reconnecting…',
    closed: 'Live updates: off. Reload the page to turn them on again.',
  },

  severity: {
    label: 'Severity',
    names: ['Baseline', 'Low', 'Medium', 'High', 'Severe', 'Emergency'] as const,
    option: (level: number, name: string) => `${level} ${name}`,
  },

  tlp: {
    label: 'TLP',
    levels: {
      clear: 'TLP:CLEAR',
      green: 'TLP:GREEN',
      amber: 'TLP:AMBER',
      'amber+strict': 'TLP:AMBER+STRICT',
      red: 'TLP:RED',
    },
    choose: 'Choose a TLP level',
  },

  inbox: {
    empty: 'No alerts yet. New alerts appear here without reloading the page.',
    caption: 'Alerts, most severe first, then newest',
    columns: {
      severity: 'Severity',
      tlp: 'TLP',
      title: 'Alert',
      from: 'From',
      received: 'Received',
      status: 'Status',
    },
    fromUnknown: 'Secretariat or partner',
    sentByYou: 'Sent by you',
    viewDeliveries: 'Deliveries',
    viewDeliveriesOf: (title: string) => `Deliveries of alert: ${title}`,
    acknowledge: 'Acknowledge',
    acknowledgeAlert: (title: string) => `Acknowledge alert: ${title}`,
    acknowledging: 'Acknowledging…',
    acknowledged: 'Acknowledged',
    newAlert: (title: string) => `New alert: ${title}`,
    acknowledgedAlert: (title: string) => `Alert acknowledged: ${title}`,
  },

  pocs: {
    intro: (state: string) => `Points of contact of ${state}, as shown in the directory.`,
    empty: 'Your state has no points of contact yet. Add one below.',
    caption: 'Points of contact',
    columns: {
      level: 'Level',
      name: 'Name',
      designation: 'Designation',
      organisation: 'Organisation',
      email: 'E-mail',
      phone: 'Telephone',
      updated: 'Last changed',
      actions: 'Actions',
    },
    levels: { diplomatic: 'Diplomatic', policy: 'Policy', technical: 'Technical' },
    chooseLevel: 'Choose a level',
    levelHint: 'Diplomatic: foreign ministry. Policy: national cyber authority. Technical: CERT.',
    phoneHint: 'International format with country code, for example +41225550123.',
    addHeading: 'Add a point of contact',
    editHeading: (name: string) => `Change ${name}`,
    add: 'Add PoC',
    save: 'Save changes',
    edit: 'Edit',
    editPoc: (name: string) => `Edit ${name}`,
    delete: 'Delete',
    deletePoc: (name: string) => `Delete ${name}`,
    confirmDelete: (name: string) => `Delete ${name} from the directory? This cannot be undone.`,
    added: (name: string) => `${name} was added.`,
    saved: (name: string) => `${name} was changed.`,
    noChanges: 'Nothing was changed.',
    deleted: (name: string) => `${name} was deleted.`,
    fields: {
      level: 'Level',
      name: 'Full name',
      designation: 'Designation (job title)',
      organisation: 'Organisation',
      email: 'E-mail',
      phone: 'Telephone',
    },
  },

  share: {
    intro:
      'Upload a STIX 2.1 bundle. Objects that carry a TLP marking keep it. ' +
      'The TLP level chosen here applies to the objects without one.',
    fields: {
      file: 'STIX bundle (.json file)',
      tlp: 'TLP level for unmarked objects',
      states: 'Recipient states',
    },
    statesHint:
      'Two-letter ISO codes separated by commas, for example FR, KE. ' +
      'TLP:AMBER, TLP:AMBER+STRICT and TLP:RED reach only the states named here.',
    fileMissing: 'Choose a .json file to upload.',
    fileNotJson: (reason: string) => `The file is not valid JSON: ${reason}`,
    tlpMissing: 'Choose a TLP level.',
    submit: 'Share bundle',
    sending: 'Sharing…',
    resultHeading: 'Result',
    stored: (count: number) =>
      count === 1 ? '1 object was stored.' : `${count} objects were stored.`,
    rejectedCaption: 'Rejected objects',
    rejectedNone: 'No object was rejected.',
    rejectedColumns: { id: 'Object id', reason: 'Reason' },
    warningsHeading: 'Warnings',
  },

  sendAlert: {
    intro: 'The alert goes to every point of contact that its TLP level allows.',
    fields: {
      title: 'Title',
      severity: 'Severity',
      tlp: 'TLP level',
      body: 'Message',
      states: 'Recipient states',
      accounts: 'Recipient e-mails',
    },
    statesHint:
      'Needed for TLP:AMBER and TLP:AMBER+STRICT: two-letter ISO codes separated by commas, ' +
      'for example FR, KE. Your own state is always included.',
    accountsHint:
      'Needed for TLP:RED: the e-mail addresses of the points of contact who receive it, ' +
      'separated by commas or line breaks.',

    chooseSeverity: 'Choose a severity',
    titleMissing: 'Enter a title.',
    severityMissing: 'Choose a severity.',
    tlpMissing: 'Choose a TLP level.',
    bodyMissing: 'Enter the message.',
    submit: 'Send alert',
    sending: 'Sending…',
  },

  deliveries: {
    alertId: 'Alert id:',
    countsHeading: 'Summary',
    counts: {
      recipients: 'Recipients',
      queued: 'Queued',
      sent: 'Sent',
      failed: 'Failed',
      acknowledged: 'Acknowledged',
    },
    caption: 'Recipients',
    empty: 'This alert has no recipients.',
    columns: {
      email: 'E-mail',
      state: 'State',
      level: 'Level',
      status: 'Delivery',
      attempts: 'Attempts',
      sentAt: 'Sent',
      openedAt: 'Opened',
      acknowledgedAt: 'Acknowledged',
    },
    acknowledgedVia: (via: string) => `via ${via}`,
    failedBecause: (reason: string) => `failed: ${reason}`,
    liveHint: 'Acknowledgements appear here as they arrive.',
  },
} as const;
