/** Words for the ipaddr.js range names of addresses that webhooks may not call. */
const rangeNames: Readonly<Record<string, string>> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  uniqueLocal: 'unique local (fc00::/7)',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

/** English text of the checks on webhook target URLs. */
export const webhooksMessages = {
  urlInvalid: 'must be an http or https URL such as https://example.org/hook',
  urlScheme: 'must be an http or https URL such as https://example.org/hook',
  urlCredentials:
    'must not contain a user name or password; receivers authenticate calls by their signature',
  addressForbidden: (host: string, address: string, range: string) =>
    `${host === address ? address : `${host} resolves to ${address}, which`} is a ` +
    `${rangeNames[range] ?? range} address, and webhooks call only public addresses; use a ` +
    'public URL, or ask the operator to add the host to WEBHOOK_ALLOWED_HOSTS',
  hostNotResolved: (host: string, code: string) =>
    `host ${host} could not be resolved (${code}); check the spelling, or try again later`,
} as const;
