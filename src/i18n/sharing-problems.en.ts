/** English text of the errors that STIX sharing, indicators and moderation return. */
export const sharingProblems = {
  unknownStates: (codes: string) =>
    `unknown state codes ${codes}: use UN member or observer state codes`,
  unknownOrganisations: (organisations: string) =>
    `unknown partner organisations ${organisations}: give an admitted partner's name or id`,
  unknownAccounts: (emails: string) => `no account has the e-mail ${emails}`,
  partnersNotCleared: 'Named partners are not cleared for the objects of this upload',
  /** `clearance` and `level` are TLP labels such as TLP:GREEN. */
  organisationNotCleared: (organisation: string, clearance: string, level: string) =>
    `${organisation} is cleared only up to ${clearance}, but this upload shares ${level} ` +
    `objects with it; remove it from orgs, or share only objects up to ${clearance}`,
  /** `clearance` and `level` are TLP labels such as TLP:GREEN. */
  accountNotCleared: (email: string, clearance: string, level: string) =>
    `${email} is a partner account cleared only up to ${clearance}, but this upload shares ` +
    `${level} objects with it; remove it from accounts, or share only objects up to ${clearance}`,
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
  /** Messages of the request schema's own checks. */
  fields: {
    communityId: 'must be the id of a community you belong to (see GET /api/v1/communities)',
    notSeverity: (value: string) =>
      `"${value}" is not a severity; use a whole number from 0 (Baseline) to 5 (Emergency)`,
    /** `kinds` lists the incident classes, such as "abusive-content, malicious-code". */
    kind: (kinds: string) => `kind must be one of ${kinds}`,
    community: 'must be the id of a community you belong to (see GET /api/v1/communities)',
    bundleType: 'must be "bundle"',
    bundleObjectId:
      'must be a STIX identifier such as indicator--6f1a2c3e-9b7d-4e21-8c55-0d2f4a6b8e91',
    typeName: 'must be a STIX type name such as indicator',
    ipv4: 'must be an IPv4 address such as 203.0.113.9 or a CIDR block such as 198.51.100.0/24',
    ipv6: 'must be an IPv6 address such as 2001:db8::1 or a CIDR block such as 2001:db8::/32',
    domainName: 'must be a domain name such as example.org',
    url: 'must be an absolute URL with a scheme, such as https://example.org/path',
    email: 'must be an e-mail address such as ops@example.org',
    hexDigits: (length: number) => `must be ${length} hexadecimal digits`,
    /** `algorithms` lists the hash algorithms, such as "MD5, SHA-256". */
    hashesMissing: (algorithms: string) => `must name at least one hash: ${algorithms}`,
    fileMissing: 'a file observable needs name, hashes or both',
    observableType:
      'type must be one of ipv4-addr, ipv6-addr, domain-name, url, email-addr or file; a file ' +
      'takes name and hashes, the others take value',
    notEmptyOmit: 'must not be empty; leave it out instead',
    severityWhole: 'must be a whole number from 0 (Baseline) to 5 (Emergency)',
    statesAtMost: 'must name at most 250 states',
    observableTypeName: 'must be a STIX cyber-observable type such as file',
    timestampType: (example: string) => `must be a timestamp string such as ${example}`,
    timestampFormat: (value: string, example: string) =>
      `"${value}" is not an RFC 3339 UTC timestamp ending in Z, such as ${example}`,
    notCalendarDate: (value: string) => `"${value}" is not a real calendar date`,
    notTimeOfDay: (value: string) => `"${value}" is not a real time of day`,
    tooManyFractionDigits: (value: string, digits: number) =>
      `"${value}" has more than ${digits} fraction digits; round it to nanoseconds`,
    decision: 'decision must be approve or reject',
    rejectReason: 'reason is required when rejecting: tell the partner why',
  },
} as const;
