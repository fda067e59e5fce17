/** English text of the errors that alerts return. */
export const alertsProblems = {
  alertNotFound: 'Alert not found',
  partnersCannotSend: 'Partner accounts cannot send alerts',
  objectNotReadable: (objectId: string) => `${objectId} is not a STIX object you can read`,
  /** `level` and `alertLevel` are TLP labels such as TLP:AMBER. */
  objectStricter: (objectId: string, level: string, alertLevel: string) =>
    `${objectId} is ${level}, stricter than the alert's ${alertLevel}; raise the alert to that ` +
    'level or leave the object out',
  invalidEmail: 'must be a valid e-mail address',
  /** `tlp` is the TLP level in capitals, such as AMBER. */
  recipientsMissing: (tlp: string) =>
    `name at least one recipient state or organisation for TLP:${tlp}`,
  partnersOnlyCommunity: (tlp: string) =>
    `all partners may receive only CLEAR or GREEN alerts; name organisations for TLP:${tlp}`,
  redOnlyAccounts: 'TLP:RED goes only to named accounts; use accounts',
  /** `clearance` is the TLP level in capitals, such as AMBER. */
  partnerClearance: (id: string, clearance: string) =>
    `${id} is cleared only up to TLP:${clearance}; lower the TLP or remove it`,
  redAccountsMissing: 'name at least one recipient e-mail for TLP:RED',
  noClearedRecipient:
    'no point of contact or partner account with the clearance has this e-mail address',
  /** Messages of the request schema's own checks. */
  fields: {
    objectId: 'must be a STIX id such as indicator--<UUID>',
    objectsAtMost: 'may name at most 100 objects',
    accountsAtMost: 'may name at most 1,000 accounts',
    level: 'must be diplomatic, policy or technical',
    organisationsAtMost: 'may name at most 500 organisations',
    responseMinutes: 'must be a whole number of minutes from 0 to 43200 (30 days)',
    eventId: 'must be the id of the live alert event, a positive integer',
    eventNotOfAlert:
      'is not the id of a live event of this alert sent to your account; send the id of the ' +
      'alert event your stream received',
  },
} as const;
