/** English text of the errors that the directory of points of contact returns. */
export const directoryProblems = {
  stateNotFound: 'State not found',
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
  historyEditorsOnly: "Only the state's editors and the secretariat read a PoC's history",
  listEditorsOnly:
    'Only state editors and the secretariat list entries for editing; read GET /api/v1/directory',
  changeRequestSecretariatOnly: 'Only the secretariat records changes a state requested',
  /** `reason` is the OpenPGP library's own message, in English. */
  keyUnreadable: (reason: string) => `is not an armored OpenPGP public key (${reason})`,
  keyUnreadableUnknown: 'is not an armored OpenPGP public key',
  keyPrivate: 'is a private key: paste only the public key block',
  keyRevoked: 'has been revoked: export the current key',
  keyExpired: (expiresAt: string) => `expired on ${expiresAt}: extend or replace the key`,
} as const;
