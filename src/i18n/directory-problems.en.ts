/** English text of the errors that the directory of points of contact returns. */
export const directoryProblems = {
  stateNotFound: 'State not found',
  stateWithoutPocs: (state: string) =>
    `${state} has no points of contact in the directory, so there are no contact cards`,
  unknownStateCode: (code: string) => `${code} is not a known state code`,
  notUnStateCode: (code: string) => `${code} is not a UN member or observer state code`,
  unknownOrganisation: (id: string) => `${id} is not a known organisation`,
  pocNotFound: 'PoC not found',
  phoneCharacters: (value: string) =>
    `"${value}" may contain only digits, spaces and + ( ) - . /; give a direct number without ` +
    'an extension',
  phoneInvalid: (value: string) =>
    `"${value}" is not a valid telephone number: use the international form, e.g. +41225550123`,
  visibilityOwnEditors: "Only the state's own editors choose its visibility",
  healthSecretariatOnly: 'Only the secretariat sees directory health',
  ownEditorsOnly: "Only a state's own editors may change its PoC entries",
  /** `level` is the PoC level as stored: diplomatic, policy or technical. */
  emailTaken: (level: string) => `A ${level} PoC with this e-mail exists`,
  emailUsedBy: (level: string, name: string, id: string) =>
    `already used by the ${level} PoC ${name} (${id})`,
  emailOfOutsideAccount:
    "is the e-mail of a Parley account outside this state, which would then receive the state's " +
    "alerts; enter the contact's own address, or ask the secretariat to change that account",
  duplicateSuspected: 'This entry looks like an existing PoC of your state',
  looksLike: (level: string, name: string, email: string, id: string) =>
    `looks like the ${level} PoC ${name} <${email}> (${id}); repeat with confirmDuplicate=true ` +
    'to add it anyway',
  readEditorsOnly:
    'Only state editors and the secretariat read entries for editing; read GET /api/v1/directory',
  pocChanged:
    'The PoC entry changed since it was read, so If-Match no longer matches its ETag: reload the ' +
    'entry, apply your change to it again and send it with the new ETag',
  pocChangedWhileSaving:
    'The PoC entry changed again during each attempt to save this request: send the request again',
  importEntryChanged: (id: string) =>
    `The PoC ${id} changed while the CSV file was being imported, so nothing was imported: ` +
    'import the file again',
  historyEditorsOnly: "Only the state's editors and the secretariat read a PoC's history",
  listEditorsOnly:
    'Only state editors and the secretariat list entries for editing; read GET /api/v1/directory',
  changeRequestSecretariatOnly: 'Only the secretariat records changes a state requested',
  changeRequestStateInPath: (state: string) =>
    `is not accepted: the change applies to ${state}, the state named in the request path`,
  /** `reason` is the OpenPGP library's own message, in English. */
  keyUnreadable: (reason: string) => `is not an armored OpenPGP public key (${reason})`,
  keyUnreadableUnknown: 'is not an armored OpenPGP public key',
  keyPrivate: 'is a private key: paste only the public key block',
  keyRevoked: 'has been revoked: export the current key',
  keyExpired: (expiresAt: string) => `expired on ${expiresAt}: extend or replace the key`,
  keyCount: (count: number) =>
    count === 0
      ? 'contains no OpenPGP public key: paste one armored public key block'
      : `contains ${count} keys: paste one public key (its subkeys may stay)`,
  keyTruncated: 'has a key block without its END line: paste the whole armored block',
  keyCreatedInFuture: (createdAt: string) =>
    `was created in the future (${createdAt}): check the clock of the machine that made it, ` +
    'then make or export the key again',
  keyCannotEncrypt:
    'has no subkey that can encrypt now: add a valid encryption subkey, then export the key again',
  keyNotFound: 'OpenPGP key not found for this PoC',
  /** Warning returned with a saved entry whose key expires within the warning period. */
  keyExpiresSoon: (expiresAt: string, days: number) =>
    `The OpenPGP key expires on ${expiresAt}, within ${days} days: extend its expiry and save ` +
    'it again, or encrypted alert mail to this contact will stop',
  /** Messages of the request schema's own checks. */
  fields: {
    requestNote: "must say which request of the state this records, e.g. its note's reference",
    language: 'must be an ISO 639-1 code such as en, fr or ar',
    role: 'must be primary or alternate',
    stateNotAccepted: 'is not accepted: a PoC always belongs to your own state',
    pocId: 'must be a PoC id',
    changeAction: 'must be one of create, update, delete, confirm',
  },
  importNotUtf8: 'The CSV file is not valid UTF-8: save it as "CSV UTF-8" and upload it again',
  /** `reason` is the CSV parser's own message, in English, with the line number. */
  importUnreadable: (reason: string) => `The CSV file could not be read: ${reason}`,
  importEmpty: 'must have a header row and at least one PoC row',
  importTooManyRows: (max: number) => `must have at most ${max} PoC rows`,
  importUnknownColumns: (columns: readonly string[]) =>
    `has unknown columns ${columns.join(', ')}: use the column names of the directory CSV export`,
  importMissingColumns: (columns: readonly string[]) =>
    `is missing the columns ${columns.join(', ')}`,
  importRepeatedColumns: (columns: readonly string[]) =>
    `names the columns ${columns.join(', ')} more than once`,
  importOtherState: (given: string, own: string) =>
    `is ${given === '' ? 'empty' : given}: import only rows of your own state, ${own}`,
  importRepeatedRow: (row: number) =>
    `repeats the e-mail and level of row ${row}: each PoC may appear once`,
  importLooksLike: (level: string, name: string, email: string, id: string) =>
    `looks like the ${level} PoC ${name} <${email}> (${id}); import with ` +
    'confirmDuplicates=true to add it anyway',
  importLooksLikeRow: (row: number) =>
    `has the name of row ${row} of this file with another e-mail address; import with ` +
    'confirmDuplicates=true to add both',
  importRejected: (rows: number) =>
    rows === 1
      ? '1 row of the CSV file is invalid, so nothing was imported'
      : `${rows} rows of the CSV file are invalid, so nothing was imported`,
  importFileMissing: 'Upload the CSV file in the form field "file", or send it as text/csv',
} as const;
