/** English text of the errors that webhook registration returns. */
export const webhooksProblems = {
  managersOnly: 'Only state editors, partners and the secretariat manage webhooks',
  stateOrOrganisation: 'give either state or organisation, not both',
  ownOnly: (owner: string) => `You may register webhooks only for ${owner}`,
  ownerMissing: 'name the state or the organisation that owns the webhook',
  webhookNotFound: 'Webhook not found',
} as const;
