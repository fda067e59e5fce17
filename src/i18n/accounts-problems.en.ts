/** English text of the errors that creating accounts and API tokens returns. */
export const accountsProblems = {
  invalidEmail: 'must be a valid e-mail address such as name@example.org',
  /** `scripts` names the scripts that the label mixes, such as "Latin and Cyrillic". */
  mixedScripts: (label: string, scripts: string) =>
    `has the domain label "${label}", which mixes ${scripts} letters as look-alike domains ` +
    'do; type the address again in one script',
  /** `script` is the label's script, such as Cyrillic; `looksLike` the Latin label it reads as. */
  wholeScriptConfusable: (label: string, script: string, looksLike: string) =>
    `has the domain label "${label}", written in ${script} letters that read as the Latin ` +
    `"${looksLike}"; type the address again in Latin letters`,
  stateRolesOnly: 'is only allowed for roles state-editor and poc',
  organisationForPartner: 'is required for role partner and allowed for no other role',
  emailInUse: 'already in use',
  pocOfOtherState:
    "is the address of another state's PoC in the directory, and the account would receive " +
    "that state's alerts: use the person's own address, or ask that state to change its entry",
  pocOfState:
    "is the address of a state's PoC in the directory, and this account would receive that " +
    "state's alerts: use an address that no directory entry lists",
  accountNotFound: 'Account not found',
  /** `offered` lists the language tags that the server offers, such as "en, fr". */
  localeNotOffered: (offered: string) =>
    `must be one of the languages this server offers (${offered}), or null for the server ` +
    'default',
  tokenMissing: 'give the token id or the token itself',
} as const;
