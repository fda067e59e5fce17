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
} as const;
