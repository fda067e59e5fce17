/** Names, with their article, of the ipaddr.js ranges of addresses webhooks may not call. */
const rangeNames: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a unique local address (fc00::/7)',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
  rfc6052: 'an IPv4-embedded IPv6 address (RFC 6052)',
  rfc6145: 'an IPv4-translated IPv6 address (RFC 6145)',
  '6to4': 'a 6to4 relay address (2002::/16)',
  teredo: 'a Teredo tunnel address (2001::/32)',
  ipv4Mapped: 'an IPv4-mapped IPv6 address',
  discard: 'a discard-only address (100::/64)',
  benchmarking: 'a benchmarking address (RFC 5180)',
  amt: 'an AMT relay address',
  as112: 'an AS112 address',
  deprecated: 'a deprecated address',
  orchid2: 'an ORCHIDv2 address',
  droneRemoteIdProtocolEntityTags: 'a drone remote ID address',
};

/** English text of the checks on webhook target URLs. */
export const webhooksMessages = {
  urlInvalid: 'must be an http or https URL such as https://example.org/hook',
  urlScheme: 'must be an http or https URL such as https://example.org/hook',
  urlCredentials:
    'must not contain a user name or password; receivers authenticate calls by their signature',
  addressForbidden: (host: string, address: string, range: string) =>
    `${host === address ? address : `${host} resolves to ${address}, which`} is ` +
    `${rangeNames[range] ?? `an address of the ${range} range`}, and webhooks call only ` +
    'public addresses; use a ' +
    'public URL, or ask the operator to add the host to WEBHOOK_ALLOWED_HOSTS',
  hostNotResolved: (host: string, code: string) =>
    `host ${host} could not be resolved (${code}); check the spelling, or try again later`,
} as const;
