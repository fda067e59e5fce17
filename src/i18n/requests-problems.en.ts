/** English text of the errors that requests between states return. */
export const requestsProblems = {
  pocsOnly: 'Only points of contact of a state send requests',
  otherState: 'must be another state; send requests within a state directly',
  /** `levels` lists PoC levels such as "policy, technical". */
  noPocAtLevels: (state: string, levels: string) =>
    `${state} has no point of contact at ${levels}; choose another level`,
  requestNotFound: 'Request not found',
  participantsOnlyReply: 'Only the sender and the recipients of a message reply to it',
  recipientsOnlyAcknowledge: 'Only a recipient of the message acknowledges it',
  /** `clearance` is a TLP label such as TLP:GREEN. */
  replyAboveClearance: (clearance: string) =>
    `must be ${clearance} or less strict, because your organisation is cleared only up to ` +
    `${clearance}; omit tlp or choose a lower level`,
  /** Messages of the request schema's own checks. */
  fields: {
    responseMinutes: 'must be a whole number of minutes from 1 to 43200 (30 days)',
    level: 'must be diplomatic, policy or technical',
    levelsMissing: 'name at least one level: diplomatic, policy or technical',
    box: 'must be inbox or outbox',
    reference: 'must be a reference such as PRL-2026-000123',
  },
} as const;
