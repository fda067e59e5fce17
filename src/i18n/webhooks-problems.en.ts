/** English text of the errors that webhook registration returns. */
export const webhooksProblems = {
  managersOnly: 'Only state editors, partners and the secretariat manage webhooks',
  stateOrOrganisation: 'give either state or organisation, not both',
  ownOnly: (owner: string) => `You may register webhooks only for ${owner}`,
  ownerMissing: 'name the state or the organisation that owns the webhook',
  webhookNotFound: 'Webhook not found',
  /** `id` is the endpoint already registered with the URL. */
  urlRegistered: (owner: string, id: string) =>
    `${owner} already has a webhook with this URL (${id}): each alert would post to it twice; ` +
    'change or remove that webhook instead',
  urlRegisteredField: 'is already registered for this owner',
} as const;
