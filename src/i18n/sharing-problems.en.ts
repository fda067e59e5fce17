/** English text of the errors that STIX sharing, indicators and moderation return. */
export const sharingProblems = {
  unknownStates: (codes: string) =>
    `unknown state codes ${codes}: use UN member or observer state codes`,
  unknownOrganisations: (organisations: string) =>
    `unknown partner organisations ${organisations}: give an admitted partner's name or id`,
  unknownAccounts: (emails: string) => `no account has the e-mail ${emails}`,
  objectNotFound: 'STIX object not found',
  /** `id` is the STIX id of a rejected object, `reason` why the import rejected it. */
  rejectedObject: (id: string, reason: string) => `${id}: ${reason}`,
  rejectedObjectWithoutId: (reason: string) => `object without id: ${reason}`,
  indicatorNotStored: (reasons: string) => `The indicator was not stored: ${reasons}`,
  indicatorRejected: 'The indicator was not stored: the import rejected it',
  invalidPattern: (position: number, message: string) =>
    `invalid STIX pattern at position ${position}: ${message}`,
  patternNotEvaluable: (message: string) => `cannot be evaluated: ${message}`,
  matchTimedOut: (milliseconds: number) =>
    `the match took longer than ${milliseconds} ms and was stopped: simplify the MATCHES or ` +
    'LIKE expression',
  bundleMissing: 'is missing: attach the STIX bundle file',
  /** `reason` is the JSON parser's own message, in English. */
  bundleNotJsonDetail: (reason: string) => `bundle: the file is not valid JSON: ${reason}`,
  bundleNotJson: 'is not valid JSON',
  nothingStored: (rejected: number) => `No object was stored: ${rejected} rejected`,
  nothingStoredFirst: (rejected: number, id: string, reason: string) =>
    `No object was stored: ${rejected} rejected; first: ${id}: ${reason}`,
  /** `reason` is the multipart parser's own message, in English. */
  malformedMultipart: (reason: string) => `Malformed multipart body: ${reason}`,
  malformedMultipartUnreadable: 'Malformed multipart body: unreadable form',
  partnersModerated:
    'Partner organisations cannot share directly: submit the bundle to POST /api/v1/moderation',
  partnersOnlySubmit: 'Only partner organisations submit for moderation',
  moderationNotFound: 'Moderation item not found',
  moderatorsOnly: 'Only a moderator of this submission may decide on it',
  /** `status` is the stored decision: approved or rejected. */
  alreadyDecided: (status: string) => `This submission was already ${status}`,
} as const;
